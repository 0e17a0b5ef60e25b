package replayserver_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
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
	var hits atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "ok")
	}))
	defer api.Close()
	path := filepath.Join(t.TempDir(), "api")
	t.Run("record", func(t *testing.T) {
		c := &http.Client{Transport: replayserver.NewTransport(t, path, replayserver.WithMode(replayserver.ModeRecord))}
		for _, b := range []string{"ab", "abcdef", ""} {
			method, body := http.MethodPost, io.Reader(strings.NewReader(b))
			if b == "" {
				method, body = http.MethodGet, nil
			}
			req, err := http.NewRequest(method, api.URL+"/items", body)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
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
		want := tc.want
		newReq := func() (*http.Request, *closeCount) {
			r, err := http.NewRequest(http.MethodGet, api.URL+"/items", nil)
			if err != nil {
				t.Fatal(err)
			}
			var body *closeCount
			if tc.body != "" {
				body = &closeCount{Reader: strings.NewReader(tc.body)}
				r.Method, r.Body = http.MethodPost, body
			}
			r.ContentLength = tc.length
			return r, body
		}
		for _, mode := range []replayserver.Mode{replayserver.ModeReplay, replayserver.ModeRecord} {
			t.Run(string(mode)+"/"+tc.name, func(t *testing.T) {
				before := hits.Load()
				rt := replayserver.NewTransport(t, path, replayserver.WithMode(mode))
				r, body := newReq()
				resp, err := rt.RoundTrip(r)
				if resp != nil {
					resp.Body.Close()
					t.Fatalf("NewTransport answered %d, want http.Transport's error %q", resp.StatusCode, want)
				}
				if err == nil || err.Error() != want {
					t.Errorf("NewTransport RoundTrip error = %v, want http.Transport's %q", err, want)
				}
				if errors.Is(err, replayserver.ErrNoMatch) {
					t.Errorf("NewTransport RoundTrip error is a miss: %v", err)
				}
				if body != nil && body.n.Load() == 0 {
					t.Errorf("the request body was not closed, as http.Transport closes it")
				}
				if n := hits.Load() - before; n != 0 {
					t.Errorf("the API got %d request(s), want none", n)
				}
			})
		}
	}
}
