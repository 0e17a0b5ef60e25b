package naming

import "testing"

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
