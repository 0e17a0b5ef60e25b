// Package stallbody is a request body for tests of a request's context
// ending while its body is read: it sends a few bytes, then waits until it
// is closed, as a stream whose writer waits for the answer does.
package stallbody

import (
	"sync/atomic"
)

// A Body sends "ping", then blocks in Read until Close is called; the Read
// then returns the error given to New: io.EOF for a stream that ends as if
// whole when closed (a channel closed, a reader told to stop), another
// error for one that fails. It counts the calls to Close.
type Body struct {
	end     error
	started chan struct{}
	closed  chan struct{}
	sent    bool // only Read, from one goroutine, reads and sets it
	closes  atomic.Int32
}

// New returns a Body whose Read returns end once it is closed.
func New(end error) *Body {
	return &Body{end: end, started: make(chan struct{}), closed: make(chan struct{})}
}

// Started is closed once the first bytes were read.
func (b *Body) Started() <-chan struct{} { return b.started }

// Closes returns how many times Close was called.
func (b *Body) Closes() int { return int(b.closes.Load()) }

// Read returns "ping" first, then waits for Close and returns the error
// given to New.
func (b *Body) Read(p []byte) (int, error) {
	if !b.sent {
		b.sent = true
		close(b.started)
		return copy(p, "ping"), nil
	}
	<-b.closed
	return 0, b.end
}

// Close ends a Read waiting on the body; it may be called more than once.
func (b *Body) Close() error {
	if b.closes.Add(1) == 1 {
		close(b.closed)
	}
	return nil
}
