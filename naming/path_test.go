package naming

import (
	"net/http"
	"net/url"
	"testing"
)

func TestNamePath(t *testing.T) {
	runNameTests(t, []nameTest{
		{"empty path is the root", get("http://h"), "GET_h_80"},
		{"slash is the root", get("http://h/"), "GET_h_80"},
		{"segments are fields", get("http://h/v1/users/42"), "GET_h_80_v1_users_42"},
		{"safe characters stay", get("http://h/v1.2/a-b/k=v"), "GET_h_80_v1.2_a-b_k=v"},
		{"escaped slash stays escaped", get("http://h/a%2Fb"), "GET_h_80_a%2Fb"},
		{"lower-case escape is upper-cased and lossy", get("http://h/a%2fb"), "GET_h_80_a%2Fb~u########"},
		{"unicode is shown escaped without loss", get("http://h/café"), "GET_h_80_caf%C3%A9"},
		{"escaped dots stay escaped and lossy", get("http://h/a/%2e%2e/b"), "GET_h_80_a_%2E%2E_b~u########"},
		{"dot-dot segment is a dash", get("http://h/a/../b"), "GET_h_80_a_-_b~u########"},
		{"dot segment is a dash", get("http://h/./a"), "GET_h_80_-_a~u########"},
		{"upper case is lower-cased and lossy", get("http://h/Users"), "GET_h_80_users~u########"},
		{"underscore becomes a dash", get("http://h/snake_case"), "GET_h_80_snake-case~u########"},
		{"comma becomes a dash", get("http://h/a,b"), "GET_h_80_a-b~u########"},
		{"plus becomes a dash", get("http://h/c++"), "GET_h_80_c--~u########"},
		{"empty segment is a dash", get("http://h/a//b"), "GET_h_80_a_-_b~u########"},
		{"trailing slash is an empty segment", get("http://h/a/"), "GET_h_80_a_-~u########"},
		{"trailing dot is lossy", get("http://h/v1."), "GET_h_80_v1.~u########"},
		{"asterisk target is a dash", spec{method: "OPTIONS", url: "*", host: "h"}, "OPTIONS_h_80_-~u########"},
		{"opaque URL is the path", spec{method: "GET", url: "http:opaque"}, "GET_-~######_80_opaque~u########"},
	})
}

// TestNameOpaqueHostPath checks that a client request whose opaque part is
// "//host/path" (how a Go client sends a path it escaped itself) gets the
// name of the request a server receives: Go sends it as the URL
// "http://host/path", whose path is "/path". The opaque part once was the
// path, host and port included, so a cassette recorded by a transport
// missed when replayed by the server, and on the next run of a loopback
// API (a new port) by the transport too.
func TestNameOpaqueHostPath(t *testing.T) {
	for _, tc := range []struct {
		why, opaque, rawQuery, want string
	}{
		{"the path follows the host", "//h:8080/a%2Fb", "", "http://h:8080/a%2Fb"},
		{"with a query", "//h:8080/v1/x", "q=1", "http://h:8080/v1/x?q=1"},
		{"no path is the root", "//h:8080", "", "http://h:8080"},
	} {
		t.Run(tc.why, func(t *testing.T) {
			r := &http.Request{Method: "GET", URL: &url.URL{Scheme: "http", Host: "h:8080", Opaque: tc.opaque, RawQuery: tc.rawQuery}}
			want, err := http.NewRequest("GET", tc.want, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got, w := Name(r, nil, Default()), Name(want, nil, Default()); got != w {
				t.Errorf("Name(GET opaque %q) = %q, want %q (that of GET %s)", tc.opaque, got, w, tc.want)
			}
		})
	}
	// The host in the opaque part is no part of the path: one request sent
	// to two ports of a loopback test server gets one name without host.
	at := func(host string) string {
		r := &http.Request{Method: "GET", URL: &url.URL{Scheme: "http", Host: host, Opaque: "//" + host + "/a%2Fb"}}
		return WithoutHost(Name(r, nil, Default()))
	}
	if a, b := at("127.0.0.1:1234"), at("127.0.0.1:5678"); a != b {
		t.Errorf("WithoutHost(Name(GET opaque //127.0.0.1:PORT/a%%2Fb)) = %q on one port, %q on another, want one name", a, b)
	}
}
