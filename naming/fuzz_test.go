package naming

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// FuzzName checks that Name never panics, always returns a safe file name,
// gives one answer per request, ignores the host under WithoutHost, and
// keeps apart requests whose paths differ only in case.
func FuzzName(f *testing.F) {
	f.Add("GET", "https", "api.example.com", "/v1/users", "page=2&sort=name", "v1", []byte(nil))
	f.Add("post", "http", "[::1]:8080", "/a/../b//c/", "Q=A,B&ts=1&_x=é", "", []byte("{}"))
	f.Add("", "", "", "", "", "", []byte{0})
	f.Add("M_X", "HTTPS", "h:99999999", "/café/%2e%2E", "%zz=%&=&&", "a\x00b", []byte("body"))
	f.Add("GET", "http", strings.Repeat("host.", 20), strings.Repeat("/seg", 600), strings.Repeat("k=v&", 500), "x", []byte(nil))
	f.Fuzz(func(t *testing.T, method, scheme, host, path, query, header string, body []byte) {
		rules := Rules{Headers: []string{"x-key", "Accept"}, IgnoreQuery: []string{"ts"}}
		req := func(host, path string) *http.Request {
			return &http.Request{
				Method: method,
				URL:    &url.URL{Scheme: scheme, Host: host, Path: path, RawQuery: query},
				Host:   host,
				Header: http.Header{"X-Key": {header}},
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
	})
}
