package replayserver_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// A request body that does not end (a stream whose writer waits for the
// answer, a CONNECT's tunnel) kept NewTransport's RoundTrip reading it,
// to name the request, after the request's context had ended, for ever:
// http.Transport gives such a body up then, closing it, and returns the
// context's error. NewTransport now does too, in every mode; nothing is
// sent.
func TestTransportGivesUpABodyThatDoesNotEndWhenTheContextEnds(t *testing.T) {
	// Not passthrough: it sends the body as it comes, through
	// http.Transport, which can itself wait for ever on such a body once
	// the API answered before its end (the same with
	// http.DefaultTransport alone).
	for _, mode := range []string{"replay", "record", "once", "rerecord"} {
		for _, method := range []string{http.MethodPost, http.MethodConnect} {
			t.Run(mode+"/"+method, func(t *testing.T) {
				t.Setenv(replayserver.EnvMode, mode)
				apiURL, hits := countingAPI(t)
				path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/old")
				rt := replayserver.NewTransport(t, path)
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				pr, pw := io.Pipe()
				defer pw.Close()
				req, err := http.NewRequestWithContext(ctx, method, apiURL+"/stream", pr)
				if err != nil {
					t.Fatal(err)
				}
				done := make(chan error, 1)
				go func() {
					resp, err := rt.RoundTrip(req)
					if resp != nil {
						resp.Body.Close()
					}
					done <- err
				}()
				// The transport has begun reading the body once this
				// write returns; the body never ends.
				if _, err := pw.Write([]byte("ping")); err != nil {
					t.Fatal(err)
				}
				cancel()
				// Without the fix, RoundTrip never returns: the test's
				// timeout ends it.
				if err := <-done; !errors.Is(err, context.Canceled) {
					t.Errorf("%s with a body that does not end, its context canceled: RoundTrip error %v, want context.Canceled", method, err)
				}
				if n := hits.Load(); n != 0 {
					t.Errorf("the API got %d request(s); want none", n)
				}
			})
		}
	}
}
