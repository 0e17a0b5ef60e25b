package replayserver

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// seen is a RoundTripper that keeps the request and error its transport
// saw: what the rerecording handler sees.
type seen struct {
	next http.RoundTripper
	req  *http.Request
	err  error
}

func (s *seen) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := s.next.RoundTrip(r)
	s.req, s.err = r, err
	return resp, err
}

// A forwarding failure counts against the upstream (a rerecording then
// keeps the old library) only when the upstream failed: not when the
// caller ended its request, however it did (a cancel, a deadline, an
// http.Client Timeout, which may close Request.Cancel before the
// context's deadline is seen).
func TestCallerEnded(t *testing.T) {
	testEnd := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-testEnd:
		}
	}))
	defer hang.Close()
	defer close(testEnd)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + l.Addr().String()
	l.Close()

	for _, tc := range []struct {
		name   string
		do     func(rt http.RoundTripper) // sends a request through rt, which fails
		caller bool
	}{
		{"connection refused", func(rt http.RoundTripper) {
			(&http.Client{Transport: rt}).Get(refused)
		}, false},
		{"no response headers within the transport's ResponseHeaderTimeout", func(rt http.RoundTripper) {
			rt.(*seen).next = &http.Transport{ResponseHeaderTimeout: time.Millisecond}
			(&http.Client{Transport: rt}).Get(hang.URL)
		}, false},
		{"the caller's context canceled", func(rt http.RoundTripper) {
			ctx, cancel := context.WithCancel(context.Background())
			req, _ := http.NewRequestWithContext(ctx, "GET", hang.URL, nil)
			time.AfterFunc(10*time.Millisecond, cancel)
			(&http.Client{Transport: rt}).Do(req)
		}, true},
		{"the caller closed Request.Cancel, as http.Client may on a Timeout before the context's deadline is seen", func(rt http.RoundTripper) {
			cancel := make(chan struct{})
			req, _ := http.NewRequest("GET", hang.URL, nil)
			req.Cancel = cancel //lint:ignore SA1019 what http.Client still does
			time.AfterFunc(10*time.Millisecond, func() { close(cancel) })
			rt.RoundTrip(req)
		}, true},
		{"the caller's http.Client Timeout", func(rt http.RoundTripper) {
			(&http.Client{Transport: rt, Timeout: 10 * time.Millisecond}).Get(hang.URL)
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rt := &seen{next: &http.Transport{}}
			tc.do(rt)
			if rt.err == nil {
				t.Fatal("the request did not fail")
			}
			if got := callerEnded(rt.req, rt.err); got != tc.caller {
				t.Errorf("callerEnded(%v) = %v, want %v", rt.err, got, tc.caller)
			}
		})
	}
}
