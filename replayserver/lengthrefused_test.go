package replayserver_test

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// TestTransportRefusesALengthItsBodyLacks: a request whose body is not as
// long as its ContentLength says, or an http:// one with a ContentLength
// and no body, gets from NewTransport the error http.Transport gives it,
// in replay mode and for a hit in record mode, where it was answered from
// the cassette of its body (or missed): a test replaying in process must
// not pass with a request the real API would never get.
func TestTransportRefusesALengthItsBodyLacks(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	api := newReadingAPI(t)
	path := filepath.Join(t.TempDir(), "api")
	recordRequests(t, path, nil,
		newRequest(t, http.MethodPost, api.URL+"/items", strings.NewReader("ab")),
		newRequest(t, http.MethodPost, api.URL+"/items", strings.NewReader("abcdef")),
		newRequest(t, http.MethodGet, api.URL+"/items", nil))
	// The errors are http.Transport's (which may wrap the first two in
	// "net/http: HTTP/1.x transport connection broken: "; for a body
	// longer than its length, it may get the API's answer first).
	for _, tc := range []struct {
		name   string
		body   string // "" for none
		length int64
		want   string
	}{
		{"a body shorter than its length", "ab", 5, "http: ContentLength=5 with Body length 2"},
		{"a body longer than its length", "abcdef", 2, "http: ContentLength=2 with Body length 6"},
		{"a length and no body", "", 5, "http: Request.ContentLength=5 with nil Body"},
		{"an unknown length and no body", "", -1, "http: Request.ContentLength=-1 with nil Body"},
	} {
		for _, mode := range []replayserver.Mode{replayserver.ModeReplay, replayserver.ModeRecord} {
			t.Run(string(mode)+"/"+tc.name, func(t *testing.T) {
				rt := replayserver.NewTransport(t, path, replayserver.WithMode(mode))
				r := newRequest(t, http.MethodGet, api.URL+"/items", nil)
				var body *closeCount
				if tc.body != "" {
					body = &closeCount{Reader: strings.NewReader(tc.body)}
					r.Method, r.Body = http.MethodPost, body
				}
				r.ContentLength = tc.length
				api.wantRefused(t, rt, r, body, tc.want)
			})
		}
	}
}
