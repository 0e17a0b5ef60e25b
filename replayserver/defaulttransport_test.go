package replayserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// The Python library's patch(): NewTransport put in place of
// http.DefaultTransport records and replays every request of the process
// sent with the default client. Recording forwards through a clone of the
// transport that was the default when NewTransport was called, so it does
// not send requests to itself.
func TestNewTransportAsTheDefaultTransport(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	var calls atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		io.WriteString(w, "hello from "+r.URL.Path)
	}))
	defer api.Close()
	path := filepath.Join(t.TempDir(), "api")
	get := func(t *testing.T) string {
		resp, err := http.Get(api.URL + "/v1/hello")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, mode := range []replayserver.Mode{replayserver.ModeRecord, replayserver.ModeReplay} {
		t.Run(string(mode), func(t *testing.T) {
			old := http.DefaultTransport
			http.DefaultTransport = replayserver.NewTransport(t, path, replayserver.WithMode(mode), replayserver.Strict())
			t.Cleanup(func() { http.DefaultTransport = old })
			if got := get(t); got != "hello from /v1/hello" {
				t.Errorf("GET /v1/hello = %q", got)
			}
		})
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("the API was called %d times; want once, when recording", n)
	}
}
