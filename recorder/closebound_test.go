package recorder_test

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

// pipeTransport answers with a stream (no Content-Length) whose body is a
// pipe the upstream keeps open, and whose Close does not end a Read in
// progress (io.NopCloser), as many fake transports do.
type pipeTransport struct{ w *io.PipeWriter }

func (p *pipeTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	pr, pw := io.Pipe()
	p.w = pw
	go pw.Write([]byte("data: one\n\n"))
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/event-stream"}}, ContentLength: -1, Body: io.NopCloser(pr), Request: r}, nil
}

// Closing a stream whose upstream body does not stop when closed returns
// (after drainMax) instead of blocking until the upstream ends, and the log
// says the response was not stored and why. Before, Close waited for the
// upstream with no bound.
func TestCloseOfAStreamWhoseBodyIgnoresCloseReturns(t *testing.T) {
	lib, err := library.Open(filepath.Join(t.TempDir(), "api.json"))
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu   sync.Mutex // guards logs
		logs []string
	)
	up := &pipeTransport{}
	rt := recorder.NewRoundTripper(lib, recorder.Transport(up), recorder.Logf(func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		logs = append(logs, format)
	}), recorder.OnError(func(err error) {
		mu.Lock()
		defer mu.Unlock()
		logs = append(logs, err.Error())
	}))
	req, _ := http.NewRequest("GET", "http://example.test/events", nil)
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	io.ReadFull(resp.Body, make([]byte, 11))
	done := make(chan struct{})
	go func() { resp.Body.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Minute): // a guard against a hang, not a measure: Close takes about a second
		t.Errorf("Close still blocked after a minute")
	}
	up.w.Close() // let the upstream end
	<-done
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(strings.Join(logs, "\n"), "did not stop when closed") {
		t.Errorf("logged %q; want a line saying the response was not stored because the body did not stop when closed", logs)
	}
}
