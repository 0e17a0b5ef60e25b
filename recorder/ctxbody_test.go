package recorder_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/cassette-go/cassette/recorder"
)

// A request body that does not end (a stream whose writer waits for the
// answer, a CONNECT's tunnel) kept NewTransport's RoundTrip reading it
// after the request's context had ended, for ever: http.Transport gives
// such a body up then, closing it, and returns the context's error. The
// recorder now does too; nothing is sent.
func TestTransportGivesUpABodyThatDoesNotEndWhenTheContextEnds(t *testing.T) {
	for _, method := range []string{http.MethodPost, http.MethodConnect} {
		t.Run(method, func(t *testing.T) {
			var hits atomic.Int32
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				io.WriteString(w, "answered")
			}))
			defer api.Close()
			rt := recorder.NewTransport(t, filepath.Join(t.TempDir(), "api"))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			pr, pw := io.Pipe()
			defer pw.Close()
			req, err := http.NewRequestWithContext(ctx, method, api.URL, pr)
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
			// The recorder has begun reading the body once this write
			// returns; the body never ends.
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
