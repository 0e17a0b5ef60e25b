package recorder_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/recorder"
	"github.com/cassette-go/cassette/replayserver"
)

// hopRequests are requests that carry hop-by-hop fields, which a proxy
// does not pass on: a significant X-Tenant that the request's Connection
// names, Proxy-Authorization, Keep-Alive, Proxy-Connection; and a Host
// set in the header, which Go's client does not send from there. Each also
// sends a significant header that does reach the API, so that its name
// still has a header hash.
var hopRequests = []struct {
	path   string
	header http.Header
}{
	{"/v1/listed", http.Header{"Accept": {"application/json"}, "X-Tenant": {"acme"}, "Connection": {"X-Tenant"}}},
	{"/v1/listed-lower", http.Header{"Accept": {"application/json"}, "x-tenant": {"acme"}, "connection": {"keep-alive, x-tenant"}}},
	{"/v1/proxy-auth", http.Header{"Accept": {"text/csv"}, "Proxy-Authorization": {"Basic dXNlcjpwYXNz"}}},
	{"/v1/keep-alive", http.Header{"Accept": {"text/csv"}, "Keep-Alive": {"timeout=5"}, "Proxy-Connection": {"keep-alive"}}},
	{"/v1/host", http.Header{"Accept": {"text/csv"}, "Host": {"elsewhere.example"}, "Connection": {"X-Tenant"}, "X-Tenant": {"acme"}}},
	{"/v1/tenant", http.Header{"Accept": {"text/csv"}, "X-Tenant": {"acme"}}}, // not hop-by-hop: counts
}

// hopRecordings are the ways of recording a library with rules: each
// returns the client and base URL to send the requests to, and a func
// that ends the recording, the library saved.
var hopRecordings = []struct {
	name  string
	start func(t *testing.T, upstream, path string, rules naming.Rules) (*http.Client, string, func())
}{
	{"recorder.New", func(t *testing.T, upstream, path string, rules naming.Rules) (*http.Client, string, func()) {
		rec := recorder.New(t, upstream, path, recorder.Naming(rules))
		return &http.Client{}, rec.URL, func() {
			rec.Close()
			if err := rec.Save(); err != nil {
				t.Error(err)
			}
		}
	}},
	{"recorder.NewProxy", func(t *testing.T, upstream, path string, rules naming.Rules) (*http.Client, string, func()) {
		p, err := recorder.NewProxy(upstream, openLibrary(t, path), recorder.Naming(rules))
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(p)
		return &http.Client{}, srv.URL, func() {
			srv.Close()
			if err := p.Close(); err != nil {
				t.Error(err)
			}
		}
	}},
	{"recorder.NewTransport", func(t *testing.T, upstream, path string, rules naming.Rules) (*http.Client, string, func()) {
		rt := recorder.NewTransport(t, path, recorder.Naming(rules))
		return &http.Client{Transport: rt}, upstream, func() {
			if err := rt.(io.Closer).Close(); err != nil {
				t.Error(err)
			}
		}
	}},
	{"recorder.NewRoundTripper", func(t *testing.T, upstream, path string, rules naming.Rules) (*http.Client, string, func()) {
		rt := recorder.NewRoundTripper(openLibrary(t, path), recorder.Naming(rules))
		return &http.Client{Transport: rt}, upstream, func() {
			if err := rt.(io.Closer).Close(); err != nil {
				t.Error(err)
			}
		}
	}},
	{"replayserver.New recording", func(t *testing.T, upstream, path string, rules naming.Rules) (*http.Client, string, func()) {
		srv := replayserver.New(t, path, replayserver.Naming(rules), replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(upstream))
		return &http.Client{}, srv.URL, srv.Close
	}},
}

func openLibrary(t *testing.T, path string) *library.Library {
	t.Helper()
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// storedExchanges returns the exchanges of every cassette of the library
// at path, by cassette name.
func storedExchanges(t *testing.T, path string) map[string][]library.Exchange {
	t.Helper()
	lib := openLibrary(t, path)
	names, err := lib.Names()
	if err != nil {
		t.Fatal(err)
	}
	all := make(map[string][]library.Exchange, len(names))
	for _, name := range names {
		c, _, err := lib.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		all[name] = c.Exchanges
	}
	return all
}

// A request holding hop-by-hop fields was recorded through a proxy
// (recorder.New, NewProxy, a recording replay server) as the proxy
// forwarded it, without them, and named so; replayed, through the server
// or in process, it was named with them, so that a significant header
// among them (one the request's Connection names) made it miss. Every
// path names a request without them now: whichever way a library is
// recorded, it replays through replayserver.New's srv.Client() and
// through replayserver.NewTransport.
func TestHopByHopFieldsNameNoRequest(t *testing.T) {
	rules := naming.Rules{Headers: []string{"Accept", "X-Tenant"}}
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "answer of %s", r.URL.Path)
	}))
	defer api.Close()
	send := func(t *testing.T, c *http.Client, base, path string, h http.Header) (int, string) {
		t.Helper()
		req, err := http.NewRequest("GET", base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, vs := range h {
			req.Header[k] = vs
		}
		resp, err := c.Do(req)
		if err != nil {
			return 0, err.Error() // a miss of replayserver.NewTransport
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(b)
	}
	for _, rec := range hopRecordings {
		t.Run(rec.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "api")
			t.Setenv(replayserver.EnvMode, "")
			c, base, end := rec.start(t, api.URL, path, rules)
			for _, r := range hopRequests {
				if status, body := send(t, c, base, r.path, r.header); status != 200 || body != "answer of "+r.path {
					t.Fatalf("recording GET %s = %d %q", r.path, status, body)
				}
			}
			end()

			// The header hash of each name is that of its Accept alone,
			// but for the X-Tenant no Connection names.
			names, err := openLibrary(t, path).Names()
			if err != nil {
				t.Fatal(err)
			}
			hashes := map[string]string{}
			for _, n := range names {
				_, h, _ := strings.Cut(n, "~h")
				p := n[:strings.LastIndex(n, "~h")]
				hashes[p[strings.LastIndex(p, "_")+1:]] = h
			}
			if h := hashes; len(h) != len(hopRequests) || h["listed"] != h["listed-lower"] || h["proxy-auth"] != h["keep-alive"] ||
				h["proxy-auth"] != h["host"] || h["tenant"] == h["host"] || h["listed"] == h["host"] {
				t.Errorf("%s recorded %q; want names whose header hashes are those of their Accept alone, but for /v1/tenant's", rec.name, names)
			}

			srv := replayserver.New(t, path, replayserver.Naming(rules), replayserver.WithMode(replayserver.ModeReplay))
			tr := replayserver.NewTransport(t, path, replayserver.Naming(rules), replayserver.WithMode(replayserver.ModeReplay))
			for _, r := range hopRequests {
				want := "answer of " + r.path
				if status, body := send(t, srv.Client(), api.URL, r.path, r.header); status != 200 || body != want {
					t.Errorf("recorded by %s, replayed by srv.Client(): GET %s (header %v) = %d %.400q, want 200 %q", rec.name, r.path, r.header, status, body, want)
				}
				if status, body := send(t, &http.Client{Transport: tr}, api.URL, r.path, r.header); status != 200 || body != want {
					t.Errorf("recorded by %s, replayed by replayserver.NewTransport: GET %s (header %v) = %d %.400q, want 200 %q", rec.name, r.path, r.header, status, body, want)
				}
			}
		})
	}
}
