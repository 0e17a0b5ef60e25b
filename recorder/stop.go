package recorder

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cassette-go/cassette/internal/bytesize"
	"github.com/cassette-go/cassette/internal/detach"
)

// How long Close goes on reading what the upstream sends after the
// client closed a body: until the upstream pauses for drainPause, and for
// drainMax in all. What is readily there (the rest of a body the upstream
// already sent) is taken; a stream that goes on, or a body still far from
// its end, is not waited for.
const (
	drainPause = 100 * time.Millisecond
	drainMax   = time.Second
	// leftPause is how long a recording proxy whose client has gone
	// waits for more of a body of known length before it gives up.
	leftPause = time.Second
)

// errClosedBody is what a Read after Close returns, as for a body of
// [http.Transport].
var errClosedBody = errors.New("http: read on closed response body")

// Close ends the client's reading of the body; it never waits for the
// upstream longer than drainMax. A Close concurrent with a Read in another
// goroutine closes the upstream body, which ends that Read, and the Read
// ends the exchange (see stopped) before Close returns. Otherwise Close
// reads what the upstream goes on sending while it keeps coming (see
// drainPause):
//
//   - a body that ends is stored whole (or reported too large, reading
//     stopping at the size limit);
//   - a stream (no Content-Length) that goes on is stored as far as it
//     arrived, as a complete stream;
//   - a body of known length all of which arrived, but not its end (the
//     trailers an HTTP/2 upstream holds back), is stored as it is;
//   - a body of known length that has not arrived whole is read to its end
//     in the background, up to the size limit and for at most
//     UpstreamTimeout, and stored whole: the round tripper's Close waits
//     for it. The request's context ending now stops it only once nothing
//     more arrives for leftPause (see detach.Keep). If the upstream fails,
//     or that happens, it is not stored, and the log says why.
//
// The upstream body is closed when Close returns, or when the background
// read ends.
func (c *capture) Close() error {
	if !c.closed.CompareAndSwap(false, true) {
		return nil // the first Close closes the upstream body
	}
	if c.keepAtClose {
		// The caller let go of the body: its request ending now (as
		// http.Client's does right after Close when it has a Timeout)
		// no longer stops the reading of the rest while it keeps coming.
		detach.Keep(c.ctx, &c.arrived, leftPause, c.rt.cfg.timeout)
	}
	if !c.mu.TryLock() {
		// A Read in progress: closing the upstream body ends it, and the
		// Read ends the exchange. Wait for that (a little, should the
		// body not end its Read), so that what the client closed is
		// recorded when Close returns.
		err := c.closeBody()
		// The Read may also have returned just before Close set closed,
		// leaving the exchange open: whoever gets the lock first ends it
		// (stopIfOpen does nothing once it has ended). The lock is taken
		// in a goroutine of its own, should the body not end its Read.
		locked := make(chan struct{})
		go func() {
			c.mu.Lock()
			c.stopIfOpen("the client closed the body")
			c.mu.Unlock()
			close(locked)
		}()
		limit := time.NewTimer(drainMax)
		defer limit.Stop()
		select {
		case <-c.ended:
		case <-locked:
		case <-limit.C:
		}
		return err
	}
	if c.done {
		c.mu.Unlock()
		return c.closeBody()
	}
	c.done = true
	defer c.rt.forget(c) // once the exchange is ended, or a drain owns it
	if c.tooLarge || c.failed {
		c.end() // too large to store, or already reported
		c.mu.Unlock()
		return c.closeBody()
	}
	seen := c.size
	// The drain owns the copy and the upstream body until it sends on
	// finished; c.mu stays locked until then, or until the background
	// read takes them over.
	finished := make(chan error, 1)
	progress := make(chan struct{}, 1)
	go func() { finished <- c.drain(progress) }()
	err, cut := waitDrain(finished, progress)
	switch {
	case !cut:
		c.drained(err)
	case c.length < 0:
		// A stream that goes on: it ends where it is.
		c.closeBody()
		limit := time.NewTimer(drainMax)
		defer limit.Stop()
		select {
		case err := <-finished:
			if err == nil || err == io.EOF {
				c.end() // it ended, or reached the size limit, meanwhile
			} else {
				// What came after the client closed was only read to
				// see whether the stream ends: keep what the client saw.
				c.cutTo(seen)
				c.stopped("the client closed the body")
			}
		case <-limit.C:
			// The body did not end its Read when closed (a transport of
			// the caller's own): the drain still owns the copy.
			c.rt.cfg.logError("recorder: %s %s: response not stored: the client closed the body, and the upstream body did not stop when closed (its transport's Close does not end a Read in progress)",
				c.req.Method, c.rt.redact.URL(c.url))
			c.abandon()
		}
	case c.length >= 0 && c.arrived.Load() == c.length:
		// All its length came (arrived, as the drain may be adding to
		// size), only its end has not (trailers an HTTP/2
		// upstream holds back after an empty body, say): stored as it
		// is, without them, rather than waited for until UpstreamTimeout.
		c.closeBody()
		limit := time.NewTimer(drainMax)
		defer limit.Stop()
		select {
		case <-finished:
			c.end()
		case <-limit.C:
			c.rt.cfg.logError("recorder: %s %s: response not stored: the client closed the body, and the upstream body did not stop when closed (its transport's Close does not end a Read in progress)",
				c.req.Method, c.rt.redact.URL(c.url))
			c.abandon()
		}
	default:
		c.rt.drains.add()
		c.mu.Unlock()
		go c.finish(finished, seen)
		return nil
	}
	c.mu.Unlock()
	return c.closeBody()
}

// cutTo drops from the copy of a stream what was read after its first n
// bytes, so that replay gives what the client read. c.mu is held, or a
// drain owns the copy.
func (c *capture) cutTo(n int64) {
	if c.tooLarge || c.failed || n >= c.size {
		return
	}
	if c.file != nil {
		// A body file has no chunks: it replays as a plain stream.
		if err := c.file.Truncate(n); err != nil {
			c.fail(err)
			return
		}
		c.size = n
		return
	}
	c.buf.Truncate(int(n))
	c.size = n
	var sum int64
	for i, ch := range c.chunks {
		if sum+int64(ch.Size) >= n {
			c.chunks[i].Size = int(n - sum)
			c.chunks = c.chunks[:i+1]
			if c.chunks[i].Size == 0 {
				c.chunks = c.chunks[:i]
			}
			break
		}
		sum += int64(ch.Size)
	}
}

// closeBody closes the upstream body, once; every call returns what the
// first returned.
func (c *capture) closeBody() error {
	c.closeOnce.Do(func() {
		c.closeErr = c.body.Close()
		detach.Release(c.ctx) // the exchange is over: so is a proxy's request
	})
	return c.closeErr
}

// readClosed answers a Read after Close. A Close that found another
// goroutine's Read in progress closed the upstream body and left the
// exchange to that Read; if it returned before the upstream body was
// closed, this Read ends the exchange. It does not wait for a drain that
// owns the body.
func (c *capture) readClosed() (int, error) {
	if c.mu.TryLock() {
		c.stopIfOpen("the client closed the body")
		c.mu.Unlock()
	}
	return 0, errClosedBody
}

// stopIfOpen ends the exchange of a body the client stopped reading (cause
// says how), unless it has ended (or a drain owns it). c.mu is held.
func (c *capture) stopIfOpen(cause string) {
	if !c.done {
		c.done = true
		c.stopped(cause)
		c.rt.forget(c)
	}
}

// drain reads the rest of the body into the copy until its end, an error
// or the size limit (it then returns nil), telling progress after each
// read that got bytes. It runs in a goroutine of its own, owning the copy
// and the upstream body (see Close).
func (c *capture) drain(progress chan<- struct{}) error {
	buf := make([]byte, 32<<10)
	for !c.tooLarge && !c.failed {
		n, err := c.body.Read(buf)
		c.keep(buf[:n])
		if err != nil {
			return err
		}
		if n > 0 {
			select {
			case progress <- struct{}{}:
			default:
			}
		}
	}
	return nil
}

// waitDrain waits for a drain to finish while it keeps making progress:
// cut reports that the upstream paused for drainPause, or that drainMax
// passed, before the drain finished with err.
func waitDrain(finished <-chan error, progress <-chan struct{}) (err error, cut bool) {
	pause := time.NewTimer(drainPause)
	defer pause.Stop()
	all := time.NewTimer(drainMax)
	defer all.Stop()
	for {
		select {
		case err := <-finished:
			return err, false
		case <-progress:
			pause.Reset(drainPause)
		case <-pause.C:
			return nil, true
		case <-all.C:
			return nil, true
		}
	}
}

// drained ends the exchange after a drain finished with err (nil: it
// stopped at the size limit, or the copy failed). c.mu is held.
func (c *capture) drained(err error) {
	switch {
	case err == nil || err == io.EOF || c.whole():
		c.end()
	case c.clientStopped():
		c.stopped(c.stopCause())
	default:
		c.broken(err)
	}
}

// finish waits for a drain reading, after the client closed it, the rest
// of a body of known length, and ends the exchange: stored whole, or
// logged as not stored. It gives up after UpstreamTimeout. seen is what
// the client had read. It runs in a goroutine of its own, owning the copy
// and the upstream body.
func (c *capture) finish(finished <-chan error, seen int64) {
	defer c.rt.drains.done()
	defer c.closeBody()
	var timedOut atomic.Bool
	if d := c.rt.cfg.timeout; d > 0 {
		t := time.AfterFunc(d, func() {
			timedOut.Store(true)
			c.closeBody() // ends the read in progress
		})
		defer t.Stop()
	}
	var err error
	select {
	case err = <-finished:
	case <-c.rt.giveUp(c.rt.cfg.timeout + drainMax):
		// The body did not end its Read when closed (a transport of the
		// caller's own): the drain still owns the copy.
		c.rt.cfg.logError("recorder: %s %s: response not stored: the client closed the body after %d of its %d bytes, and the upstream body did not stop when closed (its transport's Close does not end a Read in progress)",
			c.req.Method, c.rt.redact.URL(c.url), seen, c.length)
		c.abandon()
		return
	}
	switch {
	case err == nil || err == io.EOF || c.whole():
		c.end()
	case timedOut.Load():
		c.dropCopy()
		c.rt.cfg.logError("recorder: %s %s: response not stored: the client closed the body after %d of its %d bytes, and the rest did not arrive within %v; to record it, read the body to its end, or raise recorder.UpstreamTimeout (or replayserver.UpstreamTimeout)",
			c.req.Method, c.rt.redact.URL(c.url), seen, c.length, c.rt.cfg.timeout)
		c.abandon()
	case c.clientStopped():
		c.dropCopy()
		advice := "read the body to its end before ending the request"
		var gaveUp *detach.GaveUpError
		if errors.As(context.Cause(c.ctx), &gaveUp) && gaveUp.Limit > 0 {
			advice = "read the body to its end, or raise recorder.UpstreamTimeout (or replayserver.UpstreamTimeout)"
		}
		c.rt.cfg.logError("recorder: %s %s: response not stored: the client closed the body after %d of its %d bytes, and its request ended (%v) before the recorder had read the rest; to record it, %s",
			c.req.Method, c.rt.redact.URL(c.url), seen, c.length, context.Cause(c.ctx), advice)
		c.abandon()
	default:
		c.broken(err)
	}
}

// giveUp returns a channel that is closed after d, or never when d is not
// positive (no UpstreamTimeout: the read may take as long as it takes).
func (rt *roundTripper) giveUp(d time.Duration) <-chan time.Time {
	if d <= drainMax {
		return nil
	}
	return time.After(d)
}

// stopCause says how the reading of a body stopped: the stop of the
// recording server, the end of the client's request, or its Close.
func (c *capture) stopCause() string {
	switch cause := context.Cause(c.ctx); {
	case errors.Is(cause, detach.ErrStopped):
		return cause.Error() // the recording server cut the request off
	case cause != nil:
		return fmt.Sprintf("the client's request ended: %v", cause)
	case c.cancel != nil:
		select {
		case <-c.cancel:
			return "the client's request was canceled (Request.Cancel, or http.Client's Timeout)"
		default:
		}
	}
	return "the client closed the body"
}

// stopped ends the exchange of a body the client stopped reading before
// its end (cause says how). A stream is stored as far as it arrived, as
// a complete stream: replay sends those pieces and ends it. A body of
// known length cut short would replay as a broken response: it is not
// stored, and the log says so. c.mu is held, or a drain owns the copy.
func (c *capture) stopped(cause string) {
	switch {
	case c.tooLarge || c.failed:
		c.end() // too large to store, or already reported
	case c.length < 0:
		how := "the client stopped (" + cause + ")"
		if cause == detach.ErrStopped.Error() { // see stopCause
			how = "cut off by the stop of the recording server"
		}
		c.note = fmt.Sprintf(", a stream %s, stored up to there: %s; replay ends it there", how, c.amount())
		c.store()
	default:
		c.dropCopy()
		c.rt.cfg.logError("recorder: %s %s: response not stored: its reading stopped after %d of its %d bytes (%s), and a body cut short would not replay; to record it, read the body to its end before ending the request",
			c.req.Method, c.rt.redact.URL(c.url), c.size, c.length, cause)
		c.abandon()
	}
}

// amount says how much of a stream was kept: its pieces, when kept, and
// bytes.
func (c *capture) amount() string {
	switch n := len(c.chunks); n {
	case 0:
		return fmt.Sprintf("%d bytes", c.size)
	case 1:
		return fmt.Sprintf("1 piece, %d bytes", c.size)
	default:
		return fmt.Sprintf("%d pieces, %d bytes", n, c.size)
	}
}

// broken ends the exchange of a body the upstream broke off (a reset, a
// timeout): nothing is stored, the log says so, and the break is kept for
// OnBrokenBody, told when the recording ends (see roundTripper.reportLost). c.mu is held, or a
// drain owns the copy.
func (c *capture) broken(err error) {
	c.dropCopy()
	if c.failed {
		c.abandon()
		return // reported
	}
	got := fmt.Sprintf("%d bytes", c.size)
	switch {
	case c.tooLarge:
		got = "more than " + bytesize.Format(c.limit)
	case c.length >= 0:
		got = fmt.Sprintf("%d of its %d bytes", c.size, c.length)
	}
	e := fmt.Errorf("recorder: %s %s: response not stored: the upstream broke off its body after %s: %w",
		c.req.Method, c.rt.redact.URL(c.url), got, err)
	c.rt.cfg.logError("%v", e)
	c.rt.lost.Broke(c.name, c.start, e)
	// Settled once logged: the later answers of its cassette that waited
	// for it are logged as stored after it, as they came after it.
	c.abandon()
}

// track notes that the exchange of c has not ended: see endStopped.
func (rt *roundTripper) track(c *capture) {
	c.ended = make(chan struct{})
	rt.openMu.Lock()
	defer rt.openMu.Unlock()
	if rt.open == nil {
		rt.open = map[*capture]struct{}{}
	}
	rt.open[c] = struct{}{}
}

// forget notes that the exchange of c, tracked, has ended (or a drain owns
// it). It is called once, when c.done is set.
func (rt *roundTripper) forget(c *capture) {
	rt.openMu.Lock()
	delete(rt.open, c)
	rt.openMu.Unlock()
	close(c.ended)
}

// endStopped ends the exchanges whose request's context has ended while
// their body was open (a watch stopped by canceling its context, a client
// gone): a stream is stored as far as it arrived. A Read in progress
// returns soon, the transport ending it with the context: endStopped
// waits for it, for at most drainMax in all. So a client that canceled
// its request before Close finds it recorded, though its reading
// goroutine may not have seen the end yet.
func (rt *roundTripper) endStopped() {
	rt.openMu.Lock()
	var stopped, left, ending []*capture
	for c := range rt.open {
		switch {
		case c.ctx.Err() != nil:
			stopped = append(stopped, c)
		case detach.Left(c.ctx):
			left = append(left, c)
		case c.caller != nil && c.caller.Err() != nil && !c.closed.Load():
			ending = append(ending, c)
		}
	}
	rt.openMu.Unlock()
	// The caller's context of these has ended, and their detached one
	// ends after it, in a goroutine of its own (see detach.Request): a
	// caller that canceled its request just before Close would otherwise
	// find it not recorded yet.
	if len(ending) > 0 {
		limit := time.NewTimer(drainMax)
	wait:
		for _, c := range ending {
			select {
			case <-c.ctx.Done():
				stopped = append(stopped, c)
			case <-limit.C:
				break wait
			}
		}
		limit.Stop()
	}
	// A recording proxy whose client has gone is still reading the rest
	// of a body of known length: it ends by itself, once the rest has come
	// or the proxy gives up (see package detach), and is then stored, or
	// handed to a background read that Close waits for.
	for _, c := range left {
		select {
		case <-c.ended:
		case <-c.ctx.Done():
			// The proxy gave up, or was stopped, while nobody reads the
			// body (its handler is still writing to a client that reads
			// slowly): end it as a stopped one.
			stopped = append(stopped, c)
		}
	}
	if len(stopped) == 0 {
		return
	}
	limit := time.NewTimer(drainMax)
	defer limit.Stop()
	for _, c := range stopped {
		if c.mu.TryLock() {
			open := !c.done
			c.stopIfOpen(c.stopCause())
			c.mu.Unlock()
			if open {
				c.closeBody()
			}
			continue
		}
		select {
		case <-c.ended:
		case <-limit.C:
			return
		}
	}
}

// CloseForgotten closes, as the client would have, the bodies it never
// closed nor read to their end (a test that forgot resp.Body.Close): each
// is then stored as Close stores it (a body of known length read to its
// end, a stream as far as it arrived), and the log says so. Before, such
// an exchange was lost without a word. NewTransport calls it when its test
// ends; so does replayserver.NewTransport, through an interface (the
// method of an unexported type is no part of the package's API).
func (rt *roundTripper) CloseForgotten() {
	rt.openMu.Lock()
	open := make([]*capture, 0, len(rt.open))
	for c := range rt.open {
		open = append(open, c)
	}
	rt.openMu.Unlock()
	for _, c := range open {
		rt.cfg.logError("recorder: %s %s: the client never closed the response body: closed when recording ends, and stored as Close stores it",
			c.req.Method, rt.redact.URL(c.url))
		c.Close()
	}
}

// pending counts work in flight, and waits for none to be left. The zero
// value is ready to use.
type pending struct {
	mu   sync.Mutex    // guards n and idle
	n    int           // work in flight
	idle chan struct{} // closed when n drops to 0; nil while it is 0
}

func (p *pending) add() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.n == 0 {
		p.idle = make(chan struct{})
	}
	p.n++
}

func (p *pending) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n--
	if p.n == 0 {
		close(p.idle)
		p.idle = nil
	}
}

// wait returns when no work is in flight.
func (p *pending) wait() {
	p.mu.Lock()
	idle := p.idle
	p.mu.Unlock()
	if idle != nil {
		<-idle
	}
}
