package recorder_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cassette-go/cassette/internal/stallbody"
	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

type sendFunc func(*http.Request) (*http.Response, error)

func (f sendFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// A body closed by the end of the request's context may end then with
// io.EOF rather than an error: cut short, it was taken for the whole body
// and sent, and its exchange stored, through a transport that does not
// look at the context (one in process). The request is given up whenever
// its context ended while its body was read.
func TestRoundTripperGivesUpABodyEndedByItsContext(t *testing.T) {
	lib, err := library.Open(filepath.Join(t.TempDir(), "api"))
	if err != nil {
		t.Fatal(err)
	}
	var hits atomic.Int32
	inProcess := sendFunc(func(r *http.Request) (*http.Response, error) {
		hits.Add(1)
		if r.Body != nil {
			io.Copy(io.Discard, r.Body)
			r.Body.Close()
		}
		rec := httptest.NewRecorder()
		io.WriteString(rec, "answered")
		resp := rec.Result()
		resp.Request = r
		return resp, nil
	})
	rt := recorder.NewRoundTripper(lib, recorder.Transport(inProcess))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	body := stallbody.New(io.EOF)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://api.example.com/stream", body)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		resp, err := rt.RoundTrip(req)
		if resp != nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		done <- err
	}()
	<-body.Started()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("a body ended by its context's end: RoundTrip error %v, want context.Canceled", err)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the transport got %d request(s); want none", n)
	}
	names, err := lib.Names()
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 0 {
		t.Errorf("stored %s; want nothing", strings.Join(names, ", "))
	}
}
