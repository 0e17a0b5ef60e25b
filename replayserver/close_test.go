package replayserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
	"github.com/cassette-go/cassette/replayserver"
)

// A test that records, closes the server, and replays in the same test
// gets what it recorded: Close saves, as the end of the test does. The
// saves ran in the background, and a replay server made at once saw an
// empty library, missed, and said so (found by a probe). The same for
// recorder.New's Close.
func TestCloseSavesForAReplayInTheSameTest(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv("CI", "")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "live "+r.URL.Path)
	}))
	defer api.Close()
	get := func(t *testing.T, url string) string {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.Status + " " + string(b)
	}
	for name, record := range map[string]func(t *testing.T, path string) (base string, close func()){
		"replayserver.New": func(t *testing.T, path string) (string, func()) {
			srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(api.URL))
			return srv.URL, srv.Close
		},
		"recorder.New": func(t *testing.T, path string) (string, func()) {
			rec := recorder.New(t, api.URL, path)
			return rec.URL, rec.Close
		},
	} {
		t.Run(name, func(t *testing.T) {
			for _, lib := range []string{"api", "api.json"} {
				path := filepath.Join(t.TempDir(), lib)
				base, closeServer := record(t, path)
				for _, p := range []string{"/a", "/b", "/c"} {
					if got := get(t, base+p); got != "200 OK live "+p {
						t.Fatalf("recording GET %s = %q", p, got)
					}
				}
				closeServer()
				closeServer() // a second call does nothing

				l, err := library.Open(path)
				if err != nil {
					t.Fatal(err)
				}
				if names, err := l.Names(); err != nil || len(names) != 3 {
					t.Errorf("%s after Close holds %q, %v; want the 3 cassettes recorded", lib, names, err)
				}
				srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeReplay), replayserver.Upstream(api.URL), replayserver.Strict())
				for _, p := range []string{"/a", "/b", "/c"} {
					if got := get(t, srv.URL+p); got != "200 OK live "+p {
						t.Errorf("%s: GET %s replayed = %q; want what was recorded", lib, p, got)
					}
				}
			}
		})
	}
}
