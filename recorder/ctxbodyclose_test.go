package recorder_test

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/cassette-go/cassette/internal/stallbody"
	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

// http.Transport closes a request body once, also when the request's
// context ends while the body is read. The recorder closed it at the
// context's end, then again when it gave the request up: a body whose
// Close is not meant to be called twice (one closing a channel) panicked.
func TestRoundTripperClosesABodyCutByItsContextOnce(t *testing.T) {
	lib, err := library.Open(filepath.Join(t.TempDir(), "api"))
	if err != nil {
		t.Fatal(err)
	}
	var hits atomic.Int32
	rt := recorder.NewRoundTripper(lib, recorder.Transport(sendFunc(func(r *http.Request) (*http.Response, error) {
		hits.Add(1)
		return nil, errors.New("not to be sent")
	})))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
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
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("RoundTrip(POST /stream) with its body cut by its context's end: error %v, want context.Canceled", err)
	}
	if n := body.Closes(); n != 1 {
		t.Errorf("the request body was closed %d times; want once, as http.Transport closes it", n)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the transport got %d request(s); want none", n)
	}
}
