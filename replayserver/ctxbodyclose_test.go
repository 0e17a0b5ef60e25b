package replayserver_test

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// closeCounted is a stream body whose Close ends a Read waiting on it
// with an error, and counts the calls to Close.
type closeCounted struct {
	started chan struct{}
	closed  chan struct{}
	sent    bool
	closes  atomic.Int32
}

func (b *closeCounted) Read(p []byte) (int, error) {
	if !b.sent {
		b.sent = true
		close(b.started)
		return copy(p, "ping"), nil
	}
	<-b.closed
	return 0, errors.New("read on a closed body")
}

func (b *closeCounted) Close() error {
	if b.closes.Add(1) == 1 {
		close(b.closed)
	}
	return nil
}

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
			body := &closeCounted{started: make(chan struct{}), closed: make(chan struct{})}
			ft.do(func() {
				rt := replayserver.NewTransport(ft, path)
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				req, err := http.NewRequestWithContext(ctx, http.MethodPost, "https://api.example.com/stream", body)
				if err != nil {
					t.Fatal(err)
				}
				done := make(chan error, 1)
				go func() {
					_, err := rt.RoundTrip(req)
					done <- err
				}()
				<-body.started
				cancel()
				if err := <-done; !errors.Is(err, context.Canceled) {
					t.Errorf("RoundTrip(POST /stream) with its body cut by its context's end: error %v, want context.Canceled", err)
				}
			})
			ft.finish()
			if n := body.closes.Load(); n != 1 {
				t.Errorf("the request body was closed %d times; want once, as http.Transport closes it", n)
			}
		})
	}
}
