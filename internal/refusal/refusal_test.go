package refusal

import (
	"net/http"
	"strings"
	"testing"
)

// Each kind of refusal is answered with its status, and its message names
// what was asked, the upstream, and, on one line, what to do instead.
func TestErrorSaysWhatWasRefused(t *testing.T) {
	for _, tc := range []struct {
		err    *Error
		status int
		want   []string
	}{
		{&Error{Kind: OtherHost, Method: "GET", Target: "http://other.example/x", Host: "http://other.example", Upstream: "https://api.example.com"},
			http.StatusBadGateway, []string{"GET http://other.example/x", "for http://other.example", "records only https://api.example.com", "cassette record -upstream http://other.example"}},
		{&Error{Kind: Tunnel, Target: "other.example:443", Upstream: "https://api.example.com"},
			http.StatusNotImplemented, []string{"CONNECT other.example:443", "for a tunnel", "forwards requests to https://api.example.com"}},
		{&Error{Kind: HandOver, Target: "/_goRPC_", Protocol: "net/rpc", Upstream: "https://api.example.com"},
			http.StatusNotImplemented, []string{"CONNECT /_goRPC_", "another protocol (net/rpc)", "not forwarded to https://api.example.com"}},
	} {
		if got := tc.err.Status(); got != tc.status {
			t.Errorf("%+v: Status() = %d, want %d", tc.err, got, tc.status)
		}
		msg := tc.err.Error()
		for _, w := range tc.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%+v: Error() = %q, lacks %q", tc.err, msg, w)
			}
		}
		if !strings.HasPrefix(msg, "recorder: ") || strings.Contains(msg, "\n") {
			t.Errorf("%+v: Error() = %q, want one line from recorder", tc.err, msg)
		}
	}
}
