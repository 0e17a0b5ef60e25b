package naming

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	pathpkg "path"
	"strings"
	"testing"
)

// FuzzMatchPattern checks that matching a route pattern never panics,
// that an invalid pattern matches nothing and is what Validate reports,
// and that a valid one matches as net/http.ServeMux does, for the paths
// that ServeMux would not clean or redirect.
func FuzzMatchPattern(f *testing.F) {
	for _, s := range [][3]string{
		{"/v1/items/{id}", "GET", "/v1/items/42"},
		{"POST /v1/search", "POST", "/v1/search"},
		{"GET /v1/files/{path...}", "HEAD", "/v1/files/a/b"},
		{"/v1/", "GET", "/v1/x/"},
		{"/v1/{$}", "GET", "/v1/"},
		{"/a%2Fb/{x}", "GET", "/a%2fb/%7e"},
		{"/{x}/{x}", "GET", "/a/b"},
		{"example.com/", "GET", "/"},
		{"GET  \t/{é1}/", "GET", "/x/"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, pattern, method, path string) {
		got := matchPattern(pattern, method, path)
		reason := checkPattern(pattern)
		if reason != "" && got {
			t.Fatalf("matchPattern(%q, %s %s) = true; want false for an invalid pattern (%s)", pattern, method, path, reason)
		}
		if err := Default().Route(pattern, Rules{}).Validate(); (err != nil) != (reason != "") {
			t.Fatalf("Validate(route %q) = %v; checkPattern says %q", pattern, err, reason)
		}

		// Compare with ServeMux.
		if method == "" || method == "CONNECT" || !isToken(method) {
			return
		}
		u, err := url.Parse(path)
		if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" ||
			u.EscapedPath() != path || muxCleanPath(path) != path {
			return
		}
		matched := false
		mux := http.NewServeMux()
		if msg := register(mux, pattern, func() { matched = true }); msg != "" {
			if reason == "" && !strings.Contains(msg, "unclean path") {
				t.Fatalf("ServeMux rejects pattern %q (%s); checkPattern accepts it", pattern, msg)
			}
			return
		}
		if reason != "" {
			if !strings.HasPrefix(reason, "host") {
				t.Fatalf("checkPattern(%q) = %q; ServeMux accepts it", pattern, reason)
			}
			return
		}
		if _, pp := splitPattern(pattern); muxCleanPath(pp) != pp || slashSegment(pp) || slashSegment(path) {
			// ServeMux takes an empty segment ("//") for a wildcard, and
			// a segment "%2F" for a trailing slash: such patterns and
			// paths are not compared.
			return
		}
		mux.ServeHTTP(httptest.NewRecorder(), &http.Request{Method: method, URL: u, Host: "h", Header: http.Header{}})
		if got != matched {
			t.Fatalf("matchPattern(%q, %s %s) = %v; ServeMux says %v", pattern, method, path, got, matched)
		}
	})
}

// register registers pattern in mux, and returns why ServeMux rejects it,
// or "".
func register(mux *http.ServeMux, pattern string, f func()) (msg string) {
	defer func() {
		if e := recover(); e != nil {
			msg = fmt.Sprint(e)
		}
	}()
	mux.HandleFunc(pattern, func(http.ResponseWriter, *http.Request) { f() })
	return ""
}

// slashSegment reports whether a segment of path is an escaped "/".
func slashSegment(path string) bool {
	for seg := range strings.SplitSeq(path, "/") {
		if strings.EqualFold(seg, "%2f") {
			return true
		}
	}
	return false
}

// muxCleanPath cleans p as ServeMux does before matching.
func muxCleanPath(p string) string {
	if p == "" {
		return "/"
	}
	if p[0] != '/' {
		p = "/" + p
	}
	np := pathpkg.Clean(p)
	if p[len(p)-1] == '/' && np != "/" {
		np += "/"
	}
	return np
}
