// Package endcut ends a test server without waiting forever for requests
// its test abandoned.
//
// httptest.Server.Close waits for every request in flight. When a test
// ends holding a response body it never read to its end nor closed (an
// endless event stream, a watch, a body larger than the connection's
// buffers), that request never ends, and neither does the test. A
// [Watch] follows the server's connections and, when the test ends,
// waits for the requests still open while they make progress (the server
// still awaits its answer, or bytes still move to the client), and cuts
// the connections off once every request left has stalled: its response
// began and nothing more reached the client for [Stall].
package endcut

import (
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Stall is how long a request whose response began may send nothing to
// its client, once its test has ended, before it counts as abandoned.
const Stall = time.Second

// tick is how often Cut looks at the requests still open.
const tick = Stall / 4

// A Watch follows the connections of one server. Set it up before the
// server starts: wrap the listener with [Watch.Listener] and chain
// [Watch.ConnState] into the server's ConnState. The zero value is ready
// to use. A request costs it two atomic stores and a count per write.
type Watch struct {
	mu    sync.Mutex
	conns map[*conn]struct{} // open
}

// A conn is an accepted connection that counts what is written to it.
type conn struct {
	net.Conn
	written atomic.Int64 // bytes written so far
	active  atomic.Bool  // serving a request
	base    atomic.Int64 // written when it became active
}

func (c *conn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.written.Add(int64(n))
	return n, err
}

// ReadFrom keeps the connection's own ReadFrom (sendfile, splice), which
// net/http uses to send a file.
func (c *conn) ReadFrom(r io.Reader) (int64, error) {
	n, err := io.Copy(c.Conn, r)
	c.written.Add(n)
	return n, err
}

// Listener returns l, whose connections w follows.
func (w *Watch) Listener(l net.Listener) net.Listener { return &listener{Listener: l, w: w} }

type listener struct {
	net.Listener
	w *Watch
}

func (l *listener) Accept() (net.Conn, error) {
	nc, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	c := &conn{Conn: nc}
	l.w.mu.Lock()
	if l.w.conns == nil {
		l.w.conns = make(map[*conn]struct{})
	}
	l.w.conns[c] = struct{}{}
	l.w.mu.Unlock()
	return c, nil
}

// ConnState notes the state of nc, as http.Server.ConnState is told it:
// call it from the server's hook.
func (w *Watch) ConnState(nc net.Conn, state http.ConnState) {
	for {
		u, ok := nc.(interface{ NetConn() net.Conn }) // TLS
		if !ok {
			break
		}
		nc = u.NetConn()
	}
	c, ok := nc.(*conn)
	if !ok {
		return
	}
	switch state {
	case http.StateActive:
		c.base.Store(c.written.Load())
		c.active.Store(true)
	case http.StateIdle, http.StateNew:
		c.active.Store(false)
	case http.StateClosed, http.StateHijacked:
		c.active.Store(false)
		w.mu.Lock()
		delete(w.conns, c)
		w.mu.Unlock()
	}
}

// Cut waits until no request is open, or every one open has stalled, and
// then calls cutAll (httptest.Server.CloseClientConnections) and returns
// how many connections were open; 0 when it did not cut. A request whose
// response has not begun is waited for: the server awaits its answer (an
// upstream's, bounded by its own timeout).
func (w *Watch) Cut(cutAll func()) int {
	idle := map[*conn]int{} // ticks without progress, by connection
	last := map[*conn]int64{}
	for {
		open, stalled := 0, 0
		w.mu.Lock()
		for c := range w.conns {
			if !c.active.Load() {
				continue
			}
			open++
			n := c.written.Load()
			if n == c.base.Load() {
				continue // its response has not begun
			}
			if n == last[c] {
				idle[c]++
			} else {
				idle[c], last[c] = 0, n
			}
			if idle[c] >= int(Stall/tick) {
				stalled++
			}
		}
		w.mu.Unlock()
		switch {
		case open == 0:
			return 0
		case stalled == open:
			cutAll()
			return open
		}
		time.Sleep(tick)
	}
}
