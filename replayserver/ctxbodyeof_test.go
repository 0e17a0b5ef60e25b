package replayserver_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/internal/stallbody"
	"github.com/cassette-go/cassette/replayserver"
)

// A body closed by the end of the request's context may end then with
// io.EOF rather than an error: cut short, it was taken for the whole body
// and the request named, missed (a miss report failing the test for a
// request its caller gave up) or forwarded. The request is given up
// whenever its context ended while its body was read.
func TestTransportGivesUpABodyEndedByItsContext(t *testing.T) {
	for _, mode := range []string{"replay", "record", "once"} {
		t.Run(mode, func(t *testing.T) {
			t.Setenv(replayserver.EnvMode, mode)
			apiURL, hits := countingAPI(t)
			path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/old")
			ft := newFakeTB(t)
			var rtErr error
			ft.do(func() {
				rt := replayserver.NewTransport(ft, path)
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				body := stallbody.New(io.EOF)
				req, err := http.NewRequestWithContext(ctx, http.MethodPost, apiURL+"/stream", body)
				if err != nil {
					t.Fatal(err)
				}
				rtErr = roundTripEnded(rt, req, body.Started(), cancel)
			})
			ft.finish()
			if !errors.Is(rtErr, context.Canceled) {
				t.Errorf("a body ended by its context's end: RoundTrip error %v, want context.Canceled", rtErr)
			}
			if e := ft.errors(); e != "" {
				t.Errorf("the test was failed for a request its caller gave up:\n%s", e)
			}
			if n := hits.Load(); n != 0 {
				t.Errorf("the API got %d request(s); want none", n)
			}
		})
	}
}
