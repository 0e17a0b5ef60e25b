package naming

import (
	"strings"
	"testing"
)

func TestNameHost(t *testing.T) {
	runNameTests(t, []nameTest{
		{"http default port is 80", get("http://example.com/"), "GET_example.com_80"},
		{"https default port is 443", get("https://example.com/"), "GET_example.com_443"},
		{"scheme case does not matter", get("HTTPS://example.com/"), "GET_example.com_443"},
		{"explicit port is shown", get("https://example.com:8443/"), "GET_example.com_8443"},
		{"explicit default port is shown as the default", get("http://example.com:80/"), "GET_example.com_80"},
		{"empty port is the default", get("http://example.com:/"), "GET_example.com_80"},
		{"server request takes the Host header", spec{method: "GET", url: "/", host: "example.com:9000"}, "GET_example.com_9000"},
		{"server request over TLS defaults to 443", spec{method: "GET", url: "/", host: "example.com", tls: true}, "GET_example.com_443"},
		{"server request without TLS defaults to 80", spec{method: "GET", url: "/", host: "example.com"}, "GET_example.com_80"},
		{"proxy request takes the URL host", spec{method: "GET", url: "http://api.example.com/", host: "proxy:3128"}, "GET_api.example.com_80"},
		{"host is lower-cased without loss", get("http://Example.COM/"), "GET_example.com_80"},
		{"IPv4 host is shown", get("http://127.0.0.1:8080/"), "GET_127.0.0.1_8080"},
		{"IPv6 host is cleaned and hashed", get("http://[::1]:8080/"), "GET_--1~######_8080"},
		{"IPv6 host without port defaults", get("https://[2001:db8::1]/"), "GET_2001-db8--1~######_443"},
		{"IPv6 zone, an interface of one machine, is left out", get("http://[fe80::1%25en0]/"), "GET_fe80--1~######_80"},
		{"underscore in host is cleaned and hashed", get("http://my_host/"), "GET_my-host~######_80"},
		{"unicode host is cleaned and hashed", get("http://bücher.example/"), "GET_b-cher.example~######_80"},
		{"long host is cut and hashed", get("http://" + strings.Repeat("a", 60) + ".example/"),
			"GET_" + strings.Repeat("a", 48) + "~######_80"},
		{"48-byte host is shown whole", get("http://" + strings.Repeat("a", 40) + ".example/"),
			"GET_" + strings.Repeat("a", 40) + ".example_80"},
	})
}

func TestNameOddHosts(t *testing.T) {
	for _, tt := range []struct {
		why, host, want string
	}{
		{"empty host is a dash and hashed", "", "GET_-~######_80"},
		{"bare IPv6 address has no port", "::1", "GET_--1~######_80"},
		{"port of 6 digits is part of the host", "h:123456", "GET_h-123456~######_80"},
		{"non-numeric port is part of the host", "h:http", "GET_h-http~######_80"},
		{"junk after brackets is part of the host", "[::1]x", "GET_---1-x~######_80"},
		{"unclosed bracket is part of the host", "[::1", "GET_---1~######_80"},
		{"invalid UTF-8 is one dash a byte", "a\xff\xfe", "GET_a--~######_80"},
	} {
		t.Run(tt.why, func(t *testing.T) {
			r := get("http://x/").request(t)
			r.URL.Host, r.Host = "", tt.host
			if got := Name(r, nil, Rules{}); !matchName(got, tt.want) {
				t.Errorf("Name(GET / Host=%s) = %q, want %q", tt.host, got, tt.want)
			}
		})
	}
}

// A zone names an interface of the machine that sent the request (en0 on
// a Mac, eth0 on Linux), which Go's client leaves out of the Host header:
// a request named with it got another name on the server, through
// srv.Client(), than in process, and one recorded on one machine missed on
// another. Every spelling of one address is one name.
func TestNameLeavesOutTheZone(t *testing.T) {
	want := get("http://[fe80::1]:8080/x").name(t)
	for _, s := range []spec{
		get("http://[fe80::1%25en0]:8080/x"),
		get("http://[fe80::1%25eth0]:8080/x"),
		get("http://[FE80::1%25Eth0]:8080/x"),
		{method: "GET", url: "/x", host: "[fe80::1]:8080"}, // as the server sees it
	} {
		if got := s.name(t); got != want {
			t.Errorf("Name(%v) = %q, want %q, the name of [fe80::1]:8080", s, got, want)
		}
	}
	// Not every '%' is a zone: a host that is no IPv6 address keeps it.
	if a, b := get("http://a%25b/").name(t), get("http://a/").name(t); a == b {
		t.Errorf("Name(http://a%%25b/) = Name(http://a/) = %q: only an IPv6 address has a zone", a)
	}
	// Nor is what follows a '%' in a host that does not parse (a raw
	// request's Host): two such hosts never share a name.
	for _, pair := range [][2]string{{"[::1%a]x", "[::1%b]y"}, {"a:b%c", "a:b%d"}, {"[fe80::1%en0", "[fe80::1%eth0"}} {
		a := spec{method: "GET", url: "/", host: pair[0]}
		b := spec{method: "GET", url: "/", host: pair[1]}
		if na, nb := a.name(t), b.name(t); na == nb {
			t.Errorf("Name(Host %q) = Name(Host %q) = %q: hosts that are no IPv6 address keep what follows their '%%'", pair[0], pair[1], na)
		}
	}
}
