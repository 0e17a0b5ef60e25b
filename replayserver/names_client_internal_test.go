package replayserver

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/naming"
)

// TestMemoryOfNamesForClientRequests: requests sent through NewTransport
// are named once too (the memory keys them by method, scheme, host and
// request URI), and every answer stays right: the URL the memory keeps is
// a copy of the caller's, which it may change for its next request, and
// requests whose name or target depend on more than the key (user
// information, a fragment, a context of a request a server read) are
// named every time.
func TestMemoryOfNamesForClientRequests(t *testing.T) {
	t.Setenv(EnvMode, "")
	path := itemsLibrary(t, 7)
	tr := NewTransport(t, path, Logf(func(string, ...any) {})).(*transport)
	h := tr.h
	do := func(req *http.Request, want string) {
		t.Helper()
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatalf("GET %s: %v", req.URL, err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || string(b) != want {
			t.Fatalf("GET %s = %d %q (%v), want 200 %q", req.URL, resp.StatusCode, b, err, want)
		}
	}
	get := func(u string, want string) {
		t.Helper()
		req, err := http.NewRequest("GET", u, nil)
		if err != nil {
			t.Fatal(err)
		}
		do(req, want)
	}
	remembered := func() (n, used int) {
		h.mu.Lock()
		defer h.mu.Unlock()
		return len(h.names), h.namesUse
	}
	for range 2 {
		for i := range 5 {
			get("http://api.example.com/items/"+strconv.Itoa(i), strconv.Itoa(i))
		}
	}
	if n, used := remembered(); n != 5 || used != 5 {
		t.Fatalf("after 5 requests sent twice the memory holds %d names and was used %d times, want 5 and 5", n, used)
	}

	// The caller's URL, changed for the next request: the memory keeps
	// the target it was named with.
	u, err := url.Parse("http://api.example.com/items/5")
	if err != nil {
		t.Fatal(err)
	}
	do(&http.Request{Method: "GET", URL: u, Header: http.Header{}}, "5")
	u.Path = "/items/6"
	do(&http.Request{Method: "GET", URL: u, Header: http.Header{}}, "6")
	h.mu.Lock()
	n := h.names[nameKey{method: "GET", host: "api.example.com", uri: "/items/5", scheme: "http", client: true}]
	h.mu.Unlock()
	if n == nil || n.target.Path != "/items/5" {
		t.Fatalf("the memory's entry for /items/5 is %+v, want its target /items/5", n)
	}
	get("http://api.example.com/items/5", "5")

	// Not remembered: user information, a fragment, a request sent
	// from a server's handler (with the context of the request it read).
	before, _ := remembered()
	get("http://api.example.com/items/3#part", "3")
	req, err := http.NewRequestWithContext(context.WithValue(context.Background(), http.LocalAddrContextKey, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}),
		"GET", "http://api.example.com/items/4", nil)
	if err != nil {
		t.Fatal(err)
	}
	do(req, "4")
	if after, _ := remembered(); after != before {
		t.Errorf("the memory went from %d to %d names on requests it must not key", before, after)
	}
}

// TestMemoryOfNamesClientRangeAnySpelling: a Range a client set under a
// key not in canonical form (req.Header["range"], which Go sends as it is
// and a server reads as Range) is part of the name, so such a request is
// not remembered: the request of the same URL without it, sent before or
// after, has another name.
func TestMemoryOfNamesClientRangeAnySpelling(t *testing.T) {
	t.Setenv(EnvMode, "")
	path := itemsLibrary(t, 2)
	const u = "http://api.example.com/items/1"
	whole := func() *http.Request {
		req, err := http.NewRequest("GET", u, nil)
		if err != nil {
			t.Fatal(err)
		}
		return req
	}
	ranged := func() *http.Request {
		req := whole()
		req.Header["range"] = []string{"bytes=0-0"}
		return req
	}
	for _, order := range [][]func() *http.Request{{whole, whole, ranged}, {ranged, ranged, whole}} {
		h := NewTransport(t, path, Logf(func(string, ...any) {})).(*transport).h
		for _, mk := range order {
			req := mk()
			want := naming.Name(req, nil, naming.Default()) // as a server names it
			if got := h.lookup(req, nil).name; got != want {
				t.Errorf("GET %s with header %v named %q, want %q", u, req.Header, got, want)
			}
		}
	}
}

// TestMemoryOfNamesClientRequestURI: a request sent through NewTransport
// is named by its URL, whatever its RequestURI says (http.Transport sends
// the URL and never reads RequestURI): one made with httptest.NewRequest,
// its URL then changed, is not named by the RequestURI it kept, nor shares
// a remembered name with another of the same RequestURI.
func TestMemoryOfNamesClientRequestURI(t *testing.T) {
	t.Setenv(EnvMode, "")
	path := itemsLibrary(t, 3)
	h := NewTransport(t, path, Logf(func(string, ...any) {})).(*transport).h
	for _, p := range []string{"/items/1", "/items/1", "/items/2", "/items/2"} {
		// httptest.NewRequest("GET", "/", nil) with its URL changed:
		// RequestURI "/" stays.
		req := &http.Request{Method: "GET", URL: &url.URL{Path: p}, Host: "api.example.com", RequestURI: "/", Header: http.Header{}}
		want := naming.Name(req, nil, naming.Default()) // as the URL goes on the wire
		if got := h.lookup(req, nil).name; got != want {
			t.Errorf("GET %s (RequestURI %q) named %q, want %q", p, req.RequestURI, got, want)
		}
	}
	for _, p := range []string{"/items/1", "/items/2"} {
		req := &http.Request{Method: "GET", URL: &url.URL{Scheme: "http", Host: "api.example.com", Path: p}, RequestURI: "/", Header: http.Header{}}
		want := naming.Name(req, nil, naming.Default())
		if got := h.lookup(req, nil).name; got != want {
			t.Errorf("GET %s (RequestURI %q) named %q, want %q", req.URL, req.RequestURI, got, want)
		}
	}
}

// TestMemoryOfNamesSkipsLongURLs: the memory is bounded in names
// (maxNames), and a name kept for a URL of any length could hold much
// memory (4096 URLs of 100 KB: 400 MB; a server's are bounded by its
// header limit, NewTransport's by nothing): a request whose URL is longer
// than maxNameKey is named every time, not remembered.
func TestMemoryOfNamesSkipsLongURLs(t *testing.T) {
	t.Setenv(EnvMode, "")
	path := itemsLibrary(t, 2)
	tr := NewTransport(t, path, Logf(func(string, ...any) {})).(*transport)
	h := tr.h
	long := "http://api.example.com/items/1?pad=" + strings.Repeat("x", maxNameKey)
	for range 2 {
		req, err := http.NewRequest("GET", long, nil)
		if err != nil {
			t.Fatal(err)
		}
		if resp, err := tr.RoundTrip(req); err == nil {
			resp.Body.Close()
		}
	}
	h.mu.Lock()
	n := len(h.names)
	h.mu.Unlock()
	if n != 0 {
		t.Errorf("after a request of a URL of %d bytes sent twice the memory holds %d names, want none", len(long), n)
	}
}

// TestMemoryOfNamesSkipsLongMethodsAndRawPaths: the bound of the memory
// on what it keeps of a request counted its host and request URI only.
// NewTransport takes a method of any length that is a token (4096 methods
// of 100 KB: 400 MB kept in keys), and a URL whose RawPath is no encoding
// of its Path, which its request URI leaves out but the URL the memory
// keeps holds: such a request is named every time, not remembered.
func TestMemoryOfNamesSkipsLongMethodsAndRawPaths(t *testing.T) {
	t.Setenv(EnvMode, "")
	path := itemsLibrary(t, 2)
	tr := NewTransport(t, path, Logf(func(string, ...any) {})).(*transport)
	h := tr.h
	for _, tc := range []struct {
		name   string
		modify func(r *http.Request)
	}{
		{"a long method", func(r *http.Request) { r.Method = strings.Repeat("X", maxNameKey+1) }},
		{"a long RawPath that is no encoding of Path", func(r *http.Request) { r.URL.RawPath = "/" + strings.Repeat("x", maxNameKey) }},
	} {
		for range 2 {
			req, err := http.NewRequest("GET", "http://api.example.com/items/1", nil)
			if err != nil {
				t.Fatal(err)
			}
			tc.modify(req)
			if resp, err := tr.RoundTrip(req); err == nil {
				resp.Body.Close()
			}
		}
		h.mu.Lock()
		n := len(h.names)
		h.mu.Unlock()
		if n != 0 {
			t.Errorf("after a request with %s sent twice the memory holds %d names, want none", tc.name, n)
		}
	}
}
