package forwarded_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"testing"

	"github.com/cassette-go/cassette/internal/forwarded"
	"github.com/google/go-cmp/cmp"
)

// keepingProxy starts an API and a ReverseProxy to it whose Rewrite calls
// Keep, and returns a function that sends a request of header h through
// the proxy and returns the header the API got.
func keepingProxy(t *testing.T) func(h http.Header) http.Header {
	got := make(chan http.Header, 1)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Clone()
	}))
	t.Cleanup(api.Close)
	u, _ := url.Parse(api.URL)
	proxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(u)
		forwarded.Keep(pr)
	}})
	t.Cleanup(proxy.Close)
	return func(h http.Header) http.Header {
		t.Helper()
		req, _ := http.NewRequest("GET", proxy.URL+"/x", nil)
		req.Header = h
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return <-got
	}
}

// Behind a ReverseProxy whose Rewrite calls Keep, the upstream gets the
// forwarding headers the client sent, and no others.
func TestKeepGivesTheUpstreamWhatTheClientSent(t *testing.T) {
	through := keepingProxy(t)

	for _, sent := range []http.Header{
		{
			"Forwarded":         {"for=203.0.113.7;proto=https"},
			"X-Forwarded-For":   {"203.0.113.7", "198.51.100.2"},
			"X-Forwarded-Host":  {"public.example"},
			"X-Forwarded-Proto": {"https"},
		},
		{}, // none sent: none added
	} {
		h := through(sent.Clone())
		for _, name := range []string{"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto"} {
			if diff := cmp.Diff(sent[name], h[name]); diff != "" {
				t.Errorf("%s (-sent +got upstream):\n%s", name, diff)
			}
		}
	}
}

// A forwarding header the client named in its Connection header is for
// the recorder only, and is removed as any other so named.
func TestKeepLeavesOutWhatTheClientMadeHopByHop(t *testing.T) {
	through := keepingProxy(t)
	h := through(http.Header{
		"Connection":       {"x-other, X-FORWARDED-FOR"},
		"X-Other":          {"1"},
		"X-Forwarded-For":  {"10.0.0.1"},
		"X-Forwarded-Host": {"public.example"},
	})
	if v, ok := h["X-Forwarded-For"]; ok {
		t.Errorf("upstream got X-Forwarded-For %q, which the client made hop-by-hop; want none", v)
	}
	if v := h["X-Forwarded-Host"]; len(v) != 1 || v[0] != "public.example" {
		t.Errorf("upstream got X-Forwarded-Host %q, want %q", v, "public.example")
	}
}

func TestAwayFindsAnswersThatSendTheClientToTheAPI(t *testing.T) {
	req := httptest.NewRequest("POST", "https://api.example.com:8443/upload", nil)
	for _, tc := range []struct {
		why    string
		status int
		header http.Header
		want   string
	}{
		{"a redirect to the API", 302, http.Header{"Location": {"https://api.example.com:8443/next"}}, "Location"},
		{"a redirect to the API, other case", 307, http.Header{"Location": {"https://API.example.com:8443/next"}}, "Location"},
		{"a redirect to another port of the host", 302, http.Header{"Location": {"https://api.example.com/next"}}, ""},
		{"a redirect to another scheme's port", 302, http.Header{"Location": {"http://api.example.com:8443/next"}}, "Location"},
		{"a resumable upload's session", 200, http.Header{"Location": {"https://api.example.com:8443/upload?upload_id=1"}}, "Location"},
		{"an operation to poll", 202, http.Header{"Location": {"https://api.example.com:8443/ops/1"}}, "Location"},
		{"Azure's operation to poll", 201, http.Header{"Azure-Asyncoperation": {"https://api.example.com:8443/ops/1"}}, "Azure-Asyncoperation"},
		{"an Operation-Location", 202, http.Header{"Operation-Location": {"https://api.example.com:8443/ops/2"}}, "Operation-Location"},
		{"what a 201 created", 201, http.Header{"Location": {"https://api.example.com:8443/items/1"}}, ""},
		{"a relative redirect, which stays with the proxy", 302, http.Header{"Location": {"/next"}}, ""},
		{"a redirect to another host", 302, http.Header{"Location": {"https://login.example.com/"}}, ""},
		{"an error", 404, http.Header{"Location": {"https://api.example.com:8443/x"}}, ""},
		{"nothing", 200, http.Header{}, ""},
		{"no URL", 302, http.Header{"Location": {"http://[::1"}}, ""},
	} {
		resp := &http.Response{StatusCode: tc.status, Header: tc.header, Request: req}
		name, value := forwarded.Away(resp)
		if name != tc.want || (name != "" && value != tc.header.Get(name)) {
			t.Errorf("%s: Away = %q, %q; want %q", tc.why, name, value, tc.want)
		}
	}
	if name, _ := forwarded.Away(&http.Response{StatusCode: 302, Header: http.Header{"Location": {"https://api.example.com/"}}}); name != "" {
		t.Errorf("Away of a response without its request = %q, want none", name)
	}
}

func TestAwayFillsInTheDefaultPort(t *testing.T) {
	for _, tc := range []struct{ request, location string }{
		{"https://api.example.com/start", "https://api.example.com:443/next"},
		{"https://api.example.com:443/start", "https://api.example.com/next"},
		{"http://api.example.com/start", "http://api.example.com:80/next"},
	} {
		resp := &http.Response{StatusCode: 302, Header: http.Header{"Location": {tc.location}}, Request: httptest.NewRequest("GET", tc.request, nil)}
		if name, _ := forwarded.Away(resp); name != "Location" {
			t.Errorf("Away of %s answered with Location %s = %q, want Location", tc.request, tc.location, name)
		}
	}
}

// A host name that is not ASCII is sent by Go's client in punycode, and
// an API names itself so in a Location: Away took the Location of
// http://xn--bcher-kva.example/ for another host than a request for
// http://bücher.example/ (an Upstream written as a reader writes it), and
// HostPort gave the two spellings of one host two values.
func TestAwayAndHostPortTakeBothSpellingsOfAHostAsOne(t *testing.T) {
	for _, tc := range []struct{ request, location string }{
		{"http://bücher.example/start", "http://xn--bcher-kva.example/next"},
		{"http://xn--bcher-kva.example/start", "http://bücher.example/next"},
		{"https://Bücher.example:8443/start", "https://xn--bcher-kva.example:8443/next"},
		{"https://bücher.example/start", "https://b%C3%BCcher.example/next"},
	} {
		resp := &http.Response{StatusCode: 302, Header: http.Header{"Location": {tc.location}}, Request: &http.Request{Method: "GET", URL: mustParse(t, tc.request)}}
		if name, _ := forwarded.Away(resp); name != "Location" {
			t.Errorf("Away of %s answered with Location %s = %q, want Location", tc.request, tc.location, name)
		}
	}
	for _, tc := range []struct{ url, want string }{
		{"http://bücher.example/", "xn--bcher-kva.example:80"},
		{"http://xn--bcher-kva.example/", "xn--bcher-kva.example:80"},
		{"https://BÜCHER.example:8443/", "xn--bcher-kva.example:8443"},
		{"http://API.example.com/", "api.example.com:80"},
		{"http://[::1]:8080/", "::1:8080"},
	} {
		if got := forwarded.HostPort(mustParse(t, tc.url)); got != tc.want {
			t.Errorf("HostPort(%s) = %q, want %q", tc.url, got, tc.want)
		}
	}
	// A request for another host that is not ASCII is no redirect to the API.
	resp := &http.Response{StatusCode: 302, Header: http.Header{"Location": {"http://xn--bcher-kva.example/next"}}, Request: &http.Request{Method: "GET", URL: mustParse(t, "http://bucher.example/start")}}
	if name, _ := forwarded.Away(resp); name != "" {
		t.Errorf("Away of http://bucher.example/start answered with Location http://xn--bcher-kva.example/next = %q, want none", name)
	}
}

func mustParse(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Unsniffed leaves the Content-Type of an answer to the upstream: none
// when it sent none, even for a body net/http's server would sniff (one
// that ends with the connection), and its values, once each, when it sent
// some; so too after an interim answer (103 Early Hints), once which
// ReverseProxy clears the header it is given.
func TestUnsniffed(t *testing.T) {
	const hints = "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
	for _, tc := range []struct {
		name    string
		interim string // what the upstream sends before its answer
		sent    string // the upstream's header lines
		want    []string
	}{
		{"none sent", "", "", nil},
		{"one sent", "", "Content-Type: application/json\r\n", []string{"application/json"}},
		{"two sent", "", "Content-Type: text/plain\r\nContent-Type: application/json\r\n", []string{"text/plain", "application/json"}},
		{"none sent after a 103", hints, "", nil},
		{"one sent after a 103", hints, "Content-Type: application/json\r\n", []string{"application/json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			go func() {
				c, err := l.Accept()
				if err != nil {
					return
				}
				defer c.Close()
				if _, err := http.ReadRequest(bufio.NewReader(c)); err == nil {
					io.WriteString(c, tc.interim+"HTTP/1.1 200 OK\r\nConnection: close\r\n"+tc.sent+"\r\n<html>sniffable</html>")
				}
			}()
			u, _ := url.Parse("http://" + l.Addr().String())
			rp := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(u) }}
			proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				rp.ServeHTTP(forwarded.Unsniffed(w), r)
			}))
			defer proxy.Close()
			resp, err := http.Get(proxy.URL)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if got := resp.Header["Content-Type"]; !cmp.Equal(got, tc.want) {
				t.Errorf("Content-Type through the proxy = %q, want %q, as the upstream sent", got, tc.want)
			}
		})
	}
}
