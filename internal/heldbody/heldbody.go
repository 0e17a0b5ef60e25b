// Package heldbody gives tests of the proxies an upstream response body
// that is empty but ends only when the test says so: a proxy that sends
// the header before the body ends then always does it first.
package heldbody

import (
	"io"
	"time"
)

// Empty returns an empty body whose Read waits until until is closed (the
// client has the answer's header, say), or limit has passed, then reports
// io.EOF. Its Close does nothing.
func Empty(until <-chan struct{}, limit time.Duration) io.ReadCloser {
	return body{until, limit}
}

// A body is the body [Empty] returns.
type body struct {
	until <-chan struct{}
	limit time.Duration
}

func (b body) Read([]byte) (int, error) {
	t := time.NewTimer(b.limit)
	defer t.Stop()
	select {
	case <-b.until:
	case <-t.C:
	}
	return 0, io.EOF
}

func (body) Close() error { return nil }
