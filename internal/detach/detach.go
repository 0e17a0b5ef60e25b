// Package detach lets a recording reverse proxy read a response body of
// known length to its end after its client has gone, so that the exchange
// is stored whole.
//
// Go's HTTP client drops its connection when it closes a body it has not
// read to the end, and a server sees that as the client leaving: the
// request's context is canceled, and a proxy forwarding with that context
// loses the rest of the body. A proxy instead forwards with the context
// [Request] gives. Leaving still ends the upstream request at once, unless
// the recorder said with [Keep] that it wants the rest of a body of known
// length: the request then goes on while the rest keeps arriving, and ends
// when it stalls or takes too long. [Release] ends it when the exchange is
// over. A server that cuts its requests off when it stops marks its base
// context with [WithStop]: its stop ends kept requests too.
package detach

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// key is the context key of a detached request's state; stopKey that of
// the context WithStop adds.
type (
	key     struct{}
	stopKey struct{}
)

// WithStop returns ctx marked so that the requests Request detaches from a
// context derived from it end when stop ends, kept or not: a server gives
// it as its base context, and ends stop to cut off the requests still open
// when it stops. [Reading] counts those whose client has gone.
func WithStop(ctx, stop context.Context) context.Context {
	return context.WithValue(ctx, stopKey{}, &stopper{stop: stop})
}

// A stopper is what WithStop puts in a context.
type stopper struct {
	stop context.Context
	left atomic.Int64 // requests kept after their client left, not ended
}

// Reading returns how many requests detached from ctx, marked by WithStop,
// are still being read after their client left.
func Reading(ctx context.Context) int {
	if st, _ := ctx.Value(stopKey{}).(*stopper); st != nil {
		return int(st.left.Load())
	}
	return 0
}

// ErrStopped is the cause of a request ended by the stop of WithStop.
var ErrStopped = errors.New("the server stopped")

// A GaveUpError is the cause of a kept request ended because the rest of
// its body did not come: none of it was read for Pause (the upstream
// stalled, or the proxy could not pass it on), or all of it did not come
// within Limit (when Limit is not 0).
type GaveUpError struct {
	Pause, Limit time.Duration
}

// Error says that the client left and that the rest of the body did not
// arrive within Limit, when Limit is set, else that none of it was read
// for Pause.
func (e *GaveUpError) Error() string {
	if e.Limit > 0 {
		return fmt.Sprintf("the client left, and the rest of the body did not arrive within %v", e.Limit)
	}
	return fmt.Sprintf("the client left, and no more of the body was read for %v", e.Pause)
}

// state is what a detached request's context carries.
type state struct {
	client  context.Context             // the client's request context
	cancel  context.CancelCauseFunc     // ends the detached context
	stop    func() bool                 // stops the watch of the client's context
	unstop  atomic.Pointer[func() bool] // stops the watch of WithStop's context; nil without one
	stopper *stopper                    // WithStop's; nil without one
	phase   atomic.Int32                // running, then left (counted in stopper.left) and ended

	mu       sync.Mutex
	kept     *keeping      // set by Keep
	released bool          // set by Release
	over     chan struct{} // closed by Release: ends a watchdog
	gone     chan struct{} // closed once clientGone has run
}

// The phases of a request: running until its client leaves while it is
// kept (counted in its stopper's left then), or until it ends.
const (
	phaseRunning int32 = iota
	phaseLeft
	phaseEnded
)

// keeping is what Keep was told: how the reading of the rest goes on.
type keeping struct {
	arrived *atomic.Int64 // bytes of the body arrived so far
	pause   time.Duration // give up after this long without a byte
	limit   time.Duration // give up after this long in all (0: no limit)
}

// Request returns r with a context that carries r's values but not its
// cancellation: it ends when r's context ends, unless the recorder called
// Keep first, when Release is called, and when the stop of WithStop ends.
func Request(r *http.Request) *http.Request {
	client := r.Context()
	ctx, cancel := context.WithCancelCause(context.WithoutCancel(client))
	s := &state{client: client, cancel: cancel, over: make(chan struct{}), gone: make(chan struct{})}
	if st, _ := client.Value(stopKey{}).(*stopper); st != nil {
		s.stopper = st
		// The stop may have come: end then runs at once, before Store.
		unstop := context.AfterFunc(st.stop, func() { s.end(ErrStopped) })
		s.unstop.Store(&unstop)
	}
	// Last: the client may have gone, and clientGone then runs at once,
	// in a goroutine of its own.
	s.stop = context.AfterFunc(client, s.clientGone)
	if client.Err() != nil {
		// Gone already: the request must not be sent (clientGone, in its
		// goroutine, may not have ended it yet).
		s.end(context.Cause(client))
	}
	return r.WithContext(context.WithValue(ctx, key{}, s))
}

// Proxied reports whether ctx is that of a request [Request] detached: one
// a proxy forwards, which answers and logs its failures itself.
func Proxied(ctx context.Context) bool {
	_, ok := ctx.Value(key{}).(*state)
	return ok
}

// Left reports whether the client of the request whose context is ctx has
// gone while the recorder keeps reading the rest of its body: the request
// ends by itself, once the body has come or the recorder gives up.
func Left(ctx context.Context) bool {
	s, _ := ctx.Value(key{}).(*state)
	if s == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// The client's context may have ended before clientGone has run, in
	// a goroutine of its own: then it will keep the request.
	return s.kept != nil && s.client.Err() != nil && !s.released && ctx.Err() == nil
}

// Keep tells the proxy that the recorder wants the rest of the body of the
// request whose context is ctx once its client has gone: the request then
// goes on while the body keeps arriving (arrived counts the bytes the
// recorder has read of it), until nothing has come for pause or, when
// limit is positive, for limit in all. It does nothing for a context not
// made by Request, or once that request has ended (its client gone
// before Keep, or Release).
func Keep(ctx context.Context, arrived *atomic.Int64, pause, limit time.Duration) {
	s, _ := ctx.Value(key{}).(*state)
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// A client gone already is not kept: clientGone, which runs in a
	// goroutine of its own, may not have ended the request yet.
	if !s.released && s.client.Err() == nil {
		s.kept = &keeping{arrived: arrived, pause: pause, limit: limit}
	}
}

// Release ends the request whose context is ctx: the exchange is over. It
// does nothing for a context not made by Request, and may be called more
// than once.
func Release(ctx context.Context) {
	s, _ := ctx.Value(key{}).(*state)
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.released {
		return
	}
	s.released = true
	s.stop()
	close(s.over)
	s.end(context.Canceled)
}

// end ends the request with cause, and stops the watch of WithStop's
// context, so that a long-lived server keeps no registration per request.
func (s *state) end(cause error) {
	if unstop := s.unstop.Load(); unstop != nil {
		(*unstop)()
	}
	if s.phase.Swap(phaseEnded) == phaseLeft {
		s.stopper.left.Add(-1)
	}
	s.cancel(cause)
}

// clientGone runs when the client's context ends: it ends the request,
// unless the recorder keeps it, in which case a watchdog ends it later.
func (s *state) clientGone() {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer close(s.gone)
	switch {
	case s.released:
	case s.kept == nil:
		cause := context.Cause(s.client)
		if s.stopper != nil && s.stopper.stop.Err() != nil {
			// The stop ended the client's request too (a server cuts its
			// requests off after the stop): the stop is the cause, which
			// its own AfterFunc, in a goroutine of its own, may not have
			// given yet.
			cause = ErrStopped
		}
		s.end(cause)
	default:
		if s.stopper != nil && s.phase.CompareAndSwap(phaseRunning, phaseLeft) {
			s.stopper.left.Add(1)
		}
		go s.watch(*s.kept)
	}
}

// watch ends the request once the body stops arriving for k.pause, or
// after k.limit in all, unless Release comes first. It looks at what has
// arrived four times a pause.
func (s *state) watch(k keeping) {
	tick := time.NewTicker(max(k.pause/4, time.Millisecond))
	defer tick.Stop()
	var all <-chan time.Time
	if k.limit > 0 {
		t := time.NewTimer(k.limit)
		defer t.Stop()
		all = t.C
	}
	last, lastAt := k.arrived.Load(), time.Now()
	for {
		select {
		case <-s.over:
			return
		case <-all:
			s.end(&GaveUpError{Pause: k.pause, Limit: k.limit})
			return
		case now := <-tick.C:
			if n := k.arrived.Load(); n != last {
				last, lastAt = n, now
			} else if now.Sub(lastAt) >= k.pause {
				s.end(&GaveUpError{Pause: k.pause})
				return
			}
		}
	}
}
