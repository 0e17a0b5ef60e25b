package replayserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/internal/secretbodies"
	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// A JSON login's password, or Vault's AppRole secret_id, was recorded in
// the request body as sent without a word: recording now logs, to the
// test, the names of the secret fields of a stored request body, never
// their values, once for the cassette, unless a form's redaction or a
// BeforeSave hook redacted them.
func TestRecordingLogsTheSecretFieldsOfARequestBody(t *testing.T) {
	t.Setenv("CI", "")
	t.Setenv("CASSETTE_MODE", "")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(api.Close)
	hook := replayserver.BeforeSave(func(ex *library.Exchange) error {
		if strings.HasSuffix(ex.Request.URL, "/redact") {
			ex.Request.Body = []byte(`{"password":"REDACTED"}`)
		}
		return nil
	})
	cases := []struct {
		name, path, contentType, body string
		fields                        string // "" for no line
		secret                        string
	}{
		{"a Vault AppRole login names secret_id", "/v1/auth/approle/login", "application/json",
			`{"role_id":"db02de05-fa39-4855-059b-67221c5c2f63","secret_id":"6a174c20-f6de-a53c-74d2-6018fcceff64"}`,
			"secret_id", "6a174c20-f6de-a53c-74d2-6018fcceff64"},
		{"a JSON login names password", "/login", "application/json", `{"user":"ada","password":"hunter2hunter2"}`,
			"password", "hunter2hunter2"},
		{"a redacted form logs nothing", "/token", "application/x-www-form-urlencoded", "grant_type=password&password=hunter2hunter2",
			"", "hunter2hunter2"},
		{"a login a BeforeSave hook redacted logs nothing", "/redact", "application/json", `{"password":"hunter2hunter2"}`,
			"", "hunter2hunter2"},
	}
	for _, mode := range []replayserver.Mode{replayserver.ModeRecord, replayserver.ModeRerecord, replayserver.ModeOnce} {
		for _, c := range cases {
			t.Run(string(mode)+"/"+c.name, func(t *testing.T) {
				f := newFakeTB(t)
				srv := replayserver.New(f, filepath.Join(t.TempDir(), "api"), replayserver.WithMode(mode), replayserver.Upstream(api.URL), hook)
				n := 2 // twice: one line for the cassette and its fields
				if mode == replayserver.ModeOnce {
					n = 1 // the second would be replayed
				}
				for range n {
					resp, err := http.Post(srv.URL+c.path, c.contentType, strings.NewReader(c.body))
					if err != nil {
						t.Fatal(err)
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				f.finish()
				if len(f.errs) > 0 {
					t.Fatalf("errors: %q", f.errs)
				}
				var want []string
				if c.fields != "" {
					want = []string{"POST " + api.URL + c.path + ": ", "the request body was stored with the secret field(s) " + c.fields + " as sent", "BeforeSave", "body rule", "Security"}
				}
				secretbodies.CheckLines(t, strings.Split(f.logged(), "\n"), []string{c.secret}, want)
			})
		}
	}
}
