package replayserver_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/internal/stallbody"
	"github.com/cassette-go/cassette/replayserver"
)

// http.Transport returns a request's context.Cause, not its Err: a client
// that ends its requests with context.WithCancelCause (or
// WithTimeoutCause) and tells its own cause apart got context.Canceled
// from NewTransport where the API's transport gives it its cause, for a
// request whose context had ended before RoundTrip and for one whose body
// its context's end cut short.
func TestTransportReturnsTheCauseOfAContextEnded(t *testing.T) {
	errStopped := errors.New("stopped by the caller")
	for _, mode := range []string{"replay", "record", "once"} {
		t.Run(mode, func(t *testing.T) {
			t.Setenv(replayserver.EnvMode, mode)
			apiURL, hits := countingAPI(t)
			path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/old")
			ft := newFakeTB(t)
			ft.do(func() {
				rt := replayserver.NewTransport(ft, path)
				ctx, cancel := context.WithCancelCause(context.Background())
				cancel(errStopped)
				for _, u := range []string{"https://api.example.com/old", apiURL + "/new"} {
					req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader("ping"))
					if err != nil {
						t.Fatal(err)
					}
					if _, err := http.DefaultTransport.RoundTrip(req.Clone(ctx)); !errors.Is(err, errStopped) {
						t.Fatalf("http.Transport.RoundTrip(POST %s) with its context ended: error %v, want its cause", u, err)
					}
					if _, err := rt.RoundTrip(req); !errors.Is(err, errStopped) {
						t.Errorf("RoundTrip(POST %s) with its context ended: error %v, want its cause %v, as from http.Transport", u, err, errStopped)
					}
				}

				ctx, cancel = context.WithCancelCause(context.Background())
				defer cancel(nil)
				body := stallbody.New(io.EOF)
				req, err := http.NewRequestWithContext(ctx, http.MethodPost, apiURL+"/stream", body)
				if err != nil {
					t.Fatal(err)
				}
				if err := roundTripEnded(rt, req, body.Started(), func() { cancel(errStopped) }); !errors.Is(err, errStopped) {
					t.Errorf("RoundTrip(POST %s/stream) with its body cut by its context's end: error %v, want its cause %v, as from http.Transport", apiURL, err, errStopped)
				}
			})
			ft.finish()
			if n := hits.Load(); n != 0 {
				t.Errorf("the API got %d request(s); want none", n)
			}
		})
	}
}
