// Package endcut ends a test server without waiting forever for requests
// its test abandoned.
//
// httptest.Server.Close waits for every request in flight. When a test
// ends holding a response body it never read to its end nor closed (an
// endless event stream, a watch, a body larger than the connection's
// buffers), that request never ends, and neither does the test. A
// [Watch] follows the requests of a server's handler and, when the test
// ends, waits for those still open while one awaits its answer, then cuts
// the connections off once every response begun has stalled (nothing more
// was written for [Stall]) or, for a slow stream that never ends, after
// [Grace] at most.
package endcut

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"time"
)

// Stall is how long the requests still open when a test ends may all
// write nothing, their responses begun, before they count as abandoned.
const Stall = time.Second

// Grace is how long the requests still open when a test ends, their
// responses all begun, may go on writing before they are cut off all the
// same: an endless stream that trickles (a heartbeat, an event now and
// then) never stalls.
const Grace = 5 * time.Second

// tick is how often Cut looks at the requests still open.
const tick = Stall / 4

// A Watch follows the requests of one handler (see [Watch.Handler]). The
// zero value is ready to use. A request costs it one small allocation and
// a few atomic additions.
type Watch struct {
	open    atomic.Int64 // requests in the handler, not hijacked
	waiting atomic.Int64 // of them, those whose response has not begun
	written atomic.Int64 // bytes of responses written, all requests
}

// Handler returns h, whose requests w follows.
func (w *Watch) Handler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.open.Add(1)
		w.waiting.Add(1)
		tw := &writer{ResponseWriter: rw, w: w}
		defer tw.done()
		h.ServeHTTP(tw, r)
	})
}

// Cut waits until no request is open, or every one open has begun its
// response and then stalled for Stall or gone on for Grace, and then
// calls cutAll (httptest.Server.CloseClientConnections) and returns how
// many requests were open; 0 when it did not cut. A request whose
// response has not begun is waited for: the handler awaits its answer
// (an upstream's, bounded by its own timeout).
func (w *Watch) Cut(cutAll func()) int {
	last, still, begun := w.written.Load(), 0, 0
	for {
		open := w.open.Load()
		n := w.written.Load()
		switch {
		case open == 0:
			return 0
		case w.waiting.Load() > 0:
			last, still, begun = n, 0, 0
		case n != last:
			last, still = n, 0
			begun++
		default:
			still++
			begun++
		}
		if still >= int(Stall/tick) || begun >= int(Grace/tick) {
			cutAll()
			return int(open)
		}
		time.Sleep(tick)
	}
}

// A writer is the ResponseWriter of one request: it notes when the
// response begins and counts what is written.
type writer struct {
	http.ResponseWriter
	w     *Watch
	begun bool        // a final status, or a byte of the body, was written
	ended atomic.Bool // done ran
}

// begin notes that the response has begun.
func (tw *writer) begin() {
	if !tw.begun {
		tw.begun = true
		tw.w.waiting.Add(-1)
	}
}

// done notes the end of the request.
func (tw *writer) done() {
	if tw.ended.Swap(true) {
		return
	}
	tw.begin()
	tw.w.open.Add(-1)
}

func (tw *writer) WriteHeader(code int) {
	if code >= 200 || code == http.StatusSwitchingProtocols {
		tw.begin() // an interim answer (100 Continue, 103) is no answer yet
	}
	tw.ResponseWriter.WriteHeader(code)
}

func (tw *writer) Write(p []byte) (int, error) {
	tw.begin()
	n, err := tw.ResponseWriter.Write(p)
	tw.w.written.Add(int64(n))
	return n, err
}

// chunk is how much of a file ReadFrom sends at once: each is sent with
// the connection's own ReadFrom (sendfile), and counted.
const chunk = 4 << 20

// ReadFrom keeps net/http's ReadFrom, which sends a file with sendfile,
// counting what is sent a chunk at a time.
func (tw *writer) ReadFrom(r io.Reader) (int64, error) {
	tw.begin()
	if _, ok := r.(*os.File); !ok {
		n, err := io.Copy(writerOnly{tw}, r)
		return n, err
	}
	var total int64
	for {
		n, err := io.Copy(tw.ResponseWriter, io.LimitReader(r, chunk))
		total += n
		tw.w.written.Add(n)
		if err != nil || n < chunk {
			return total, err
		}
	}
}

// writerOnly hides ReadFrom, so that io.Copy writes through Write.
type writerOnly struct{ io.Writer }

func (tw *writer) Flush() {
	tw.begin()
	http.NewResponseController(tw.ResponseWriter).Flush()
}

// Hijack hands the connection over (a protocol upgrade): the server no
// longer waits for it, and neither does Cut.
func (tw *writer) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(tw.ResponseWriter).Hijack()
	if err == nil {
		tw.done()
	}
	return c, rw, err
}

// Unwrap gives http.ResponseController the ResponseWriter beneath.
func (tw *writer) Unwrap() http.ResponseWriter { return tw.ResponseWriter }
