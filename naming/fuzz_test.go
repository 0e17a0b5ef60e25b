package naming

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	pathpkg "path"
	"strings"
	"testing"
)

// fuzzRules are the rules of FuzzName: every body rule that parses, and
// a route whose pattern is fuzzed.
func fuzzRules(pattern string) Rules {
	return Rules{
		Headers:     []string{"x-key", "Accept"},
		IgnoreQuery: []string{"ts"},
		Bodies: map[string]BodyRule{
			"application/json":                  JSONBody,
			"+json":                             JSONBody,
			"application/x-www-form-urlencoded": FormBody,
			"multipart/form-data":               MultipartBody,
		},
	}.Route(pattern, Rules{Headers: []string{"Accept"}, Bodies: map[string]BodyRule{"": IgnoreBody}})
}

// FuzzName checks that Name never panics, always returns a safe file name,
// gives one answer per request, ignores the host under WithoutHost, and
// keeps apart requests whose paths differ only in case; and that the body
// rules that parse never panic, are deterministic, leave the body as it
// was, and (JSON and forms) are canonical: applied twice, they give what
// they gave once.
func FuzzName(f *testing.F) {
	_, multipartBody := formData(f, "XyZ", part{"b", "a.txt", "text/plain", "hello"}, part{"a", "", "", "1"})
	f.Add("GET", "https", "api.example.com", "/v1/users", "page=2&sort=name", "v1", "", "/v1/", []byte(nil))
	f.Add("post", "http", "[::1]:8080", "/a/../b//c/", "Q=A,B&ts=1&_x=é", "", "application/json", "POST /b/{x}", []byte("{}"))
	f.Add("", "", "", "", "", "", "", "", []byte{0})
	f.Add("M_X", "HTTPS", "h:99999999", "/café/%2e%2E", "%zz=%&=&&", "a\x00b", "text/plain", "/{x...}", []byte("body"))
	f.Add("GET", "http", strings.Repeat("host.", 20), strings.Repeat("/seg", 600), strings.Repeat("k=v&", 500), "x", "", "/seg/{$}", []byte(nil))
	f.Add("PUT", "https", "h", "/v1/items/42", "", "", "application/vnd.api+json; charset=utf-8", "PUT /v1/items/{id}",
		[]byte(` { "b": [1, 2.50, {"y": null, "x": true}], "a": "\u00e9\n" } `))
	f.Add("POST", "https", "h", "/form", "", "", "application/x-www-form-urlencoded", "/{a}/{a}", []byte("b=2&a=x+y&a=%41&&c"))
	f.Add("POST", "https", "h", "/upload", "", "", "multipart/form-data; boundary=XyZ", "/up{", []byte(multipartBody))
	f.Fuzz(func(t *testing.T, method, scheme, host, path, query, header, contentType, pattern string, body []byte) {
		rules := fuzzRules(pattern)
		req := func(host, path string) *http.Request {
			return &http.Request{
				Method: method,
				URL:    &url.URL{Scheme: scheme, Host: host, Path: path, RawQuery: query},
				Host:   host,
				Header: http.Header{"X-Key": {header}, "Content-Type": {contentType}},
			}
		}
		name := Name(req(host, path), body, rules)
		checkFileName(t, name)
		if again := Name(req(host, path), body, rules); again != name {
			t.Fatalf("Name = %q, then %q; want the same name twice", name, again)
		}
		other := Name(req("other.example:8443", path), body, rules)
		if a, b := WithoutHost(name), WithoutHost(other); a != b {
			t.Errorf("WithoutHost(%q) = %q, WithoutHost(%q) = %q; want the same for one request sent to two hosts", name, a, other, b)
		}
		if up := strings.ToUpper(path); up != path {
			if n := Name(req(host, up), body, rules); strings.EqualFold(n, name) {
				t.Errorf("paths %q and %q named %q and %q; want names that differ in more than case", path, up, name, n)
			}
		}
		want := Name(req(host, path), nil, rules) // the name without "~b"
		if cb := rules.CanonicalBody(req(host, path), body); cb != nil {
			i := len(want)
			if i >= 10 && want[i-10:i-8] == "~u" {
				i -= 10
			}
			want = want[:i] + "~b" + string(appendBodyHash(nil, cb)) + want[i:]
		}
		if name != want {
			t.Errorf("Name = %q, want %q: the name without body, with the hash of CanonicalBody", name, want)
		}

		for _, r := range []struct {
			name      string
			rule      BodyRule
			canonical bool
		}{{"JSONBody", JSONBody, true}, {"FormBody", FormBody, true}, {"MultipartBody", MultipartBody, false}} {
			in := bytes.Clone(body)
			out := r.rule(contentType, in)
			if !bytes.Equal(in, body) {
				t.Fatalf("%s(%q, %q) modified its body to %q", r.name, contentType, body, in)
			}
			if again := r.rule(contentType, bytes.Clone(body)); !bytes.Equal(again, out) {
				t.Fatalf("%s(%q, %q) = %q, then %q; want the same twice", r.name, contentType, body, out, again)
			}
			if r.canonical && len(out) > 0 {
				if twice := r.rule(contentType, out); !bytes.Equal(twice, out) {
					t.Errorf("%s(%q, %q) = %q, and %s of that = %q; want the same", r.name, contentType, body, out, r.name, twice)
				}
			}
		}
	})
}

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
