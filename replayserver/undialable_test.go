package replayserver_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// TestTransportRefusesAnAddressHTTPTransportCannotDial: a hand-built URL
// whose port is over 65535, or is no number (it then stays in the host
// name, which no resolver finds), or whose host and port do not split,
// fails in http.Transport's dial before any connection or DNS query,
// with an error that says so: NewTransport gives that error too, in
// every mode but those that forward (where the upstream transport gives
// it), rather than the answer of a cassette recorded (or written) under
// its name.
func TestTransportRefusesAnAddressHTTPTransportCannotDial(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	hosts := []string{"h:99999", "api.example.com:65536", "[::1]:99999", ":99999", "h:abc", "h:-1", "h:+80", "[::1"}
	path := filepath.Join(t.TempDir(), "api")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	newReq := func(scheme, host string) (*http.Request, *closeCount) {
		body := &closeCount{Reader: strings.NewReader("")}
		return &http.Request{Method: "GET", URL: &url.URL{Scheme: scheme, Host: host, Path: "/x"}, Header: http.Header{}, Body: body}, body
	}
	for _, host := range hosts {
		for _, scheme := range []string{"http", "https"} {
			r, _ := newReq(scheme, host)
			if err := lib.Append(nameOf(r, nil), library.Exchange{
				Request:  library.Request{Method: "GET", URL: scheme + "://" + host + "/x"},
				Response: library.Response{StatusCode: 200, Body: []byte("ok")},
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	// The reference: http.Transport dialing with Go's resolver, which
	// can send no query (none of these hosts needs one).
	dialed := errors.New("dialed")
	fail := func(context.Context, string, string) (net.Conn, error) { return nil, dialed }
	d := &net.Dialer{Resolver: &net.Resolver{PreferGo: true, Dial: fail}}
	ref := &http.Transport{DialContext: d.DialContext}
	for _, mode := range []replayserver.Mode{replayserver.ModeReplay, replayserver.ModeRecord, replayserver.ModeOnce} {
		t.Run(string(mode), func(t *testing.T) {
			rt := replayserver.NewTransport(t, path, replayserver.WithMode(mode), replayserver.Upstream("http://127.0.0.1:1"))
			for _, host := range hosts {
				for _, scheme := range []string{"http", "https"} {
					r, _ := newReq(scheme, host)
					_, want := ref.RoundTrip(r)
					if want == nil || strings.Contains(want.Error(), dialed.Error()) || strings.Contains(want.Error(), "connect") {
						t.Fatalf("http.Transport %s://%s: %v: not a case of this test", scheme, host, want)
					}
					r, body := newReq(scheme, host)
					resp, err := rt.RoundTrip(r)
					if resp != nil {
						resp.Body.Close()
						t.Errorf("NewTransport %s://%s answered %d, want http.Transport's error %q", scheme, host, resp.StatusCode, want)
						continue
					}
					if err == nil || err.Error() != want.Error() {
						t.Errorf("NewTransport %s://%s error = %v, want http.Transport's %q", scheme, host, err, want)
					}
					if body.n.Load() != 1 {
						t.Errorf("NewTransport %s://%s closed the body %d times, want 1", scheme, host, body.n.Load())
					}
				}
			}
		})
	}
}
