package recorder_test

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

// longStall is a request body longer than its ContentLength: its first
// Read returns more than the length, its next says so on waiting and then
// waits until the body is closed.
type longStall struct {
	reads   int // only Read, from one goroutine, counts them
	waiting chan struct{}
	closed  chan struct{}
	closes  atomic.Int32
}

func (b *longStall) Read(p []byte) (int, error) {
	b.reads++
	if b.reads == 1 {
		return copy(p, strings.Repeat("x", 64)), nil
	}
	if b.reads == 2 {
		close(b.waiting)
	}
	<-b.closed
	return 0, errors.New("read on a closed body")
}

func (b *longStall) Close() error {
	if b.closes.Add(1) == 1 {
		close(b.closed)
	}
	return nil
}

// A body longer than its ContentLength and over MaxBodySize is read on to
// tell how much longer, as http.Transport does. That read went on after
// the request's context ended, for a body that does not end (a stream
// whose writer waits for the answer): RoundTrip never returned. The body
// is closed when the context ends, once, and the context's error returned.
func TestRoundTripperGivesUpTheRestOfALongBodyWhenItsContextEnds(t *testing.T) {
	lib, err := library.Open(filepath.Join(t.TempDir(), "api"))
	if err != nil {
		t.Fatal(err)
	}
	var hits atomic.Int32
	rt := recorder.NewRoundTripper(lib, recorder.MaxBodySize(16), recorder.Transport(sendFunc(func(r *http.Request) (*http.Response, error) {
		hits.Add(1)
		return nil, errors.New("not to be sent")
	})))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	body := &longStall{waiting: make(chan struct{}), closed: make(chan struct{})}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://api.example.com/upload", body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = 8 // under the limit, the body over it
	done := make(chan error, 1)
	go func() {
		_, err := rt.RoundTrip(req)
		done <- err
	}()
	<-body.waiting
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("RoundTrip(POST /upload, a body longer than its ContentLength cut by its context's end): error %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second): // not a timing check: a guard against waiting for ever
		body.Close()
		<-done
		t.Fatal("RoundTrip(POST /upload, a body longer than its ContentLength) did not return when its context ended")
	}
	if n := body.closes.Load(); n != 1 {
		t.Errorf("the request body was closed %d times; want once, as http.Transport closes it", n)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the transport got %d request(s); want none", n)
	}
}
