package replayserver_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// TestTransportRefusesWhatHTTPTransportRefuses: a request that
// http.Transport refuses to send (a field name that is no token, a value
// with a control character, in the header or the trailers, a method that
// is no token, a scheme other than http and https, a URL without a host)
// gets from NewTransport the error http.Transport gives it, rather than a
// recorded answer: a test replaying in process must not pass with a
// request the real API would never get.
func TestTransportRefusesWhatHTTPTransportRefuses(t *testing.T) {
	path, _ := parityLibrary(t, http.MethodGet, nil,
		library.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte("ok")}, false)
	// The reference: an http.Transport that refuses these requests before
	// dialing; one it would send fails to dial, saying so, and no
	// connection is made.
	var dialed = errors.New("dialed")
	ref := &http.Transport{DialContext: func(context.Context, string, string) (net.Conn, error) { return nil, dialed }}
	rt := replayserver.NewTransport(t, path)

	for _, tc := range []struct {
		name   string
		modify func(r *http.Request)
	}{
		{"header value with a line break", func(r *http.Request) { r.Header["X-Bad"] = []string{"a\r\nInjected: 1"} }},
		{"header value with an escape", func(r *http.Request) { r.Header.Set("X-Color", "\x1b[31mred") }},
		{"header name with a space", func(r *http.Request) { r.Header["X Bad"] = []string{"v"} }},
		{"header name not ASCII", func(r *http.Request) { r.Header["X-Café"] = []string{"v"} }},
		{"trailer name with a space", func(r *http.Request) { r.Trailer = http.Header{"X Sum": {"1"}} }},
		{"trailer value with a NUL", func(r *http.Request) { r.Trailer = http.Header{"X-Sum": {"1\x00"}} }},
		{"method with a space", func(r *http.Request) { r.Method = "GE T" }},
		{"scheme ftp", func(r *http.Request) { r.URL.Scheme = "ftp" }},
		{"no host", func(r *http.Request) { r.URL.Host = "" }},
		// The replay server's own headers, which NewTransport drops, are
		// sent by http.Transport, which refuses them as any other.
		{"own header value with a line break", func(r *http.Request) { r.Header["X-Cassette-Host"] = []string{"a\r\nInjected: 1"} }},
		{"own header value with a line break, key in lower case", func(r *http.Request) { r.Header["x-cassette-scheme"] = []string{"https\n"} }},
		{"own trailer value with a NUL", func(r *http.Request) { r.Trailer = http.Header{"X-Cassette-Secret": {"1\x00"}} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			newReq := func() (*http.Request, *closeCount) {
				body := &closeCount{Reader: strings.NewReader("")}
				r, err := http.NewRequest(http.MethodGet, parityURL, nil)
				if err != nil {
					t.Fatal(err)
				}
				r.Body = body
				tc.modify(r)
				return r, body
			}
			r, _ := newReq()
			_, want := ref.RoundTrip(r)
			if want == nil || errors.Is(want, dialed) {
				t.Fatalf("http.Transport sends it (%v): not a case of this test", want)
			}
			r, body := newReq()
			resp, err := rt.RoundTrip(r)
			if resp != nil {
				resp.Body.Close()
				t.Fatalf("NewTransport answered %d, want http.Transport's error %q", resp.StatusCode, want)
			}
			if err == nil || err.Error() != want.Error() {
				t.Errorf("NewTransport RoundTrip error = %v, want http.Transport's %q", err, want)
			}
			if errors.Is(err, replayserver.ErrNoMatch) {
				t.Errorf("NewTransport RoundTrip error is a miss: %v", err)
			}
			if body.n.Load() == 0 {
				t.Errorf("the request body was not closed, as http.Transport closes it")
			}
		})
	}
}
