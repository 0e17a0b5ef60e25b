package replayserver_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// forged is what a client that is not Server.Transport (curl, a plain
// http.Client) sends to pass for it: the server's own headers, with a
// guess at its secret.
var forged = http.Header{
	"X-Cassette-Scheme": {"https"},
	"X-Cassette-Host":   {"forged.example.test"},
	"X-Cassette-Secret": {"00000000000000000000000000000000"},
}

// ownHeadersOf lists the server's own headers in h, sorted.
func ownHeadersOf(h http.Header) string {
	var own []string
	for k, v := range h {
		if strings.HasPrefix(http.CanonicalHeaderKey(k), "X-Cassette-") {
			own = append(own, fmt.Sprintf("%s: %q", k, v))
		}
	}
	sort.Strings(own)
	return strings.Join(own, ", ")
}

// doBody sends req with c and returns the status and body.
func doBody(t *testing.T, c *http.Client, req *http.Request) (int, string) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s (Host %s): %v", req.Method, req.URL, req.Host, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The headers that carry the scheme and the Host of a request sent
// through srv.Client() (X-Cassette-Scheme, X-Cassette-Host) are honoured
// only from Server.Transport: sent by any other client, which could so
// choose the name a request is looked up by and the route that answers
// it, they are as if absent. A plain client asking for
// http://api.example.com/x with X-Cassette-Scheme: https got the cassette
// of https://api.example.com/x, and the route for https.
func TestForgedOwnHeadersDoNotNameOrRouteARequest(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := filepath.Join(t.TempDir(), "api")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, scheme := range []string{"http", "https"} {
		req := httptest.NewRequest("GET", scheme+"://api.example.com/x", nil)
		if err := lib.Append(nameOf(req, nil), library.Exchange{
			Request:  library.Request{Method: "GET", URL: req.URL.String(), Header: http.Header{}},
			Response: library.Response{StatusCode: 200, Body: []byte("recorded over " + scheme)},
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeReplay))
	for _, scheme := range []string{"http", "https"} {
		srv.Router().Schemes(scheme).Host("api.example.com").Path("/r").HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "%s route for %s, own headers [%s]", scheme, r.Host, ownHeadersOf(r.Header))
		})
	}
	plain := &http.Client{}
	defer plain.CloseIdleConnections()

	t.Run("another client", func(t *testing.T) {
		for _, tc := range []struct{ path, want string }{
			{"/x", "recorded over http"},
			{"/r", "http route for api.example.com, own headers []"},
		} {
			req, _ := http.NewRequest("GET", srv.URL+tc.path, nil)
			req.Host = "api.example.com"
			req.Header = forged.Clone()
			if status, body := doBody(t, plain, req); status != 200 || body != tc.want {
				t.Errorf("GET %s%s (Host api.example.com, forged %v) = %d %.300q, want 200 %q", srv.URL, tc.path, forged, status, body, tc.want)
			}
		}
	})
	t.Run("srv.Client()", func(t *testing.T) {
		for _, tc := range []struct{ url, want string }{
			{"https://api.example.com/x", "recorded over https"},
			{"http://api.example.com/x", "recorded over http"},
			{"https://api.example.com/r", "https route for api.example.com, own headers []"},
			{"http://api.example.com/r", "http route for api.example.com, own headers []"},
		} {
			for _, hdr := range []http.Header{{}, forged} {
				req, _ := http.NewRequest("GET", tc.url, nil)
				req.Header = hdr.Clone()
				if status, body := doBody(t, srv.Client(), req); status != 200 || body != tc.want {
					t.Errorf("srv.Client() GET %s (header %v) = %d %.300q, want 200 %q", tc.url, hdr, status, body, tc.want)
				}
			}
		}
	})
}

// Recording, X-Cassette-Host sent by another client than Server.Transport
// is as if absent: the request goes upstream with its own Host header, and
// no header of the server's own reaches the API or the cassette. It used
// to go upstream with the Host that header named. A virtual host sent
// through srv.Client() still goes upstream.
func TestForgedOwnHeadersDoNotReachTheUpstream(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv("CI", "")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s for %s, own headers [%s]", r.URL.Path, r.Host, ownHeadersOf(r.Header))
	}))
	defer api.Close()
	apiAddr := api.Listener.Addr().String()
	path := filepath.Join(t.TempDir(), "api")
	const vhost = "tenant.example.test"
	t.Run("record", func(t *testing.T) {
		srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeRecord))
		plain := &http.Client{}
		defer plain.CloseIdleConnections()
		req, _ := http.NewRequest("GET", srv.URL+"/plain", nil)
		req.Host = apiAddr // a request for the API, sent to the server as a proxy
		req.Header = forged.Clone()
		req.Header.Set("X-Cassette-Scheme", "http")
		want := "/plain for " + apiAddr + ", own headers []"
		if status, body := doBody(t, plain, req); status != 200 || body != want {
			t.Errorf("GET %s/plain (Host %s, forged X-Cassette-Host) = %d %.300q, want 200 %q", srv.URL, apiAddr, status, body, want)
		}
		req, _ = http.NewRequest("GET", api.URL+"/virtual", nil)
		req.Host = vhost
		want = "/virtual for " + vhost + ", own headers []"
		if status, body := doBody(t, srv.Client(), req); status != 200 || body != want {
			t.Errorf("srv.Client() GET %s/virtual (Host %s) = %d %.300q, want 200 %q", api.URL, vhost, status, body, want)
		}
	})
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	names, err := lib.Names()
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 2 {
		t.Errorf("library holds %q, want the two requests", names)
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
}

// NewTransport, whose requests Server.Transport never sends, takes the
// server's own headers as any other client's: they do not name a request
// (X-Cassette-Scheme: http named a request for https://api.example.com/x
// as one for http://), nor reach the API or a cassette.
func TestNewTransportIgnoresTheServersOwnHeaders(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv("CI", "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/x")
	c := &http.Client{Transport: replayserver.NewTransport(t, path, replayserver.WithMode(replayserver.ModeReplay))}
	req, _ := http.NewRequest("GET", "http://api.example.com/x", nil)
	req.Header = forged.Clone() // X-Cassette-Scheme: https
	if status, body := doBody(t, c, req); status != 200 || body != "answer for /x" {
		t.Errorf("NewTransport GET http://api.example.com/x (forged %v) = %d %.300q, want 200 %q", forged, status, body, "answer for /x")
	}
	if len(req.Header) != len(forged) {
		t.Errorf("the caller's request was changed: header %v", req.Header)
	}

	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s for %s, own headers [%s]", r.URL.Path, r.Host, ownHeadersOf(r.Header))
	}))
	defer api.Close()
	rpath := filepath.Join(t.TempDir(), "rec")
	t.Run("record", func(t *testing.T) {
		c := &http.Client{Transport: replayserver.NewTransport(t, rpath, replayserver.WithMode(replayserver.ModeRecord))}
		req, _ := http.NewRequest("GET", api.URL+"/y", nil)
		req.Header = forged.Clone()
		req.Header.Set("X-Cassette-Scheme", "http")
		want := "/y for " + api.Listener.Addr().String() + ", own headers []"
		if status, body := doBody(t, c, req); status != 200 || body != want {
			t.Errorf("NewTransport GET %s/y (forged) = %d %.300q, want 200 %q", api.URL, status, body, want)
		}
	})
	lib, err := library.Open(rpath)
	if err != nil {
		t.Fatal(err)
	}
	names, _ := lib.Names()
	for _, n := range names {
		c, _, err := lib.Get(n)
		if err != nil {
			t.Fatal(err)
		}
		if own := ownHeadersOf(c.Exchanges[0].Request.Header); own != "" {
			t.Errorf("cassette %s stores the server's own headers %s", n, own)
		}
	}
	if len(names) != 1 {
		t.Errorf("library holds %q, want one cassette", names)
	}
}

// The server's own headers set by the caller of srv.Client() under a key
// not in canonical form (req.Header["x-cassette-url-host"], as some SDKs
// set headers) went to the server beside those Server.Transport set, as
// Go sends such a key as it is and a server reads it in canonical form:
// an ASCII URL's request was named by the host the caller's header gave,
// over HTTP/1.1 and HTTP/2; over HTTP/2 the caller's value came first
// for a URL whose host is not ASCII too, and named the request; and a
// second secret made the server take none of them (a miss). They are
// dropped, as under their canonical keys.
func TestOwnHeadersSetByTheCallerUnderAnotherSpellingAreDropped(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := filepath.Join(t.TempDir(), "api")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"http://api.example.com/q", "https://api.example.com/q", "http://forged.example/q", "http://" + idnHost + "/q"} {
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
	for _, s := range idnServers {
		t.Run(s.name, func(t *testing.T) {
			srv := replayserver.New(t, path, append(s.opts, replayserver.WithMode(replayserver.ModeReplay))...)
			for _, u := range []string{"http://api.example.com/q", "http://" + idnHost + "/q"} {
				for _, key := range []string{"x-cassette-url-host", "x-cassette-host", "x-cassette-scheme", "x-cassette-secret", "X-CASSETTE-URL-HOST"} {
					value := map[string]string{"x-cassette-scheme": "https", "x-cassette-secret": "00000000000000000000000000000000"}[key]
					if value == "" {
						value = "forged.example"
					}
					req, _ := http.NewRequest("GET", u, nil)
					req.Header[key] = []string{value}
					if status, body := doBody(t, srv.Client(), req); status != 200 || body != "recorded for "+u {
						t.Errorf("srv.Client() GET %s (header %q: %q) = %d %.300q, want its own cassette", u, key, value, status, body)
					}
					if len(req.Header) != 1 {
						t.Errorf("the caller's request was changed: header %v", req.Header)
					}
				}
			}
		})
	}
}

// NewTransport dropped the server's own headers under their canonical
// keys only: one a caller set under another spelling
// (req.Header["x-cassette-host"]) was sent upstream and stored in the
// cassette as it was. They are dropped in every spelling, recording and
// passing through alike.
func TestNewTransportDropsTheServersOwnHeadersInEverySpelling(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv("CI", "")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s, own headers [%s]", r.URL.Path, ownHeadersOf(r.Header))
	}))
	defer api.Close()
	keys := []string{"x-cassette-scheme", "x-cassette-host", "x-cassette-url-host", "x-cassette-secret", "X-CASSETTE-HOST", "X-Cassette-host"}
	for _, mode := range []replayserver.Mode{replayserver.ModeRecord, replayserver.ModePassthrough} {
		path := filepath.Join(t.TempDir(), "api")
		t.Run(string(mode), func(t *testing.T) {
			c := &http.Client{Transport: replayserver.NewTransport(t, path, replayserver.WithMode(mode))}
			for i, key := range keys {
				p := fmt.Sprintf("/%d", i)
				req, _ := http.NewRequest("GET", api.URL+p, nil)
				req.Header[key] = []string{"forged.example"}
				want := p + ", own headers []"
				if status, body := doBody(t, c, req); status != 200 || body != want {
					t.Errorf("NewTransport (%s) GET %s%s (header %q) = %d %.300q, want 200 %q", mode, api.URL, p, key, status, body, want)
				}
				if len(req.Header) != 1 {
					t.Errorf("the caller's request was changed: header %v", req.Header)
				}
			}
		})
		if mode != replayserver.ModeRecord {
			continue
		}
		lib, err := library.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		names, err := lib.Names()
		if err != nil {
			t.Fatal(err)
		}
		if len(names) != len(keys) {
			t.Errorf("library holds %q, want %d cassettes", names, len(keys))
		}
		for _, n := range names {
			c, _, err := lib.Get(n)
			if err != nil {
				t.Fatal(err)
			}
			if own := ownHeadersOf(c.Exchanges[0].Request.Header); own != "" {
				t.Errorf("cassette %s stores the server's own headers %s", n, own)
			}
		}
	}
}

// Handler.ServeHTTP, called in process with a request made by hand,
// drops the server's own headers under any spelling of their keys, as
// the server drops those a client sends: a route, the upstream (passing
// through, where no recorder drops them) and a miss report see none. It
// looked for their canonical keys only, and kept
// req.Header["x-cassette-host"].
func TestHandlerDropsTheServersOwnHeadersInEverySpelling(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "upstream %s, own headers [%s]", r.URL.Path, ownHeadersOf(r.Header))
	}))
	defer api.Close()
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/x")
	keys := []string{"x-cassette-scheme", "x-cassette-host", "x-cassette-url-host", "x-cassette-secret", "X-CASSETTE-HOST", "X-Cassette-host"}
	for _, mode := range []replayserver.Mode{replayserver.ModePassthrough, replayserver.ModeReplay} {
		t.Run(string(mode), func(t *testing.T) {
			var logs logBook
			h, err := replayserver.NewHandler(path, replayserver.WithMode(mode), logs.option())
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			h.Router().Path("/route").HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintf(w, "route, own headers [%s]", ownHeadersOf(r.Header))
			})
			paths := map[string]string{"/route": "route, own headers []"}
			if mode == replayserver.ModePassthrough {
				paths["/up"] = "upstream /up, own headers []"
			} else {
				paths["/miss"] = "" // a miss, whose report lists the request's headers
			}
			for p, want := range paths {
				for _, key := range keys {
					req := httptest.NewRequest("GET", p, nil)
					req.Host = api.Listener.Addr().String() // a request for the API, as a proxy gets it
					req.Header[key] = []string{"forged.example"}
					w := httptest.NewRecorder()
					h.ServeHTTP(w, req)
					body := w.Body.String()
					if want == "" {
						if w.Code != http.StatusNotFound || strings.Contains(strings.ToLower(body), "x-cassette-") {
							t.Errorf("%s GET %s (header %q) = %d, report:\n%s\nwant a 404 whose report shows no header of the server's own", mode, p, key, w.Code, body)
						}
						continue
					}
					if w.Code != 200 || body != want {
						t.Errorf("%s GET %s (header %q) = %d %.300q, want 200 %q", mode, p, key, w.Code, body, want)
					}
				}
			}
		})
	}
}
