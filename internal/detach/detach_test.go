package detach

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// bound is how long a test waits for what must happen soon: a failure
// rather than a hung test, never a timing assertion.
const bound = time.Minute

type valueKey struct{}

// request returns a request detached by Request from a client context
// made from parent, the cancel of that context, and the request's state.
func request(t *testing.T, parent context.Context) (*http.Request, context.CancelFunc, *state) {
	t.Helper()
	client, cancel := context.WithCancel(context.WithValue(parent, valueKey{}, "kept"))
	t.Cleanup(cancel)
	r, err := http.NewRequestWithContext(client, "GET", "http://example.com/", nil)
	if err != nil {
		t.Fatal(err)
	}
	out := Request(r)
	s, _ := out.Context().Value(key{}).(*state)
	if s == nil {
		t.Fatal("Request did not put its state in the context")
	}
	if got := out.Context().Value(valueKey{}); got != "kept" {
		t.Errorf("the detached context carries %v for the client's value, want %q", got, "kept")
	}
	return out, cancel, s
}

// ended waits for ctx to end and returns its cause.
func ended(t *testing.T, ctx context.Context) error {
	t.Helper()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-time.After(bound):
		t.Fatalf("the detached context has not ended after %v", bound)
		return nil
	}
}

func gone(t *testing.T, s *state) {
	t.Helper()
	select {
	case <-s.gone:
	case <-time.After(bound):
		t.Fatalf("the client's leaving was not seen after %v", bound)
	}
}

func TestWithoutKeepTheClientLeavingEndsTheRequest(t *testing.T) {
	r, cancel, _ := request(t, context.Background())
	if err := r.Context().Err(); err != nil {
		t.Fatalf("the detached context ended before the client left: %v", err)
	}
	cancel()
	if err := ended(t, r.Context()); err != context.Canceled {
		t.Errorf("cause %v, want the client's, %v", err, context.Canceled)
	}
}

func TestKeptRequestOutlivesTheClientWhileTheBodyArrives(t *testing.T) {
	r, cancel, s := request(t, context.Background())
	var arrived atomic.Int64
	Keep(r.Context(), &arrived, bound, 0)
	cancel()
	gone(t, s)
	if err := r.Context().Err(); err != nil {
		t.Fatalf("a kept request ended when its client left: %v", err)
	}
	Release(r.Context())
	if err := ended(t, r.Context()); err != context.Canceled {
		t.Errorf("cause %v after Release, want %v", err, context.Canceled)
	}
	Release(r.Context()) // a second Release does nothing
}

func TestKeptRequestEndsWhenTheBodyStopsComing(t *testing.T) {
	r, cancel, _ := request(t, context.Background())
	var arrived atomic.Int64
	arrived.Store(10)
	Keep(r.Context(), &arrived, 10*time.Millisecond, 0)
	cancel()
	err := ended(t, r.Context())
	if err == nil || !strings.Contains(err.Error(), "the client left, and no more of the body was read for 10ms") {
		t.Errorf("cause %v, want one saying the body stopped coming", err)
	}
}

func TestKeptRequestEndsAfterItsLimit(t *testing.T) {
	r, cancel, _ := request(t, context.Background())
	var arrived atomic.Int64
	Keep(r.Context(), &arrived, bound, 10*time.Millisecond)
	cancel()
	err := ended(t, r.Context())
	if err == nil || !strings.Contains(err.Error(), "the client left, and the rest of the body did not arrive within 10ms") {
		t.Errorf("cause %v, want one saying the limit passed", err)
	}
}

func TestReleaseBeforeTheClientLeaves(t *testing.T) {
	r, cancel, s := request(t, context.Background())
	var arrived atomic.Int64
	Keep(r.Context(), &arrived, bound, 0)
	Release(r.Context())
	if err := ended(t, r.Context()); err != context.Canceled {
		t.Errorf("cause %v after Release, want %v", err, context.Canceled)
	}
	cancel()
	select {
	case <-s.gone:
		t.Error("the watch of the client's context ran after Release")
	default:
	}
}

func TestPlainContextsAreLeftAlone(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var arrived atomic.Int64
	Keep(ctx, &arrived, time.Millisecond, time.Millisecond)
	Release(ctx)
	if err := ctx.Err(); err != nil {
		t.Errorf("Release ended a context Request did not make: %v", err)
	}
}

func TestLeftOnlyForAKeptRequestWhoseClientHasGone(t *testing.T) {
	r, cancel, _ := request(t, context.Background())
	if Left(r.Context()) {
		t.Error("Left before Keep and before the client left")
	}
	var arrived atomic.Int64
	Keep(r.Context(), &arrived, bound, 0)
	if Left(r.Context()) {
		t.Error("Left while the client is still there")
	}
	cancel()
	// At once, before the watch of the client's context may have run.
	if !Left(r.Context()) {
		t.Error("not Left once the client of a kept request has gone")
	}
	Release(r.Context())
	if Left(r.Context()) {
		t.Error("Left after Release")
	}
	unkept, cancelUnkept, _ := request(t, context.Background())
	cancelUnkept()
	if Left(unkept.Context()) {
		t.Error("Left for a request that was not kept")
	}
	if Left(context.Background()) {
		t.Error("Left for a context Request did not make")
	}
}

func TestWithStopEndsKeptRequests(t *testing.T) {
	stop, stopNow := context.WithCancel(context.Background())
	defer stopNow()
	out, _, _ := request(t, WithStop(context.Background(), stop))
	var arrived atomic.Int64
	Keep(out.Context(), &arrived, bound, 0)
	stopNow()
	if err := ended(t, out.Context()); err != ErrStopped {
		t.Errorf("cause %v, want %v", err, ErrStopped)
	}
}

// A request that ends leaves no registration on the stop of WithStop: a
// long-lived server would otherwise keep one per request it served.
func TestEndedRequestsLeaveTheStopAlone(t *testing.T) {
	stop, stopNow := context.WithCancel(context.Background())
	defer stopNow()
	for _, tc := range []struct {
		name string
		end  func(r *http.Request, cancel context.CancelFunc, s *state)
	}{
		{"the client leaves, not kept", func(_ *http.Request, cancel context.CancelFunc, s *state) {
			cancel()
			gone(t, s)
		}},
		{"released", func(r *http.Request, _ context.CancelFunc, _ *state) { Release(r.Context()) }},
		{"kept, then given up", func(r *http.Request, cancel context.CancelFunc, _ *state) {
			var arrived atomic.Int64
			Keep(r.Context(), &arrived, time.Millisecond, 0)
			cancel()
			ended(t, r.Context())
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, cancel, s := request(t, WithStop(context.Background(), stop))
			tc.end(out, cancel, s)
			ended(t, out.Context())
			s.mu.Lock()
			defer s.mu.Unlock()
			if unstop := s.unstop.Load(); unstop == nil || (*unstop)() {
				t.Error("the request ended, and its watch of the stop was still registered")
			}
		})
	}
}

func TestReadingCountsKeptRequestsWhoseClientLeft(t *testing.T) {
	base := WithStop(context.Background(), context.Background())
	kept, cancelKept, keptState := request(t, base)
	var arrived atomic.Int64
	Keep(kept.Context(), &arrived, bound, 0)
	_, cancelPlain, plainState := request(t, base)
	if n := Reading(base); n != 0 {
		t.Errorf("Reading = %d before any client left, want 0", n)
	}
	cancelKept()
	cancelPlain()
	gone(t, keptState)
	gone(t, plainState)
	if n := Reading(base); n != 1 {
		t.Errorf("Reading = %d once the clients left, want 1 (the kept request)", n)
	}
	Release(kept.Context())
	if n := Reading(base); n != 0 {
		t.Errorf("Reading = %d after Release, want 0", n)
	}
	if n := Reading(context.Background()); n != 0 {
		t.Errorf("Reading = %d of a context WithStop did not make, want 0", n)
	}
}

// A request whose client has already gone, or whose server has already
// stopped, when it is detached ends at once (the watches then run while
// Request is still setting up: -race checks they do not race with it).
func TestDetachedAfterTheEnd(t *testing.T) {
	stopped, stop := context.WithCancel(context.Background())
	stop()
	for _, tc := range []struct {
		name   string
		parent context.Context
		cancel bool
		want   error
	}{
		{"the client has gone", context.Background(), true, context.Canceled},
		{"the server has stopped", WithStop(context.Background(), stopped), false, ErrStopped},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client, cancel := context.WithCancel(tc.parent)
			defer cancel()
			if tc.cancel {
				cancel()
			}
			r, err := http.NewRequestWithContext(client, "GET", "http://example.com/", nil)
			if err != nil {
				t.Fatal(err)
			}
			out := Request(r)
			if err := ended(t, out.Context()); err != tc.want {
				t.Errorf("cause %v, want %v", err, tc.want)
			}
		})
	}
}

// A request whose client has gone already is detached ended: it is not
// sent (the watch of the client runs in a goroutine of its own, which
// may not have ended it yet).
func TestARequestWhoseClientHasGoneIsDetachedEnded(t *testing.T) {
	client, cancel := context.WithCancelCause(context.Background())
	cause := context.Canceled
	cancel(cause)
	r, err := http.NewRequestWithContext(client, "GET", "http://example.com/", nil)
	if err != nil {
		t.Fatal(err)
	}
	out := Request(r)
	if err := context.Cause(out.Context()); err != cause {
		t.Errorf("the detached context of a gone client: cause %v at once, want %v", err, cause)
	}
}

// Keep after the client has gone keeps nothing: the request ends as
// without Keep, even when the watch of the client has not run yet.
func TestKeepAfterTheClientHasGoneKeepsNothing(t *testing.T) {
	for range 100 { // the watch runs in a goroutine: try its every timing
		r, cancel, _ := request(t, context.Background())
		cancel()
		var arrived atomic.Int64
		Keep(r.Context(), &arrived, bound, 0)
		if err := ended(t, r.Context()); err != context.Canceled {
			t.Fatalf("cause %v, want the client's, %v", err, context.Canceled)
		}
	}
}
