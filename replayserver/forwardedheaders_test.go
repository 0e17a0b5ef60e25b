package replayserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/recorder"
	"github.com/cassette-go/cassette/replayserver"
	"github.com/google/go-cmp/cmp"
)

// Recording, the servers forward and store the forwarding headers a
// client sends (a test's own proxy in front, say), as NewTransport does:
// the replay server recording, and recorder.New's proxy, which it is
// built on. httputil.ReverseProxy removes them unless told otherwise.
func TestRecordingForwardsAndStoresForwardingHeaders(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	sent := http.Header{
		"Forwarded":         {"for=203.0.113.7;proto=https"},
		"X-Forwarded-For":   {"203.0.113.7"},
		"X-Forwarded-Host":  {"public.example"},
		"X-Forwarded-Proto": {"https"},
	}
	for name, start := range map[string]func(t *testing.T, api, path string) (base string){
		"replayserver.New": func(t *testing.T, api, path string) string {
			return replayserver.New(t, path, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(api)).URL
		},
		"recorder.New": func(t *testing.T, api, path string) string {
			return recorder.New(t, api, path).URL
		},
	} {
		t.Run(name, func(t *testing.T) {
			got := make(chan http.Header, 1)
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got <- r.Header.Clone()
				io.WriteString(w, "ok")
			}))
			defer api.Close()
			path := filepath.Join(t.TempDir(), "api")
			t.Run("record", func(t *testing.T) {
				req, _ := http.NewRequest("GET", start(t, api.URL, path)+"/links", nil)
				for k, v := range sent {
					req.Header[k] = v
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			})
			upstream := <-got
			stored := storedRequest(t, path).Header
			for k, v := range sent {
				if diff := cmp.Diff(v, upstream[k]); diff != "" {
					t.Errorf("%s got by the API (-sent +got):\n%s", k, diff)
				}
				if diff := cmp.Diff(v, stored[k]); diff != "" {
					t.Errorf("%s stored (-sent +stored):\n%s", k, diff)
				}
			}
		})
	}
}
