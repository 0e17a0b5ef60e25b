package replayserver_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// A request whose Host header names another host than its URL (a virtual
// host served at the URL's address) goes to the URL's address, and
// NewTransport names it by the URL's host. srv.Client() sent it to the
// server with its Host header as the host it was meant for: replaying, it
// missed the cassette NewTransport recorded; recording, the server
// forwarded it to the virtual host's name (a DNS lookup, off loopback)
// and named it so. It goes to the URL's address with its own Host header,
// and is named by the URL's host, through both; a route of the test's
// own still sees the Host header the client sent.
func TestServerTransportNamesAVirtualHostByItsURL(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv("CI", "")
	const vhost = "tenant.example.test"
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s for %s", r.URL.Path, r.Host)
	}))
	defer api.Close()
	apiAddr := api.Listener.Addr().String()
	get := func(t *testing.T, c *http.Client, path string) (int, string) {
		t.Helper()
		req, err := http.NewRequest("GET", api.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = vhost
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("GET %s%s (Host %s): %v", api.URL, path, vhost, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	want := func(path string) string { return path + " for " + vhost }
	// Only the API's address is dialed: a request sent elsewhere fails
	// without leaving loopback.
	onlyAPI := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr != apiAddr {
			return nil, fmt.Errorf("dial %s: not the API's address %s", addr, apiAddr)
		}
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
	defer onlyAPI.CloseIdleConnections()
	path := filepath.Join(t.TempDir(), "api")

	t.Run("recorded in process, replayed through the server", func(t *testing.T) {
		t.Run("record", func(t *testing.T) {
			c := &http.Client{Transport: replayserver.NewTransport(t, path, replayserver.WithMode(replayserver.ModeRecord))}
			if status, body := get(t, c, "/a"); status != 200 || body != want("/a") {
				t.Fatalf("recording GET /a = %d %q, want 200 %q", status, body, want("/a"))
			}
		})
		srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict())
		if status, body := get(t, srv.Client(), "/a"); status != 200 || body != want("/a") {
			t.Errorf("srv.Client() GET %s/a (Host %s) = %d %.300q, want 200 %q", api.URL, vhost, status, body, want("/a"))
		}
	})

	t.Run("recorded through the server, replayed in process", func(t *testing.T) {
		t.Run("record", func(t *testing.T) {
			srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeRecord), replayserver.UpstreamTransport(onlyAPI))
			if status, body := get(t, srv.Client(), "/b"); status != 200 || body != want("/b") {
				t.Errorf("recording srv.Client() GET %s/b (Host %s) = %d %.300q, want 200 %q", api.URL, vhost, status, body, want("/b"))
			}
		})
		lib, err := library.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		names, _ := lib.Names()
		for _, p := range []string{"/a", "/b"} {
			req, _ := http.NewRequest("GET", api.URL+p, nil)
			n := nameOf(req, nil)
			if !slices.Contains(names, n) {
				t.Errorf("library holds %q, not %q (GET %s%s named by its URL)", names, n, api.URL, p)
				continue
			}
			c, _, err := lib.Get(n)
			if err != nil {
				t.Fatal(err)
			}
			for _, ex := range c.Exchanges {
				for k := range ex.Request.Header {
					if strings.HasPrefix(http.CanonicalHeaderKey(k), "X-Cassette-") {
						t.Errorf("cassette %s stores the server's own request header %s: %q", n, k, ex.Request.Header[k])
					}
				}
			}
		}
		c := &http.Client{Transport: replayserver.NewTransport(t, path, replayserver.WithMode(replayserver.ModeReplay))}
		if status, body := get(t, c, "/b"); status != 200 || body != want("/b") {
			t.Errorf("NewTransport GET %s/b (Host %s) = %d %.300q, want 200 %q", api.URL, vhost, status, body, want("/b"))
		}
	})

	t.Run("a route sees the Host header sent", func(t *testing.T) {
		srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeReplay))
		srv.Router().Host(vhost).Path("/c").HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "route for %s, X-Cassette-Host %q", r.Host, r.Header.Get("X-Cassette-Host"))
		})
		if status, body := get(t, srv.Client(), "/c"); status != 200 || body != "route for "+vhost+`, X-Cassette-Host ""` {
			t.Errorf("srv.Client() GET %s/c (Host %s) = %d %.300q, want the route", api.URL, vhost, status, body)
		}
	})
}
