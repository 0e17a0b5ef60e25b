package recorder_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/rpc"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

// A client that uses the recording proxy as its HTTPS proxy (HTTPS_PROXY,
// or its transport's Proxy, set to rec.URL) asks it for a tunnel
// (CONNECT), through which it would speak TLS to the API: nothing in it
// could be named or stored. It is answered 501, never forwarded (a
// CONNECT sent on as a request is nonsense to the API, which may answer
// it, an error then stored as its cassette) nor stored, and the test
// fails saying that the proxy opens no tunnels and what to do instead.
func TestProxyRefusesATunnel(t *testing.T) {
	var conns atomic.Int64
	api := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "through the tunnel")
	}))
	api.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	api.StartTLS()
	defer api.Close()
	path := filepath.Join(t.TempDir(), "api.json")
	ft := &fakeTB{TB: t}
	rec := recorder.New(ft, api.URL, path, recorder.Transport(api.Client().Transport))
	proxy, _ := url.Parse(rec.URL)
	tr := api.Client().Transport.(*http.Transport).Clone()
	defer tr.CloseIdleConnections()
	tr.Proxy = http.ProxyURL(proxy)
	var status string
	tr.OnProxyConnectResponse = func(_ context.Context, _ *url.URL, _ *http.Request, resp *http.Response) error {
		status = resp.Status
		return nil
	}
	resp, err := (&http.Client{Transport: tr}).Get(api.URL + "/x")
	if err == nil {
		resp.Body.Close()
	}
	ft.end()
	if err == nil || status != "501 Not Implemented" {
		t.Errorf("GET %s through the recorder as a proxy: CONNECT answered %q, client error %v; want 501 Not Implemented and an error", api.URL, status, err)
	}
	if n := conns.Load(); n != 0 {
		t.Errorf("the API got %d connection(s); want none: a CONNECT is not forwarded", n)
	}
	failure := strings.Join(ft.errors, "\n")
	for _, want := range []string{"CONNECT " + strings.TrimPrefix(api.URL, "https://"), "asks the recording proxy for a tunnel", "recorder.NewTransport"} {
		if !strings.Contains(failure, want) {
			t.Errorf("the test failure does not say %q:\n%s", want, failure)
		}
	}
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if names, err := lib.Names(); err != nil || len(names) != 0 {
		t.Errorf("library holds %q (%v); want nothing stored", names, err)
	}
}

// A CONNECT that names a path asks for no tunnel but to hand the
// connection over to another protocol, as net/rpc's DialHTTP does: it is
// refused too, and the failure names it and says what it asks (it named
// no target, and spoke of an HTTPS proxy).
func TestProxyRefusesAConnectToAPath(t *testing.T) {
	var conns atomic.Int64
	api := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	api.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	api.Start()
	defer api.Close()
	path := filepath.Join(t.TempDir(), "api.json")
	ft := &fakeTB{TB: t}
	rec := recorder.New(ft, api.URL, path)
	if c, err := rpc.DialHTTPPath("tcp", strings.TrimPrefix(rec.URL, "http://"), "/_goRPC_"); err == nil {
		c.Close()
		t.Errorf("rpc.DialHTTP to the recorder: no error; want its 501")
	} else if !strings.Contains(err.Error(), "501") {
		t.Errorf("rpc.DialHTTP to the recorder: %v; want its 501", err)
	}
	ft.end()
	if n := conns.Load(); n != 0 {
		t.Errorf("the API got %d connection(s); want none: a CONNECT is not forwarded", n)
	}
	failure := strings.Join(ft.errors, "\n")
	for _, want := range []string{"CONNECT /_goRPC_ asks", "hand the connection over to another protocol (path /_goRPC_)"} {
		if !strings.Contains(failure, want) {
			t.Errorf("the test failure does not say %q:\n%s", want, failure)
		}
	}
	if strings.Contains(failure, "HTTPS proxy") {
		t.Errorf("the test failure speaks of an HTTPS proxy, for a CONNECT to a path:\n%s", failure)
	}
}
