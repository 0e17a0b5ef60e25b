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
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// A host that is not ASCII has two spellings: as a caller writes it
// (bücher.example: the Upstream, a URL given to srv.Client()) and as Go's
// client sends it (xn--bcher-kva.example), which the API then sends back
// in an absolute Location. The answer that sends a plain client past the
// server to the API's own host is told, and one whose client came back
// through srv.Client() is not, whatever the spelling of each: the host of
// the Location was compared with the Upstream's and with the Host of the
// requests that came back (since 6edcc6e, the host as the caller wrote
// it) as strings. An Upstream in Unicode was never told (the API's
// punycode Location did not name it); with one in punycode, a client
// that came back for the host written in Unicode was told, wrongly.
func TestRecordingTellsAClientPastTheServerWhateverTheSpellingOfItsHost(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/start" {
			// As a real API: its own host, as it got it.
			http.Redirect(w, r, "http://"+r.Host+"/next", http.StatusFound)
			return
		}
		fmt.Fprintf(w, "%s for %s", r.URL.Path, r.Host)
	}))
	defer api.Close()
	apiAddr := api.Listener.Addr().String()
	dialAPI := func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, apiAddr)
	}
	upstreamRT := &http.Transport{DialContext: dialAPI}
	defer upstreamRT.CloseIdleConnections()

	noFollow := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	get := func(t *testing.T, c *http.Client, url string) *http.Response {
		t.Helper()
		resp, err := c.Get(url)
		if err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	// plainClient returns a client that is not srv.Client(): it goes to
	// srv.URL, and to the API's own host, named as the API is.
	plainClient := func(t *testing.T, srv *replayserver.Server) *http.Client {
		tr := &http.Transport{ForceAttemptHTTP2: true, DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if host, _, _ := net.SplitHostPort(addr); host == idnWire {
				return dialAPI(ctx, network, addr)
			}
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		}}
		if cert := srv.Certificate(); cert != nil {
			pool := x509.NewCertPool()
			pool.AddCert(cert)
			tr.TLSClientConfig = &tls.Config{RootCAs: pool}
		}
		t.Cleanup(tr.CloseIdleConnections)
		return &http.Client{Transport: tr}
	}
	// srvClient returns srv.Client() that does not follow a redirect.
	srvClient := func(srv *replayserver.Server) *http.Client {
		c := *srv.Client()
		c.CheckRedirect = noFollow
		return &c
	}
	for _, s := range idnServers {
		for _, upstream := range []string{idnHost, idnWire} {
			for _, tc := range []struct {
				name string
				// run sends the client to srv.URL/start, and on to
				// where the answer sends it.
				run  func(t *testing.T, srv *replayserver.Server)
				told bool
			}{
				{"a plain client follows the redirect to the API", func(t *testing.T, srv *replayserver.Server) {
					if resp := get(t, plainClient(t, srv), srv.URL+"/start"); resp.Request.URL.Host != idnWire {
						t.Fatalf("the plain client ended at %s, want the API's own host %s (the test's premise failed)", resp.Request.URL, idnWire)
					}
				}, true},
				{"srv.Client() follows the redirect", func(t *testing.T, srv *replayserver.Server) {
					get(t, srv.Client(), srv.URL+"/start")
				}, false},
				{"srv.Client() comes back for the host in Unicode", func(t *testing.T, srv *replayserver.Server) {
					c := srvClient(srv)
					if resp := get(t, c, srv.URL+"/start"); resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "http://"+idnWire+"/next" {
						t.Fatalf("GET %s/start = %d, Location %q; want 302 to http://%s/next (the test's premise failed)", srv.URL, resp.StatusCode, resp.Header.Get("Location"), idnWire)
					}
					get(t, c, "http://"+idnHost+"/next")
				}, false},
				{"srv.Client() comes back for the host in punycode", func(t *testing.T, srv *replayserver.Server) {
					c := srvClient(srv)
					get(t, c, srv.URL+"/start")
					get(t, c, "http://"+idnWire+"/next")
				}, false},
			} {
				t.Run(fmt.Sprintf("%s/Upstream %s/%s", s.name, upstream, tc.name), func(t *testing.T) {
					var logs logBook
					t.Run("record", func(t *testing.T) {
						srv := replayserver.New(t, filepath.Join(t.TempDir(), "api"), append(s.opts,
							replayserver.WithMode(replayserver.ModeRecord),
							replayserver.Upstream("http://"+upstream),
							replayserver.UpstreamTransport(upstreamRT), logs.option())...)
						tc.run(t, srv)
					})
					away := pastTheServer(&logs)
					switch {
					case tc.told && (len(away) != 1 || !strings.Contains(away[0], "was answered 302 Found with Location http://"+idnWire+"/next")):
						t.Errorf("logged %q; want one line about the redirect to http://%s/next", away, idnWire)
					case !tc.told && len(away) != 0:
						t.Errorf("logged, though the client came back through srv.Client():\n%s", strings.Join(away, "\n"))
					}
				})
			}
		}
	}
}
