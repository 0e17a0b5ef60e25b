package recorder_test

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/internal/stallbody"
	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

// http.Transport returns context.Cause of a request's context, not its
// Err: a client that ends a request with context.WithCancelCause and tells
// its cause apart got context.Canceled from the recorder for a request
// whose body the context's end cut short.
func TestRoundTripperReturnsTheCauseOfABodyCutByItsContext(t *testing.T) {
	errStopped := errors.New("stopped by the caller")
	lib, err := library.Open(filepath.Join(t.TempDir(), "api"))
	if err != nil {
		t.Fatal(err)
	}
	rt := recorder.NewRoundTripper(lib, recorder.Transport(sendFunc(func(r *http.Request) (*http.Response, error) {
		return nil, errors.New("not to be sent")
	})))
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	body := stallbody.New(errors.New("read on a closed body"))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://api.example.com/stream", body)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := rt.RoundTrip(req)
		done <- err
	}()
	<-body.Started()
	cancel(errStopped)
	if err := <-done; !errors.Is(err, errStopped) {
		t.Errorf("RoundTrip(POST /stream) with its body cut by its context's end: error %v, want its cause %v, as from http.Transport", err, errStopped)
	}
}
