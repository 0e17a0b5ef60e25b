package recorder_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

// A client that has the recording proxy as its HTTP proxy (Go's
// Transport.Proxy, as curl -x and HTTP_PROXY) sends it requests in
// absolute-form. One for the upstream's host, or for the proxy's own
// address, is forwarded and recorded as any other; one for another host
// is refused 502, naming that host and the upstream, and neither reaches
// the upstream nor is recorded. It was forwarded to the upstream, which
// answered in the other host's stead, and stored under the upstream's
// host.
func TestAbsoluteFormForAnotherHostIsRefused(t *testing.T) {
	api, got := pathAPI(t, false)
	path := filepath.Join(t.TempDir(), "api")
	lib := openLibrary(t, path)
	var (
		mu     sync.Mutex
		errs   []error
		stored []string
	)
	p, err := recorder.NewProxy(api.URL, lib,
		recorder.OnError(func(err error) { mu.Lock(); errs = append(errs, err); mu.Unlock() }),
		recorder.OnRecord(func(name string, _ library.Exchange) { mu.Lock(); stored = append(stored, name); mu.Unlock() }))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p)
	defer srv.Close()
	proxyURL, _ := url.Parse(srv.URL)
	client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxyURL)}}
	get := func(u string) (int, string) {
		t.Helper()
		resp, err := client.Get(u)
		if err != nil {
			t.Fatalf("GET %s through the proxy: %v", u, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	code, body := get("http://other.invalid/x")
	if code != http.StatusBadGateway || !strings.Contains(body, "http://other.invalid") || !strings.Contains(body, api.URL) {
		t.Errorf("GET http://other.invalid/x through the proxy = %d %q, want 502 naming http://other.invalid and the upstream %s", code, body, api.URL)
	}
	if n := got.Load(); n != 0 {
		t.Errorf("the upstream got %d request(s) for another host, want none", n)
	}
	for _, u := range []string{api.URL + "/own", srv.URL + "/self"} {
		want := "api:" + u[strings.LastIndex(u, "/"):]
		if code, body := get(u); code != http.StatusOK || body != want {
			t.Errorf("GET %s through the proxy = %d %q, want 200 %q", u, code, body, want)
		}
	}
	srv.Close()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "other.invalid") {
		t.Errorf("OnError got %q, want one error naming other.invalid", errs)
	}
	if len(stored) != 2 {
		t.Errorf("recorded %q, want the two requests for the upstream and the proxy's own address", stored)
	}
	for _, name := range stored {
		if strings.Contains(name, "_x") || strings.Contains(name, "other") {
			t.Errorf("recorded %q, a request for another host", name)
		}
	}
}

// proxiedGet sends GET u through the recording proxy at proxyURL as a
// client that has it as its HTTP proxy does (absolute-form), and returns
// the status and body.
func proxiedGet(t *testing.T, proxyURL, u string) (int, string) {
	t.Helper()
	pu, err := url.Parse(proxyURL)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(pu)}}
	defer client.CloseIdleConnections()
	resp, err := client.Get(u)
	if err != nil {
		t.Fatalf("GET %s through the proxy: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// dialingTo returns a transport that sends every request to addr, over
// TLS for https (the certificate not checked), whatever host it names:
// an upstream given by a name (https://api.example.com) served by a test
// server.
func dialingTo(addr string) *http.Transport {
	return &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
	}
}

// An https upstream is reached through the recording proxy by a client
// given the API's own URLs with http:// (an https:// URL it would ask of
// its proxy as a tunnel, CONNECT, which the proxy opens for no one): the
// README's workflow. http://api.example.com/x names the upstream
// https://api.example.com, each on its scheme's port, and goes upstream;
// it was refused 502 as a request for another host (port 80, not 443).
func TestAbsoluteFormForAnHTTPSUpstreamByHTTP(t *testing.T) {
	api, _ := pathAPI(t, true)
	srv, errs := countingProxy(t, "https://api.example.com", recorder.Transport(dialingTo(api.Listener.Addr().String())))
	for _, u := range []string{"http://api.example.com/x", "http://api.example.com:80/x", "http://API.example.com:443/x"} {
		if code, body := proxiedGet(t, srv.URL, u); code != http.StatusOK || body != "api:/x" {
			t.Errorf("GET %s through the proxy to https://api.example.com = %d %q, want 200 %q", u, code, body, "api:/x")
		}
	}
	if code, _ := proxiedGet(t, srv.URL, "http://api.example.com:8443/x"); code != http.StatusBadGateway {
		t.Errorf("GET http://api.example.com:8443/x (another port) through the proxy = %d, want 502", code)
	}
	if n := errs.Load(); n != 1 {
		t.Errorf("OnError told %d times, want once (the request for port 8443)", n)
	}
}

// A request in absolute-form for the proxy's own address spelled as an
// IPv6 address (here 127.0.0.1 as [::ffff:127.0.0.1], which reaches the
// proxy on 127.0.0.1; a proxy on [::1] asked for http://[::1]:PORT/x)
// goes upstream as one for 127.0.0.1:PORT does. It was refused 502 as a
// request for another host: the proxy split the host from the port with
// net.SplitHostPort, which takes no IPv6 address without its brackets.
func TestAbsoluteFormForTheProxysOwnIPv6Address(t *testing.T) {
	api, _ := pathAPI(t, false)
	srv, errs := countingProxy(t, api.URL)
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	u := fmt.Sprintf("http://[::ffff:127.0.0.1]:%d/x", port)
	if code, body := proxiedGet(t, srv.URL, u); code != http.StatusOK || body != "api:/x" {
		t.Errorf("GET %s (the proxy's own address) through the proxy = %d %q, want 200 %q", u, code, body, "api:/x")
	}
	if n := errs.Load(); n != 0 {
		t.Errorf("OnError told %d times, want never", n)
	}
}

// The upstream's host spelled otherwise names it too: localhost for the
// upstream 127.0.0.1 (and 127.0.0.1 or [::1] for the upstream localhost),
// an IPv4 address written as IPv6 ([::ffff:127.0.0.1]), a name with the
// trailing dot of a fully qualified one (api.example.com.). Each was
// refused 502 as a request for another host; a loopback name under
// .localhost (a host of its own behind a dev proxy) still is.
func TestAbsoluteFormForTheUpstreamSpelledOtherwise(t *testing.T) {
	api, _ := pathAPI(t, false)
	port := api.Listener.Addr().(*net.TCPAddr).Port
	for _, c := range []struct {
		upstream string
		via      http.RoundTripper
		asked    []string
	}{
		{api.URL, nil, []string{"http://localhost:%d/x", "http://LocalHost.:%d/x", "http://[::ffff:127.0.0.1]:%d/x"}},
		{fmt.Sprintf("http://localhost:%d", port), nil, []string{"http://127.0.0.1:%d/x", "http://[::1]:%d/x", "http://localhost.:%d/x"}},
		{"http://api.example.com", dialingTo(api.Listener.Addr().String()), []string{"http://api.example.com./x", "http://API.EXAMPLE.COM.:80/x"}},
	} {
		var opts []recorder.Option
		if c.via != nil {
			opts = append(opts, recorder.Transport(c.via))
		}
		srv, errs := countingProxy(t, c.upstream, opts...)
		for _, f := range c.asked {
			u := f
			if strings.Contains(f, "%d") {
				u = fmt.Sprintf(f, port)
			}
			if code, body := absoluteGet(t, srv.Listener.Addr().String(), u); code != http.StatusOK || body != "api:/x" {
				t.Errorf("GET %s through the proxy to %s = %d %q, want 200 %q", u, c.upstream, code, body, "api:/x")
			}
		}
		if code, _ := absoluteGet(t, srv.Listener.Addr().String(), fmt.Sprintf("http://api.localhost:%d/x", port)); code != http.StatusBadGateway {
			t.Errorf("GET http://api.localhost:%d/x through the proxy to %s = %d, want 502", port, c.upstream, code)
		}
		if n := errs.Load(); n != 1 {
			t.Errorf("upstream %s: OnError told %d times, want once (for api.localhost)", c.upstream, n)
		}
	}
}

// absoluteGet sends "GET target HTTP/1.1" to the server at addr as written
// (Go's client writes no trailing dot, nor an IPv4 address as IPv6, as
// curl does) and returns the status and body.
func absoluteGet(t *testing.T, addr, target string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET "+target+" HTTP/1.1\r\nHost: ignored.invalid\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// A request given to the proxy's ServeHTTP directly, with an absolute URL
// as httptest.NewRequest makes it, is no client's proxy request: it is
// forwarded to the upstream and recorded, as before the refusal of other
// hosts, whatever host its URL names.
func TestAbsoluteURLOfARequestGivenToServeHTTPIsForwarded(t *testing.T) {
	api, got := pathAPI(t, false)
	lib := openLibrary(t, filepath.Join(t.TempDir(), "api"))
	var stored atomic.Int32
	p, err := recorder.NewProxy(api.URL, lib,
		recorder.OnError(func(err error) { t.Errorf("OnError: %v", err) }),
		recorder.OnRecord(func(string, library.Exchange) { stored.Add(1) }))
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	p.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "http://example.com/x", nil))
	if w.Code != http.StatusOK || w.Body.String() != "api:/x" {
		t.Errorf("ServeHTTP(GET http://example.com/x) = %d %q, want 200 %q", w.Code, w.Body.String(), "api:/x")
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if got.Load() != 1 || stored.Load() != 1 {
		t.Errorf("the upstream got %d request(s) and %d exchange(s) were recorded, want 1 and 1", got.Load(), stored.Load())
	}
}

// pathAPI starts an upstream (over TLS if tls), closed when the test ends,
// that answers "api:" and the path of each request, and counts them.
func pathAPI(t *testing.T, tls bool) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	got := new(atomic.Int32)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Add(1)
		io.WriteString(w, "api:"+r.URL.Path)
	})
	api := httptest.NewUnstartedServer(h)
	if tls {
		api.StartTLS()
	} else {
		api.Start()
	}
	t.Cleanup(api.Close)
	return api, got
}

// countingProxy starts a recording proxy to upstream with opts, into a
// library of its own, served by a test server; both are closed when the
// test ends, the server first. It returns the server and the count of the
// errors told to OnError.
func countingProxy(t *testing.T, upstream string, opts ...recorder.Option) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	errs := new(atomic.Int32)
	p, err := recorder.NewProxy(upstream, openLibrary(t, filepath.Join(t.TempDir(), "api")),
		append([]recorder.Option{recorder.OnError(func(error) { errs.Add(1) })}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return srv, errs
}
