package replayserver_test

import (
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/internal/secretbodies"
	"github.com/cassette-go/cassette/replayserver"
)

// A response body that holds credentials (an OAuth token endpoint's
// answer) was recorded without a word: recording now logs, to the test,
// the names of its secret fields, never their values, unless a
// BeforeSave hook redacted them.
func TestRecordingLogsTheSecretFieldsOfAResponseBody(t *testing.T) {
	t.Setenv("CI", "")
	t.Setenv("CASSETTE_MODE", "")
	api := secretbodies.Endpoint(t)
	for _, mode := range []replayserver.Mode{replayserver.ModeRecord, replayserver.ModeRerecord, replayserver.ModeOnce} {
		for i, c := range secretbodies.Cases {
			t.Run(string(mode)+"/"+c.Name, func(t *testing.T) {
				f := newFakeTB(t)
				srv := replayserver.New(f, filepath.Join(t.TempDir(), "api"), replayserver.WithMode(mode), replayserver.Upstream(api.URL), replayserver.BeforeSave(secretbodies.Redact))
				resp, err := http.Get(srv.URL + "/" + strconv.Itoa(i))
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != c.Body {
					t.Errorf("the client got %q, want the body as sent, %q", got, c.Body)
				}
				f.finish()
				if len(f.errs) > 0 {
					t.Fatalf("errors: %q", f.errs)
				}
				secretbodies.CheckLog(t, c, strings.Split(f.logged(), "\n"))
			})
		}
	}
}
