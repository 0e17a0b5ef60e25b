package naming

import (
	"net/http"
	"strings"
	"testing"
)

// A nameTest says what name a request gets, and why.
type nameTest struct {
	why  string // the outcome, used as the subtest name
	s    spec
	want string
}

// matchName reports whether name matches want, where "#" in want stands
// for a lower-case hex digit: tables show which hashes a name has, and
// testdata/names.golden pins their values.
func matchName(name, want string) bool {
	if len(name) != len(want) {
		return false
	}
	for i := range len(want) {
		c := name[i]
		if want[i] == '#' && ('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			continue
		}
		if c != want[i] {
			return false
		}
	}
	return true
}

// runNameTests runs table tests of Name.
func runNameTests(t *testing.T, tests []nameTest) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			got := tt.s.name(t)
			if !matchName(got, tt.want) {
				t.Errorf("Name(%s) = %q, want %q", tt.s, got, tt.want)
			}
			checkFileName(t, got)
		})
	}
}

func TestNameMethod(t *testing.T) {
	runNameTests(t, []nameTest{
		{"upper-case method is shown as is", spec{method: "DELETE", url: "http://h/a"}, "DELETE_h_80_a"},
		{"empty method means GET", spec{method: "", url: "http://h/a"}, "GET_h_80_a"},
		{"lower-case method is upper-cased and lossy", spec{method: "get", url: "http://h/a"}, "GET_h_80_a~u########"},
		{"mixed-case method is upper-cased and lossy", spec{method: "Get", url: "http://h/a"}, "GET_h_80_a~u########"},
		{"method with a dash keeps it", spec{method: "M-SEARCH", url: "http://h/"}, "M-SEARCH_h_80"},
		{"method underscore becomes dash", spec{method: "MY_VERB", url: "http://h/"}, "MY-VERB_h_80~u########"},
		{"method never starts with a dash", spec{method: "-X", url: "http://h/"}, "XX_h_80~u########"},
		{"long method is cut", spec{method: "VERSION-CONTROL-EXTENDED", url: "http://h/"}, "VERSION-CONT_h_80~u########"},
	})
}

func TestNameLength(t *testing.T) {
	runNameTests(t, []nameTest{
		{"2 KB query is cut and ends in url hash", get(longQuery),
			"GET_api.example.com_443_search__q=" + strings.Repeat("a", 69) + "~u########"},
		{"2 KB path is cut on a segment boundary", get(longPath),
			"GET_api.example.com_443" + strings.Repeat("_segment", 10) + "~u########"},
		{"cut never splits an escape", get("http://h/" + strings.Repeat("x", 78) + "%C3%A9"),
			"GET_h_80_" + strings.Repeat("x", 78) + "~u########"},
		{"cut never splits the start of an escape", get("http://h/" + strings.Repeat("x", 77) + "%C3%A9"),
			"GET_h_80_" + strings.Repeat("x", 77) + "~u########"},
		{"cut never ends on the query separator", get("http://h/" + strings.Repeat("x", 78) + "?q=1"),
			"GET_h_80_" + strings.Repeat("x", 78) + "~u########"},
		{"80-byte tail is kept whole", get("http://h/" + strings.Repeat("x", 79)),
			"GET_h_80_" + strings.Repeat("x", 79)},
	})
}

func TestNameOddRequests(t *testing.T) {
	for _, tt := range []struct {
		why  string
		r    *http.Request
		want string
	}{
		{"nil request counts as empty", nil, "GET_-~e3b0c4_80"},
		{"nil URL counts as empty", &http.Request{Method: "GET", Host: "h"}, "GET_h_80"},
		{"nil header is fine", &http.Request{Method: "GET", Host: "h"}, "GET_h_80"},
	} {
		t.Run(tt.why, func(t *testing.T) {
			got := Name(tt.r, nil, Rules{Headers: []string{"Accept"}})
			if got != tt.want {
				t.Errorf("Name(%v) = %q, want %q", tt.r, got, tt.want)
			}
		})
	}
}

// TestNamesDiffer lists requests that must never share a cassette, not
// even on a case-insensitive file system.
func TestNamesDiffer(t *testing.T) {
	for _, tt := range []struct {
		why  string
		a, b spec
	}{
		{"escaped slash is not a slash", get("http://h/a%2Fb"), get("http://h/a/b")},
		{"escaped dots are not dots", get("http://h/a/%2e%2e/b"), get("http://h/a/../b")},
		{"escape case is kept apart", get("http://h/a%2fb"), get("http://h/a%2Fb")},
		{"path case matters", get("http://h/Users"), get("http://h/users")},
		{"path case matters both ways", get("http://h/USERS"), get("http://h/Users")},
		{"query case matters", get("http://h/?q=A"), get("http://h/?q=a")},
		{"underscore is not a dash", get("http://h/a_b"), get("http://h/a-b")},
		{"underscore is not a slash", get("http://h/a_b"), get("http://h/a/b")},
		{"comma in a value is not two pairs", get("http://h/?q=a,b=1"), get("http://h/?b=1&q=a")},
		{"empty segment is not a dash", get("http://h/a//b"), get("http://h/a/-/b")},
		{"trailing slash matters", get("http://h/a/"), get("http://h/a")},
		{"two 2 KB queries differ", get(longQuery), get(longQuery[:len(longQuery)-1] + "b")},
		{"two 2 KB paths differ", get(longPath), get(longPath + "x")},
		{"values of a repeated key keep their order", get("http://h/?t=a&t=b"), get("http://h/?t=b&t=a")},
		{"port matters", get("http://h:8080/"), get("http://h:8081/")},
		{"https and http default ports differ", get("https://h/"), get("http://h/")},
		{"hosts that clean alike differ", get("http://a_b/"), get("http://a-b~/")},
		{"invalid UTF-8 hosts differ", spec{method: "GET", url: "/", host: "a\xff"}, spec{method: "GET", url: "/", host: "a\xfe"}},
		{"IPv6 hosts differ", get("http://[::1]/"), get("http://[::2]/")},
		{"method case matters", spec{method: "get", url: "http://h/"}, spec{method: "Get", url: "http://h/"}},
		{"methods differ", spec{method: "PUT", url: "http://h/"}, spec{method: "POST", url: "http://h/"}},
		{"unicode differs from its escape",
			get("http://h/?q=thé"), get("http://h/?q=th%C3%A9")},
		{"bodies differ", spec{method: "POST", url: "http://h/", body: "a"}, spec{method: "POST", url: "http://h/", body: "b"}},
		{"header values differ", withHeader("X-V: 1"), withHeader("X-V: 2")},
		{"order of a header's values matters", withHeader("X-V: 1", "X-V: 2"), withHeader("X-V: 2", "X-V: 1")},
		{"one header value is not two", withHeader("X-V: 1,2"), withHeader("X-V: 1", "X-V: 2")},
		{"empty header is not absent", withHeader("X-V: "), withHeader()},
	} {
		t.Run(tt.why, func(t *testing.T) {
			a, b := tt.a.name(t), tt.b.name(t)
			if strings.EqualFold(a, b) {
				t.Errorf("Name(%s) = %q, Name(%s) = %q; want names that differ in more than case", tt.a, a, tt.b, b)
			}
		})
	}
}

// withHeader is a GET with headers, where X-V is significant.
func withHeader(h ...string) spec {
	return spec{method: "GET", url: "http://h/", header: h, rules: Rules{Headers: []string{"X-V"}}}
}

// TestNamesEqual lists requests that must share a cassette.
func TestNamesEqual(t *testing.T) {
	for _, tt := range []struct {
		why  string
		a, b spec
	}{
		{"empty path is the root", get("http://h"), get("http://h/")},
		{"query order does not matter", get("http://h/?b=1&a=2"), get("http://h/?a=2&b=1")},
		{"empty query pairs do not matter", get("http://h/?a=1&&b=2&"), get("http://h/?a=1&b=2")},
		{"empty query is no query", get("http://h/a?"), get("http://h/a")},
		{"explicit default port is the default", get("https://h:443/"), get("https://h/")},
		{"host case does not matter", get("http://API.Example.com/"), get("http://api.example.com/")},
		{"IPv6 host case does not matter", get("http://[FE80::1]/"), get("http://[fe80::1]/")},
		{"ignored parameter does not matter",
			spec{method: "GET", url: "http://h/?ts=1&a=1", rules: Rules{IgnoreQuery: []string{"ts"}}},
			spec{method: "GET", url: "http://h/?a=1&ts=2", rules: Rules{IgnoreQuery: []string{"ts"}}}},
		{"ignored parameter is matched decoded",
			spec{method: "GET", url: "http://h/?%74s=1", rules: Rules{IgnoreQuery: []string{"ts"}}},
			get("http://h/")},
		{"client and server requests agree",
			get("http://h:8080/a%2Fb/c?x=1&y=%C3%A9"),
			spec{method: "GET", url: "/a%2Fb/c?x=1&y=%C3%A9", host: "h:8080"}},
		{"TLS means https for a server request",
			get("https://h/a"), spec{method: "GET", url: "/a", host: "h", tls: true}},
		{"header name case does not matter",
			spec{method: "GET", url: "http://h/", header: []string{"X-V: 1"}, rules: Rules{Headers: []string{"x-v"}}},
			spec{method: "GET", url: "http://h/", header: []string{"X-V: 1"}, rules: Rules{Headers: []string{"X-V", "X-v"}}}},
		{"absent significant header adds nothing",
			spec{method: "GET", url: "http://h/", header: []string{"X-V: 1"}, rules: Rules{Headers: []string{"X-V", "X-W"}}},
			withHeader("X-V: 1")},
		{"headers outside the rules do not matter", get("http://h/"),
			spec{method: "GET", url: "http://h/", header: []string{"User-Agent: x", "Date: y"}}},
		{"empty body is no body",
			spec{method: "POST", url: "http://h/"}, spec{method: "POST", url: "http://h/", body: ""}},
	} {
		t.Run(tt.why, func(t *testing.T) {
			a, b := tt.a.name(t), tt.b.name(t)
			if a != b {
				t.Errorf("Name(%s) = %q, Name(%s) = %q; want the same name", tt.a, a, tt.b, b)
			}
		})
	}
}

func TestNameDeterministic(t *testing.T) {
	for _, s := range goldenSpecs {
		a, b := s.name(t), s.name(t)
		if a != b {
			t.Errorf("Name(%s) = %q, then %q; want the same name twice", s, a, b)
		}
	}
}

func TestWithoutHost(t *testing.T) {
	for _, tt := range []struct {
		why, name, want string
	}{
		{"drops host and port", "GET_api.example.com_443_v1_users__page=2", "GET_v1_users__page=2"},
		{"root path leaves the method", "GET_h_80", "GET"},
		{"root path with query keeps the separator", "GET_h_80__q=1", "GET__q=1"},
		{"suffix after the port is kept", "POST_h_80~b########", "POST~b########"},
		{"hashed host is dropped", "GET_--1~eff8e7_8080_v1~u########", "GET_v1~u########"},
		{"two fields are not a name", "GET_h", "GET_h"},
		{"one field is not a name", "GET", "GET"},
		{"non-numeric port is not a name", "GET_v1_users", "GET_v1_users"},
		{"port followed by junk is not a name", "GET_h_80x_a", "GET_h_80x_a"},
		{"empty string is not a name", "", ""},
	} {
		t.Run(tt.why, func(t *testing.T) {
			if got := WithoutHost(tt.name); got != tt.want {
				t.Errorf("WithoutHost(%q) = %q, want %q", tt.name, got, tt.want)
			}
		})
	}
}

// TestWithoutHostAcrossHosts checks that one request sent to two hosts has
// one name without host, however long or odd it is.
func TestWithoutHostAcrossHosts(t *testing.T) {
	hosts := []string{"127.0.0.1:53124", "api.example.com", "[::1]:8080", strings.Repeat("long", 30) + ".example.com"}
	for _, s := range goldenSpecs {
		if s.host != "" {
			continue
		}
		want := WithoutHost(s.name(t))
		for _, h := range hosts {
			r := s.request(t)
			r.URL.Host, r.Host = h, h
			if got := WithoutHost(Name(r, []byte(s.body), s.rules)); got != want {
				t.Errorf("WithoutHost(Name(%s with host %s)) = %q, want %q", s, h, got, want)
			}
		}
	}
}

// TestNameLongest builds the longest name there is, and checks its length
// against the documented bound.
func TestNameLongest(t *testing.T) {
	r := get("http://x/").request(t)
	r.Method = "VERSION-CONTROL-EXTENDED"
	r.URL.Host = "[" + strings.Repeat("f", 100) + "::1]:65535"
	r.URL.Path = "/" + strings.Repeat("Long-Segment/", 50)
	r.URL.RawQuery = strings.Repeat("k=v&", 100)
	r.Header.Set("X-V", "1")
	name := Name(r, []byte("body"), Rules{Headers: []string{"X-V"}})
	if len(name) != 184 {
		t.Errorf("Name(longest request) = %q, %d bytes; want 184 bytes", name, len(name))
	}
	checkFileName(t, name)
}

// An empty User-Agent is how Go asks to send none, and what a reverse
// proxy forwards for a client that sent none: it names as absent.
func TestAnEmptyUserAgentIsAbsent(t *testing.T) {
	rules := Rules{Headers: []string{"User-Agent"}}
	r, _ := http.NewRequest("GET", "http://h/", nil)
	absent := Name(r, nil, rules)
	r.Header["User-Agent"] = []string{""}
	if got := Name(r, nil, rules); got != absent {
		t.Errorf("empty User-Agent named %s, absent %s", got, absent)
	}
	r.Header.Set("User-Agent", "curl/8")
	if Name(r, nil, rules) == absent {
		t.Errorf("a User-Agent made no difference")
	}
}
