package replayserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// The response's Request is the caller's request, as http.Transport
// returns it, whether the transport replayed or recorded the answer.
func TestTransportResponseRequestIsTheCallers(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv("CI", "")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	defer api.Close()
	path := filepath.Join(t.TempDir(), "api")
	for _, mode := range []replayserver.Mode{replayserver.ModeRecord, replayserver.ModeReplay} {
		t.Run(string(mode), func(t *testing.T) {
			rt := replayserver.NewTransport(t, path, replayserver.WithMode(mode))
			req, _ := http.NewRequest("POST", api.URL+"/v1/x", strings.NewReader("a body"))
			resp, err := rt.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.Request != req {
				t.Errorf("resp.Request is %p, not the caller's request %p", resp.Request, req)
			}
		})
	}
}
