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
// over.
package detach

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// key is the context key of a detached request's state.
type key struct{}

// state is what a detached request's context carries.
type state struct {
	client context.Context         // the client's request context
	cancel context.CancelCauseFunc // ends the detached context
	stop   func() bool             // stops the watch of the client's context

	mu       sync.Mutex
	kept     *keeping      // set by Keep
	released bool          // set by Release
	over     chan struct{} // closed by Release: ends a watchdog
	gone     chan struct{} // closed once clientGone has run
}

// keeping is what Keep was told: how the reading of the rest goes on.
type keeping struct {
	arrived *atomic.Int64 // bytes of the body arrived so far
	pause   time.Duration // give up after this long without a byte
	limit   time.Duration // give up after this long in all (0: no limit)
}

// Request returns r with a context that carries r's values but not its
// cancellation: it ends when r's context ends, unless the recorder called
// Keep first, and when Release is called.
func Request(r *http.Request) *http.Request {
	client := r.Context()
	ctx, cancel := context.WithCancelCause(context.WithoutCancel(client))
	s := &state{client: client, cancel: cancel, over: make(chan struct{}), gone: make(chan struct{})}
	s.stop = context.AfterFunc(client, s.clientGone)
	return r.WithContext(context.WithValue(ctx, key{}, s))
}

// Keep tells the proxy that the recorder wants the rest of the body of the
// request whose context is ctx once its client has gone: the request then
// goes on while the body keeps arriving (arrived counts its bytes), until
// nothing has come for pause or, when limit is positive, for limit in all.
// It does nothing for a context not made by Request, or once the client
// has gone.
func Keep(ctx context.Context, arrived *atomic.Int64, pause, limit time.Duration) {
	s, _ := ctx.Value(key{}).(*state)
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.released {
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
	s.cancel(context.Canceled)
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
		s.cancel(context.Cause(s.client))
	default:
		go s.watch(*s.kept)
	}
}

// watch ends the request once the body stops arriving for k.pause, or
// after k.limit in all, unless Release comes first.
func (s *state) watch(k keeping) {
	tick := time.NewTicker(k.pause)
	defer tick.Stop()
	var all <-chan time.Time
	if k.limit > 0 {
		t := time.NewTimer(k.limit)
		defer t.Stop()
		all = t.C
	}
	last := k.arrived.Load()
	for {
		select {
		case <-s.over:
			return
		case <-all:
			s.cancel(fmt.Errorf("the client left, and the rest of the body did not arrive within %v", k.limit))
			return
		case <-tick.C:
			n := k.arrived.Load()
			if n == last {
				s.cancel(fmt.Errorf("the client left, and the rest of the body stopped coming for %v", k.pause))
				return
			}
			last = n
		}
	}
}
