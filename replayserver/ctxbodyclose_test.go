package replayserver_test

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/internal/stallbody"
	"github.com/cassette-go/cassette/replayserver"
)

// http.Transport closes a request body once, also when the request's
// context ends while the body is read. NewTransport closed it at the
// context's end, then again when it gave the request up: a body whose
// Close is not meant to be called twice (one closing a channel) panicked.
func TestTransportClosesABodyCutByItsContextOnce(t *testing.T) {
	for _, mode := range []string{"replay", "record", "once"} {
		t.Run(mode, func(t *testing.T) {
			t.Setenv(replayserver.EnvMode, mode)
			path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/old")
			ft := newFakeTB(t)
			body := stallbody.New(errors.New("read on a closed body"))
			ft.do(func() {
				rt := replayserver.NewTransport(ft, path)
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				req, err := http.NewRequestWithContext(ctx, http.MethodPost, "https://api.example.com/stream", body)
				if err != nil {
					t.Fatal(err)
				}
				if err := roundTripEnded(rt, req, body.Started(), cancel); !errors.Is(err, context.Canceled) {
					t.Errorf("RoundTrip(POST /stream) with its body cut by its context's end: error %v, want context.Canceled", err)
				}
			})
			ft.finish()
			if n := body.Closes(); n != 1 {
				t.Errorf("the request body was closed %d times; want once, as http.Transport closes it", n)
			}
		})
	}
}
