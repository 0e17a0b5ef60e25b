package bodiless

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// A spy is a ResponseWriter that counts the flushes that reach it and
// notes what http.ResponseController asks of it beyond.
type spy struct {
	*httptest.ResponseRecorder
	flushes  int
	hijacked bool
	deadline time.Time
}

func (s *spy) Flush() { s.flushes++; s.ResponseRecorder.Flush() }

func (s *spy) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	s.hijacked = true
	return nil, nil, errors.New("spy: no connection")
}

func (s *spy) SetWriteDeadline(t time.Time) error { s.deadline = t; return nil }

// TestFlush writes an answer's header (and some body) through Writer,
// then flushes it: a Flush reaches the ResponseWriter beneath unless the
// answer can have no body and none of it was written.
func TestFlush(t *testing.T) {
	for _, tc := range []struct {
		why     string
		method  string
		codes   []int  // WriteHeader calls, in order
		body    string // written after them
		flushed bool
	}{
		{"a 200 streams: its header goes at once", "GET", []int{200}, "", true},
		{"a 200 streams what arrives", "GET", []int{200}, "event", true},
		{"no status written is a 200", "GET", nil, "", true},
		{"a 204 has no body: its header goes with the end", "GET", []int{204}, "", false},
		{"a 304 has no body", "GET", []int{304}, "", false},
		{"a 101 has no body", "GET", []int{101}, "", false},
		{"an interim 103 is not the answer: a 200 follows it", "GET", []int{103}, "", true},
		{"the answer after an interim 103 has no body", "GET", []int{103, 204}, "", false},
		{"the first final status is the answer, as net/http keeps it", "GET", []int{204, 200}, "", false},
		{"the answer to a HEAD has no body", "HEAD", []int{200}, "", false},
		{"the answer to a HEAD has no body, whatever its status", "HEAD", nil, "", false},
		{"a HEAD whose handler wrote a body anyway flushes it, as net/http would", "HEAD", []int{200}, "x", true},
		{"an error answer has a body", "GET", []int{502}, "", true},
	} {
		t.Run(tc.why, func(t *testing.T) {
			s := &spy{ResponseRecorder: httptest.NewRecorder()}
			w, _ := Writer(s, httptest.NewRequest(tc.method, "/", nil))
			for _, c := range tc.codes {
				w.WriteHeader(c)
			}
			if tc.body != "" {
				if _, err := w.Write([]byte(tc.body)); err != nil {
					t.Fatal(err)
				}
			}
			if err := http.NewResponseController(w).Flush(); err != nil {
				t.Errorf("ResponseController.Flush() = %v, want nil", err)
			}
			w.(http.Flusher).Flush()
			want := 0
			if tc.flushed {
				want = 2
			}
			if s.flushes != want {
				t.Errorf("%s %v %q, then Flush twice: %d flushes reached the ResponseWriter, want %d", tc.method, tc.codes, tc.body, s.flushes, want)
			}
			if got := s.Body.String(); got != tc.body {
				t.Errorf("body %q, want %q", got, tc.body)
			}
		})
	}
}

// http.ResponseController finds the ResponseWriter beneath through
// Unwrap: a Hijack, a deadline reach it.
func TestResponseControllerReachesTheWriterBeneath(t *testing.T) {
	s := &spy{ResponseRecorder: httptest.NewRecorder()}
	w, _ := Writer(s, httptest.NewRequest("GET", "/", nil))
	rc := http.NewResponseController(w)
	if _, _, err := rc.Hijack(); err == nil || !s.hijacked {
		t.Errorf("ResponseController.Hijack() = %v, hijacked %v: want the spy's error, hijacked", err, s.hijacked)
	}
	at := time.Unix(1e9, 0)
	if err := rc.SetWriteDeadline(at); err != nil || !s.deadline.Equal(at) {
		t.Errorf("ResponseController.SetWriteDeadline(%v) = %v, deadline %v", at, err, s.deadline)
	}
}

// A flush that reaches a ResponseWriter that cannot flush says so.
func TestFlushErrorOfAWriterThatCannotFlush(t *testing.T) {
	w, _ := Writer(struct{ http.ResponseWriter }{httptest.NewRecorder()}, httptest.NewRequest("GET", "/", nil))
	w.WriteHeader(200)
	if err := http.NewResponseController(w).Flush(); !errors.Is(err, http.ErrNotSupported) {
		t.Errorf("ResponseController.Flush() = %v, want ErrNotSupported", err)
	}
	w, _ = Writer(struct{ http.ResponseWriter }{httptest.NewRecorder()}, httptest.NewRequest("GET", "/", nil))
	w.WriteHeader(204)
	if err := http.NewResponseController(w).Flush(); err != nil {
		t.Errorf("ResponseController.Flush() of a 204 = %v, want nil: nothing to flush", err)
	}
}

// An answer whose upstream said its body is empty (ContentLength 0, no
// trailers announced) holds its header until the handler ends, as a 204
// does; any other response, or one of another request, changes nothing.
func TestEmpty(t *testing.T) {
	for _, tc := range []struct {
		why     string
		resp    func(r *http.Request) *http.Response
		body    string // written after the header
		flushed bool
	}{
		{"an answer that ended with its header (a gRPC error's) goes whole", func(r *http.Request) *http.Response {
			return &http.Response{StatusCode: 200, ContentLength: 0, Request: r}
		}, "", false},
		{"an answer of unknown length streams", func(r *http.Request) *http.Response {
			return &http.Response{StatusCode: 200, ContentLength: -1, Request: r}
		}, "", true},
		{"an answer with a body streams it", func(r *http.Request) *http.Response {
			return &http.Response{StatusCode: 200, ContentLength: 5, Request: r}
		}, "", true},
		{"an empty answer announcing trailers streams: they may come later", func(r *http.Request) *http.Response {
			return &http.Response{StatusCode: 200, ContentLength: 0, Trailer: http.Header{"Grpc-Status": nil}, Request: r}
		}, "", true},
		{"a body written anyway is flushed", func(r *http.Request) *http.Response {
			return &http.Response{StatusCode: 200, ContentLength: 0, Request: r}
		}, "x", true},
		{"the response to another request changes nothing", func(*http.Request) *http.Response {
			return &http.Response{StatusCode: 200, ContentLength: 0, Request: httptest.NewRequest("GET", "/", nil)}
		}, "", true},
		{"a response without its request changes nothing", func(*http.Request) *http.Response {
			return &http.Response{StatusCode: 200, ContentLength: 0}
		}, "", true},
	} {
		t.Run(tc.why, func(t *testing.T) {
			s := &spy{ResponseRecorder: httptest.NewRecorder()}
			w, r := Writer(s, httptest.NewRequest("GET", "/", nil))
			// The proxy's outgoing request is made from r, with its
			// context's values.
			out := r.Clone(context.WithoutCancel(r.Context()))
			Empty(tc.resp(out))
			w.WriteHeader(200)
			if tc.body != "" {
				if _, err := w.Write([]byte(tc.body)); err != nil {
					t.Fatal(err)
				}
			}
			w.(http.Flusher).Flush()
			if got := s.flushes == 1; got != tc.flushed {
				t.Errorf("flushed %v, want %v", got, tc.flushed)
			}
		})
	}
	Empty(nil) // no panic
}

// Transport gives a response returned without its Request the request it
// answers, and leaves one that has it, and errors, as they are.
func TestTransportSetsTheResponsesRequest(t *testing.T) {
	req := httptest.NewRequest("GET", "/", nil)
	other := httptest.NewRequest("GET", "/other", nil)
	for _, tc := range []struct {
		why  string
		resp *http.Response
		err  error
		want *http.Request
	}{
		{"a response without its request gets it", &http.Response{}, nil, req},
		{"a response with a request keeps it", &http.Response{Request: other}, nil, other},
		{"an error has no response", nil, errors.New("refused"), nil},
	} {
		rt := Transport(roundTripFunc(func(*http.Request) (*http.Response, error) { return tc.resp, tc.err }))
		resp, err := rt.RoundTrip(req)
		if err != tc.err {
			t.Errorf("%s: error %v, want %v", tc.why, err, tc.err)
		}
		if resp != nil && resp.Request != tc.want {
			t.Errorf("%s: the response's request is %v, want %v", tc.why, resp.Request.URL, tc.want.URL)
		}
	}
}

// roundTripFunc is a RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
