package replayserver_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// FuzzSharedByItsInputs uses a server and a transport made with f before
// f.Fuzz, as a test shares costly set-up between the inputs, inside the
// fuzz function, where testing panics on any call to f: neither may crash
// the test binary, and each request is answered. The server records from
// a loopback upstream (every request it forwards goes there, whatever its
// host), so that it answers every request, from its library or the
// upstream; the transport replays a library that holds /a, so that any
// other request is a miss, an error that unwraps to ErrNoMatch.
//
// Run by TestAServerMadeWithFuzzFIsSharedByItsInputs, with the library
// that test made in CASSETTE_FUZZ_SHARED_CHILD, it replays that library
// through both, and adds an input that misses it: a miss through the
// server fails the target as it ends, which that test checks, and so
// only there.
func FuzzSharedByItsInputs(f *testing.F) {
	if path := os.Getenv("CASSETTE_FUZZ_SHARED_CHILD"); path != "" {
		fuzzSharedChild(f, path)
		return
	}
	f.Setenv(replayserver.EnvMode, "")
	recorded := filepath.Join(f.TempDir(), "recorded")
	replayed := filepath.Join(f.TempDir(), "replayed")
	for _, path := range []string{recorded, replayed} {
		saveA(f, path)
	}
	var (
		mu   sync.Mutex // guards last
		last string     // the body the upstream sent last
	)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		last = "answer to " + r.Method + " " + r.URL.EscapedPath()
		io.WriteString(w, last)
	}))
	f.Cleanup(up.Close)
	toUp := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "tcp", up.Listener.Addr().String())
	}}
	f.Cleanup(toUp.CloseIdleConnections)
	srv := replayserver.New(f, recorded, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(up.URL), replayserver.UpstreamTransport(toUp))
	c := &http.Client{Transport: replayserver.NewTransport(f, replayed)}
	// What http.Transport refuses before it dials, which the transport
	// refuses too, with its error: one that would dial (connect, or send
	// a DNS query) gets errDialed, from net's own dialer, which first
	// checks the address as it does for any request. What a resolver
	// makes of a host (Go's finds no host for a name like `"` without a
	// query, the system's may ask) is the resolver's, not the request's:
	// any DNS error counts as dialed.
	errDialed := errors.New("dialed")
	fail := func(context.Context, string, string) (net.Conn, error) { return nil, errDialed }
	d := &net.Dialer{
		Resolver: &net.Resolver{PreferGo: true, Dial: fail},
		Control:  func(string, string, syscall.RawConn) error { return errDialed },
	}
	ref := &http.Transport{DialContext: d.DialContext}
	dialed := func(err error) bool {
		var dns *net.DNSError
		return errors.Is(err, errDialed) || errors.As(err, &dns)
	}
	f.Add("/a")
	f.Add("/b?x=1")
	f.Add("@") // http://api.example.com@: a user name, no host
	f.Add("]") // http://api.example.com]: an address net's dial does not split
	f.Fuzz(func(t *testing.T, p string) {
		if strings.ContainsFunc(p, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
			// A query holding them is sent as it is, in a request line
			// that net/http's server refuses (400) before any handler.
			return
		}
		for _, u := range []string{srv.URL + p, "http://api.example.com" + p} {
			if _, err := url.Parse(u); err != nil {
				continue // no request
			}
			cl := srv.Client()
			var refused error // http.Transport's error for a request it does not send
			if !strings.HasPrefix(u, srv.URL) {
				cl = c
				req, err := http.NewRequest(http.MethodGet, u, nil)
				if err != nil {
					t.Fatalf("GET %s: %v", u, err)
				}
				if _, err := ref.RoundTrip(req); !dialed(err) {
					refused = err
				}
			}
			resp, err := cl.Get(u)
			if refused != nil {
				// As http.Transport refuses it (a URL without a host, an
				// address its dial does not split), the transport does,
				// with its error (see TestTransportRefusesWhatHTTPTransportRefuses
				// and TestTransportRefusesAnAddressHTTPTransportCannotDial).
				if resp != nil {
					resp.Body.Close()
				}
				if err == nil || !strings.Contains(err.Error(), refused.Error()) {
					t.Fatalf("GET %s: error %v, want http.Transport's %q", u, err, refused)
				}
				continue
			}
			if err != nil {
				if cl == c && errors.Is(err, replayserver.ErrNoMatch) {
					continue // a miss through the transport
				}
				if cl != c && strings.Contains(err.Error(), "invalid Host header") {
					// A URL whose host Go's client refuses too ("@\"" makes
					// the server's address a user name): srv.Client() fails
					// it at once (see TestClientRefusesAHostGoRefuses). Only
					// srv.Client(): the transport replays in process, where
					// no connection is made, so no client refuses a host
					// once it is dialed, and answers every request it does
					// not refuse before dialing, as http.Transport.
					continue
				}
				t.Fatalf("GET %s: %v", u, err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatalf("GET %s: reading the body: %v", u, err)
			}
			mu.Lock()
			sent := last
			mu.Unlock()
			if resp.StatusCode != http.StatusOK || string(body) != "a" && (cl == c || string(body) != sent) {
				t.Fatalf("GET %s: %d %q; want 200 and the answer recorded (\"a\") or, through the recording server, the upstream's (%q)", u, resp.StatusCode, body, sent)
			}
		}
	})
}

// saveA saves a library at path that holds GET http://api.example.com/a.
func saveA(tb testing.TB, path string) {
	lib, err := library.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	req, _ := http.NewRequest("GET", "http://api.example.com/a", nil)
	if err := lib.Append(nameOf(req, nil), library.Exchange{
		Request:  library.Request{Method: "GET", URL: req.URL.String()},
		Response: library.Response{StatusCode: 200, Body: []byte("a")},
	}); err != nil {
		tb.Fatal(err)
	}
	if err := lib.Save(); err != nil {
		tb.Fatal(err)
	}
}

// fuzzSharedChild is FuzzSharedByItsInputs run by
// TestAServerMadeWithFuzzFIsSharedByItsInputs on the library at path.
func fuzzSharedChild(f *testing.F, path string) {
	srv := replayserver.New(f, path)
	c := &http.Client{Transport: replayserver.NewTransport(f, path)}
	f.Add("/a")
	f.Add("/missing")
	f.Fuzz(func(t *testing.T, p string) {
		for _, u := range []string{srv.URL + p, "http://api.example.com" + p} {
			cl := srv.Client()
			if !strings.HasPrefix(u, srv.URL) {
				cl = c
			}
			resp, err := cl.Get(u)
			if err != nil {
				t.Logf("GET %s: %v", u, err) // a miss through the transport
				continue
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			t.Logf("GET %s: %d", u, resp.StatusCode)
		}
	})
}

// A server or transport made with a *testing.F logs, and reports misses,
// from inside the fuzz function, where testing panics on any call to f:
// neither may crash the test binary. A miss fails the target when it ends.
func TestAServerMadeWithFuzzFIsSharedByItsInputs(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path := filepath.Join(t.TempDir(), "api")
	saveA(t, path)
	cmd := exec.Command(os.Args[0], "-test.run=^FuzzSharedByItsInputs$", "-test.v")
	cmd.Env = append(os.Environ(), "CASSETTE_FUZZ_SHARED_CHILD="+path)
	out, _ := cmd.CombinedOutput()
	if strings.Contains(string(out), "panic:") {
		t.Fatalf("the test binary panicked:\n%s", out)
	}
	for _, want := range []string{
		"--- PASS: FuzzSharedByItsInputs/seed#0",
		"GET " + "http://api.example.com/a: 200",
		`/missing": cassette: no cassette for GET http://api.example.com/missing`, // the transport's error
		"--- FAIL: FuzzSharedByItsInputs ",
		"no cassette for GET http://127.0.0.1:", // the server's miss
		"reported as the test ended",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
}
