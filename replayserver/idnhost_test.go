package replayserver_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
	"github.com/cassette-go/cassette/replayserver"
)

// idnHost is a host name that is not ASCII, and idnWire the spelling Go's
// client sends in the Host header (and dials) for it: punycode.
const (
	idnHost = "bücher.example"
	idnWire = "xn--bcher-kva.example"
)

// idnServers are the replay servers a request for idnHost goes through
// srv.Client() to: HTTP/1.1 without TLS, HTTP/2 with it.
var idnServers = []struct {
	name  string
	opts  []replayserver.Option
	proto int // the HTTP major version srv.Client() speaks to it
}{
	{"HTTP/1.1", nil, 1},
	{"HTTP/2 TLS", []replayserver.Option{replayserver.TLS()}, 2},
}

// An idnAPI is a loopback API that stands for every host, and tells what
// each request it got held.
type idnAPI struct {
	srv *httptest.Server
	rt  *http.Transport // dials srv whatever the address asked for

	mu    sync.Mutex // guards hosts and own
	hosts []string   // the Host header of each request
	own   []string   // the server's own headers each request held, if any
}

func newIDNAPI(t *testing.T) *idnAPI {
	a := &idnAPI{}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		a.hosts = append(a.hosts, r.Host)
		if own := ownHeadersOf(r.Header); own != "" {
			a.own = append(a.own, r.URL.Path+": "+own)
		}
		a.mu.Unlock()
		fmt.Fprintf(w, "%s for %s", r.URL.Path, r.Host)
	}))
	t.Cleanup(a.srv.Close)
	addr := a.srv.Listener.Addr().String()
	a.rt = &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
	t.Cleanup(a.rt.CloseIdleConnections)
	return a
}

// seen returns the Host headers the API got, and the server's own headers
// that reached it.
func (a *idnAPI) seen() (hosts, own []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.hosts), slices.Clone(a.own)
}

// getIDN sends GET http://bücher.example+path with c and returns the
// status, the body and the protocol's major version.
func getIDN(t *testing.T, c *http.Client, path string) (int, string, int) {
	t.Helper()
	resp, err := c.Get("http://" + idnHost + path)
	if err != nil {
		t.Fatalf("GET http://%s%s: %v", idnHost, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.ProtoMajor
}

// A request for a host that is not ASCII is named by the host as the
// caller wrote it in process (NewTransport, recorder.NewTransport,
// naming.Name), but Go's client sends its Host header in punycode, so
// srv.Client() got it to the server, which named it by the punycode
// host: a cassette recorded in process missed through the server, and
// the reverse. srv.Client() now carries the URL's host to the server
// (with the server's secret), which names the request by it, over
// HTTP/1.1 and HTTP/2, replaying and recording; the API still gets the
// punycode Host the wire needs, and the server's own headers reach
// neither the API, nor a cassette, nor a route, nor a miss report.
func TestServerTransportNamesANonASCIIHostAsWritten(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv("CI", "")
	api := newIDNAPI(t)
	want := func(path string) string { return path + " for " + idnWire }

	t.Run("recorded in process, replayed through the server", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "api")
		t.Run("record", func(t *testing.T) {
			rec := &http.Client{Transport: recorder.NewTransport(t, path, recorder.Transport(api.rt))}
			if status, body, _ := getIDN(t, rec, "/a"); status != 200 || body != want("/a") {
				t.Fatalf("recorder.NewTransport GET http://%s/a = %d %q, want 200 %q", idnHost, status, body, want("/a"))
			}
			rs := &http.Client{Transport: replayserver.NewTransport(t, path, replayserver.WithMode(replayserver.ModeRecord), replayserver.UpstreamTransport(api.rt))}
			if status, body, _ := getIDN(t, rs, "/b"); status != 200 || body != want("/b") {
				t.Fatalf("replayserver.NewTransport GET http://%s/b = %d %q, want 200 %q", idnHost, status, body, want("/b"))
			}
		})
		for _, s := range idnServers {
			t.Run(s.name, func(t *testing.T) {
				srv := replayserver.New(t, path, append(s.opts, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict())...)
				for _, p := range []string{"/a", "/b"} {
					if status, body, proto := getIDN(t, srv.Client(), p); status != 200 || body != want(p) || proto != s.proto {
						t.Errorf("srv.Client() GET http://%s%s = HTTP/%d %d %.300q, want HTTP/%d 200 %q", idnHost, p, proto, status, body, s.proto, want(p))
					}
				}
			})
		}
	})

	for _, s := range idnServers {
		t.Run("recorded through the "+s.name+" server, replayed in process", func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "api")
			before, _ := api.seen()
			t.Run("record", func(t *testing.T) {
				srv := replayserver.New(t, path, append(s.opts, replayserver.WithMode(replayserver.ModeRecord), replayserver.UpstreamTransport(api.rt))...)
				if status, body, proto := getIDN(t, srv.Client(), "/c"); status != 200 || body != want("/c") || proto != s.proto {
					t.Errorf("recording srv.Client() GET http://%s/c = HTTP/%d %d %.300q, want HTTP/%d 200 %q", idnHost, proto, status, body, s.proto, want("/c"))
				}
			})
			hosts, own := api.seen()
			if got := hosts[len(before):]; !slices.Equal(got, []string{idnWire}) {
				t.Errorf("the API got Host %q, want [%q]", got, idnWire)
			}
			if len(own) > 0 {
				t.Errorf("the server's own headers reached the API: %q", own)
			}
			lib, err := library.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			names, _ := lib.Names()
			req, _ := http.NewRequest("GET", "http://"+idnHost+"/c", nil)
			if n := nameOf(req, nil); !slices.Equal(names, []string{n}) {
				t.Errorf("library holds %q, want [%q] (named as naming.Name names GET http://%s/c)", names, n, idnHost)
			}
			for _, n := range names {
				c, _, err := lib.Get(n)
				if err != nil {
					t.Fatal(err)
				}
				for _, ex := range c.Exchanges {
					if own := ownHeadersOf(ex.Request.Header); own != "" {
						t.Errorf("cassette %s stores the server's own headers %s", n, own)
					}
				}
			}
			c := &http.Client{Transport: replayserver.NewTransport(t, path, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict())}
			if status, body, _ := getIDN(t, c, "/c"); status != 200 || body != want("/c") {
				t.Errorf("NewTransport GET http://%s/c = %d %.300q, want 200 %q", idnHost, status, body, want("/c"))
			}
		})
	}

	t.Run("a route sees the host as written", func(t *testing.T) {
		for _, s := range idnServers {
			path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/x")
			srv := replayserver.New(t, path, append(s.opts, replayserver.WithMode(replayserver.ModeReplay))...)
			srv.Router().Host(idnHost).Path("/r").HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintf(w, "route for %s, own headers [%s]", r.Host, ownHeadersOf(r.Header))
			})
			wantRoute := "route for " + idnHost + ", own headers []"
			if status, body, _ := getIDN(t, srv.Client(), "/r"); status != 200 || body != wantRoute {
				t.Errorf("%s: srv.Client() GET http://%s/r = %d %.300q, want 200 %q", s.name, idnHost, status, body, wantRoute)
			}
		}
	})

	t.Run("a miss report names the host as written", func(t *testing.T) {
		path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), idnHost, "/x")
		req, _ := http.NewRequest("GET", "http://"+idnHost+"/missing", nil)
		name := nameOf(req, nil)
		for _, s := range idnServers {
			ft := newFakeTB(t)
			var status int
			var body string
			ft.do(func() {
				srv := replayserver.New(ft, path, append(s.opts, replayserver.WithMode(replayserver.ModeReplay))...)
				status, body, _ = getIDN(t, srv.Client(), "/missing")
			})
			ft.finish()
			if status != 404 || !strings.Contains(body, name) || strings.Contains(body, "X-Cassette-") {
				t.Errorf("%s: srv.Client() GET http://%s/missing = %d, report:\n%s\nwant 404 naming %s, without the server's own headers", s.name, idnHost, status, body, name)
			}
			if errs := ft.errors(); strings.Contains(errs, "X-Cassette-") {
				t.Errorf("%s: the test failure shows the server's own headers:\n%s", s.name, errs)
			}
		}
	})
}

// The header srv.Client() carries a URL's host in is honoured only from
// srv.Client(), with the server's secret, and only as srv.Client() set
// it: a plain client that sends it is named by the Host it sent (Go's
// client sends punycode), and so is a request for an ASCII host that
// srv.Client() sends with it set by the caller.
func TestForgedURLHostDoesNotNameARequest(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := filepath.Join(t.TempDir(), "api")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"http://" + idnWire + "/p", "https://" + idnWire + "/p", "http://" + idnHost + "/p", "http://api.example.com/q", "http://" + idnHost + "/q"} {
		req, _ := http.NewRequest("GET", u, nil)
		if err := lib.Append(nameOf(req, nil), library.Exchange{
			Request:  library.Request{Method: "GET", URL: u, Header: http.Header{}},
			Response: library.Response{StatusCode: 200, Body: []byte("recorded for " + u)},
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	forgedURLHost := forged.Clone()
	forgedURLHost.Set("X-Cassette-Url-Host", idnHost)
	for _, s := range idnServers {
		t.Run(s.name, func(t *testing.T) {
			srv := replayserver.New(t, path, append(s.opts, replayserver.WithMode(replayserver.ModeReplay))...)
			plainTransport := &http.Transport{ForceAttemptHTTP2: true}
			if cert := srv.Certificate(); cert != nil {
				pool := x509.NewCertPool()
				pool.AddCert(cert)
				plainTransport.TLSClientConfig = &tls.Config{RootCAs: pool}
			}
			defer plainTransport.CloseIdleConnections()
			plain := &http.Client{Transport: plainTransport}

			req, _ := http.NewRequest("GET", srv.URL+"/p", nil)
			req.Host = idnHost // sent as idnWire
			req.Header = forgedURLHost.Clone()
			want := strings.SplitN(srv.URL, ":", 2)[0] + "://" + idnWire + "/p" // the scheme it came with
			if status, body := doBody(t, plain, req); status != 200 || body != "recorded for "+want {
				t.Errorf("plain client GET %s/p (Host %s, forged %v) = %d %.300q, want the cassette of %s", srv.URL, idnHost, forgedURLHost, status, body, want)
			}

			req, _ = http.NewRequest("GET", "http://api.example.com/q", nil)
			req.Header.Set("X-Cassette-Url-Host", idnHost)
			if status, body := doBody(t, srv.Client(), req); status != 200 || body != "recorded for http://api.example.com/q" {
				t.Errorf("srv.Client() GET http://api.example.com/q (X-Cassette-Url-Host %s) = %d %.300q, want its own cassette", idnHost, status, body)
			}

			req, _ = http.NewRequest("GET", "http://"+idnHost+"/p", nil)
			req.Header = forgedURLHost.Clone()
			req.Header.Set("X-Cassette-Url-Host", idnWire)
			if status, body := doBody(t, srv.Client(), req); status != 200 || body != "recorded for http://"+idnHost+"/p" {
				t.Errorf("srv.Client() GET http://%s/p (forged %v) = %d %.300q, want its own cassette", idnHost, req.Header, status, body)
			}
		})
	}
}
