package replayserver

import (
	"io"
	"net/http"
	"sync"
)

// openBodies are the bodies of the forwarded responses that
// [NewTransport] returned in the recording modes and that the test has
// neither read to their end nor closed. The recorder stores an exchange
// when its body ends, so a forgotten resp.Body.Close would lose it: when
// the test ends, closeAll closes them as the client would have, and each
// is stored then. The zero value is ready to use.
type openBodies struct {
	mu   sync.Mutex
	open map[*trackedBody]struct{}
}

// track makes the body of resp one of b's until it ends or is closed. A
// body that is also an io.Writer (a 101 Switching Protocols answer) is
// left as it is, so the caller can still write to it.
func (b *openBodies) track(resp *http.Response, what string) *http.Response {
	if resp.Body == nil || resp.Body == http.NoBody {
		return resp
	}
	if _, ok := resp.Body.(io.Writer); ok {
		return resp
	}
	tb := &trackedBody{ReadCloser: resp.Body, set: b, what: what}
	b.mu.Lock()
	if b.open == nil {
		b.open = make(map[*trackedBody]struct{})
	}
	b.open[tb] = struct{}{}
	b.mu.Unlock()
	resp.Body = tb
	return resp
}

// closeAll closes the bodies still open, saying so with logf.
func (b *openBodies) closeAll(logf func(format string, args ...any)) {
	b.mu.Lock()
	open := make([]*trackedBody, 0, len(b.open))
	for tb := range b.open {
		open = append(open, tb)
	}
	b.mu.Unlock()
	for _, tb := range open {
		logf("replayserver: %s: the test never closed the response body: closed when the test ended, and stored as Close stores it (close each body, or read it to its end)", tb.what)
		tb.Close()
	}
}

func (b *openBodies) forget(tb *trackedBody) {
	b.mu.Lock()
	delete(b.open, tb)
	b.mu.Unlock()
}

// A trackedBody is a response body that leaves its set once read to its
// end or closed.
type trackedBody struct {
	io.ReadCloser
	set  *openBodies
	what string // the request, for the log: "GET https://api.example.com/x"
}

func (tb *trackedBody) Read(p []byte) (int, error) {
	n, err := tb.ReadCloser.Read(p)
	if err == io.EOF {
		tb.set.forget(tb)
	}
	return n, err
}

func (tb *trackedBody) Close() error {
	tb.set.forget(tb)
	return tb.ReadCloser.Close()
}
