package replayserver_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/recorder"
	"github.com/cassette-go/cassette/replayserver"
)

// An API may announce a trailer and still send its body with a
// Content-Length (net/http's server does when a handler sets both): no
// trailer can follow such a body, and a client gets the length, and the
// Trailer field in the header. Recorded so, the exchange replays so, to
// every client: not chunked, with an announced trailer that never came.
func TestATrailerAnnouncedBesideALengthReplaysAsTheAPISentIt(t *testing.T) {
	t.Setenv("CI", "")
	t.Setenv(replayserver.EnvMode, "")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", "X-Sum")
		w.Header().Set("Content-Length", "4")
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "body")
	}))
	defer api.Close()
	describe := func(resp *http.Response) string {
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		return fmt.Sprintf("body %q (%v), length %d, Content-Length %q, Trailer %q, resp.Trailer %v",
			b, err, resp.ContentLength, resp.Header["Content-Length"], resp.Header["Trailer"], resp.Trailer)
	}
	path := filepath.Join(t.TempDir(), "api.json")
	var live string
	t.Run("record", func(t *testing.T) {
		c := &http.Client{Transport: recorder.NewTransport(t, path)}
		resp, err := c.Get(api.URL + "/sum")
		if err != nil {
			t.Fatal(err)
		}
		live = describe(resp)
	})
	clients := map[string]func(t *testing.T) *http.Client{
		"NewTransport": func(t *testing.T) *http.Client {
			return &http.Client{Transport: replayserver.NewTransport(t, path)}
		},
		"HTTP/1.1": func(t *testing.T) *http.Client { return replayserver.New(t, path).Client() },
		// Not a plain exchange: the header prepared for each request.
		"NewTransport, RecordedTiming": func(t *testing.T) *http.Client {
			return &http.Client{Transport: replayserver.NewTransport(t, path, replayserver.RecordedTiming())}
		},
		"HTTP/1.1, RecordedTiming": func(t *testing.T) *http.Client {
			return replayserver.New(t, path, replayserver.RecordedTiming()).Client()
		},
	}
	for _, via := range []string{"NewTransport", "HTTP/1.1", "NewTransport, RecordedTiming", "HTTP/1.1, RecordedTiming"} {
		t.Run(via, func(t *testing.T) {
			resp, err := clients[via](t).Get(api.URL + "/sum")
			if err != nil {
				t.Fatal(err)
			}
			if got := describe(resp); got != live {
				t.Errorf("replayed: %s\nthe API sent: %s", got, live)
			}
		})
	}
}
