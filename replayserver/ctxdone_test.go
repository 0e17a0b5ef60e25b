package replayserver_test

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// A request whose context has already ended is not sent by http.Transport:
// its caller gets the context's error. NewTransport replayed it, counting
// its cassette as used, so that a test of a client's cancellation passed
// against a cassette where it fails against the API, and Strict was
// satisfied by a request never made.
func TestTransportRefusesARequestWhoseContextEnded(t *testing.T) {
	for _, mode := range []string{"replay", "record", "once"} {
		t.Run(mode, func(t *testing.T) {
			t.Setenv(replayserver.EnvMode, mode)
			apiURL, hits := countingAPI(t)
			path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/old")
			ft := newFakeTB(t)
			var rtErr error
			var resp *http.Response
			ft.do(func() {
				rt := replayserver.NewTransport(ft, path, replayserver.Strict())
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				for _, u := range []string{"https://api.example.com/old", apiURL + "/new"} {
					req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
					if err != nil {
						t.Fatal(err)
					}
					resp, rtErr = rt.RoundTrip(req)
					if resp != nil {
						resp.Body.Close()
						t.Errorf("GET %s with its context done: %d, want no answer", u, resp.StatusCode)
					}
					if !errors.Is(rtErr, context.Canceled) {
						t.Errorf("GET %s with its context done: error %v, want context.Canceled", u, rtErr)
					}
				}
			})
			ft.finish()
			if n := hits.Load(); n != 0 {
				t.Errorf("the API got %d request(s); want none", n)
			}
			// The recorded cassette was never asked for: Strict names it.
			if e := ft.errors(); !strings.Contains(e, "GET_api.example.com") {
				t.Errorf("Strict did not name the cassette no request used; the test's errors:\n%s", e)
			}
		})
	}
}
