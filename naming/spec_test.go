package naming

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// A spec describes a request for a test, and prints as one line.
type spec struct {
	method string
	url    string   // client request: the absolute URL; server request: the request target
	host   string   // server request: the Host header; "" for a client request
	header []string // "Name: value", in order
	body   string
	tls    bool
	rules  Rules
}

// get is a client GET of rawURL.
func get(rawURL string) spec { return spec{method: "GET", url: rawURL} }

// String prints s on one line, long URLs shortened.
func (s spec) String() string {
	var b strings.Builder
	if s.host != "" {
		b.WriteString("server ")
	}
	b.WriteString(s.method + " " + shorten(s.url))
	if s.host != "" {
		b.WriteString(" Host=" + s.host)
	}
	if s.tls {
		b.WriteString(" tls")
	}
	for _, h := range s.header {
		b.WriteString(" [" + h + "]")
	}
	if s.body != "" {
		fmt.Fprintf(&b, " body=%q", s.body)
	}
	if len(s.rules.Headers) > 0 {
		b.WriteString(" headers=" + strings.Join(s.rules.Headers, ","))
	}
	if len(s.rules.IgnoreQuery) > 0 {
		b.WriteString(" ignore=" + strings.Join(s.rules.IgnoreQuery, ","))
	}
	if len(s.rules.Bodies) > 0 {
		var bodies []string
		for _, k := range slices.Sorted(maps.Keys(s.rules.Bodies)) {
			bodies = append(bodies, k+":"+funcName(s.rules.Bodies[k]))
		}
		b.WriteString(" bodies=" + strings.Join(bodies, ","))
	}
	for _, r := range s.rules.Routes {
		fmt.Fprintf(&b, " route=%q", r.Pattern)
	}
	return b.String()
}

// funcName returns the name of a body rule, without its package path:
// "naming.JSONBody".
func funcName(f BodyRule) string {
	if f == nil {
		return "nil"
	}
	name := runtime.FuncForPC(reflect.ValueOf(f).Pointer()).Name()
	return name[strings.LastIndexByte(name, '/')+1:]
}

// shorten abbreviates a URL too long to read in a test log.
func shorten(u string) string {
	if len(u) <= 100 {
		return u
	}
	return fmt.Sprintf("%s...%s (%d bytes)", u[:60], u[len(u)-20:], len(u))
}

// request builds the request s describes: a client request built by hand
// (so that any method goes), or a server request parsed from the wire.
func (s spec) request(t testing.TB) *http.Request {
	t.Helper()
	var r *http.Request
	if s.host != "" {
		var raw strings.Builder
		fmt.Fprintf(&raw, "%s %s HTTP/1.1\r\nHost: %s\r\n", s.method, s.url, s.host)
		for _, h := range s.header {
			raw.WriteString(h + "\r\n")
		}
		raw.WriteString("\r\n")
		var err error
		r, err = http.ReadRequest(bufio.NewReader(strings.NewReader(raw.String())))
		if err != nil {
			t.Fatalf("read request %s: %v", s, err)
		}
	} else {
		u, err := url.Parse(s.url)
		if err != nil {
			t.Fatalf("parse %s: %v", s, err)
		}
		r = &http.Request{Method: s.method, URL: u, Host: u.Host, Header: make(http.Header)}
		for _, h := range s.header {
			k, v, _ := strings.Cut(h, ":")
			r.Header.Add(k, strings.TrimSpace(v))
		}
	}
	if s.tls {
		r.TLS = &tls.ConnectionState{}
	}
	return r
}

// name returns the name of the request s describes.
func (s spec) name(t testing.TB) string {
	t.Helper()
	var body []byte
	if s.body != "" {
		body = []byte(s.body)
	}
	return Name(s.request(t), body, s.rules)
}

// checkFileName fails t unless name is safe as a file name everywhere.
func checkFileName(t testing.TB, name string) {
	t.Helper()
	if name == "" || len(name) > 200 {
		t.Errorf("name %q: length %d, want 1 to 200", name, len(name))
	}
	for _, c := range []byte(name) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(".-_=,~%+", c) >= 0) {
			t.Errorf("name %q holds %q", name, c)
			break
		}
	}
	if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "-") {
		t.Errorf("name %q starts with %q", name, name[:1])
	}
	if strings.HasSuffix(name, ".") {
		t.Errorf("name %q ends with \".\" (dropped on Windows)", name)
	}
	base, _, _ := strings.Cut(strings.ToUpper(name), ".")
	switch base {
	case "CON", "PRN", "AUX", "NUL",
		"COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
		"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9":
		t.Errorf("name %q is a Windows device name", name)
	}
}
