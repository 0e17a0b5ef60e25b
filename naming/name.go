package naming

import (
	"net/http"
	"net/url"
	"strings"
)

// Rules say which parts of a request, beyond method, host, port, path and
// query, tell cassettes apart. The zero Rules is valid and equal to
// [Default]. Rules are values: copying them is safe, and they are safe for
// concurrent use as long as nobody modifies the slices.
type Rules struct {
	// Headers are the significant request headers, in any case. Their
	// values (all of them, in order) are hashed into the "~h" suffix. A
	// header absent from the request adds nothing to the hash, so a request
	// that has none of them gets no "~h" suffix. Default: none, so headers
	// that change on every run (Date, User-Agent, signatures, request ids)
	// never change a name.
	Headers []string

	// IgnoreQuery lists query parameter names, matched exactly against the
	// decoded name, that are left out of the name (cache busters,
	// timestamps). Default: none.
	IgnoreQuery []string
}

// Default returns the default rules: no significant headers, every query
// parameter significant, the request body hashed when it is not empty.
func Default() Rules { return Rules{} }

// maxTail is the longest path and query part of a name, in bytes. It does
// not depend on the method or host, so that [WithoutHost] gives one answer
// for one request sent to any host.
const maxTail = 80

// Name returns the cassette name of r, whose body is body (r.Body is not
// read). The host is r.URL.Host when set (a client-side or proxy request),
// else r.Host; the port is the explicit one or the scheme's default (443
// for https or, when r.URL.Scheme is empty, when r.TLS is set; else 80).
// An empty method means GET. A nil r or r.URL counts as empty. The format
// is specified in the package documentation.
func Name(r *http.Request, body []byte, rules Rules) string {
	if r == nil {
		r = new(http.Request)
	}
	u := r.URL
	if u == nil {
		u = new(url.URL)
	}
	method := requestMethod(r.Method)
	path := requestPath(u)
	query := significantQuery(u.RawQuery, rules.IgnoreQuery)

	mfield, lossyMethod := methodField(method)
	tail, lossyTail := tailField(path, query)
	readable := mfield + "_" + hostField(r, u) + "_" + portField(r, u) + tail
	lossy := lossyMethod || lossyTail || strings.HasSuffix(readable, ".")

	var b strings.Builder
	b.WriteString(readable)
	if h, ok := headerHash(r.Header, rules.Headers); ok {
		b.WriteString("~h" + h)
	}
	if len(body) > 0 {
		b.WriteString("~b" + bodyHash(body))
	}
	if lossy {
		b.WriteString("~u" + urlHash(method, path, query))
	}
	return b.String()
}

// tailField renders the path and query part of a name, cut to maxTail
// bytes, and reports whether it lost information.
func tailField(path string, query []string) (string, bool) {
	p, lossyPath := pathField(path)
	q, lossyQuery := queryField(query)
	tail, cut := cutTail(p + q)
	return tail, lossyPath || lossyQuery || cut
}

// cutTail cuts tail to maxTail bytes, and reports whether it did. A cut
// tail does not end in a separator or inside a %XX escape.
func cutTail(tail string) (string, bool) {
	if len(tail) <= maxTail {
		return tail, false
	}
	t := tail[:maxTail]
	if i := strings.LastIndexByte(t, '%'); i >= len(t)-2 {
		t = t[:i]
	}
	return strings.TrimRight(t, "_,"), true
}

// WithoutHost returns name with its host and port fields removed:
// "GET_api.example.com_443_v1_users__page=2" becomes
// "GET_v1_users__page=2", and "GET_example.com_80~b0a1b2c3d" becomes
// "GET~b0a1b2c3d". The replay server uses it to match a request sent to
// its own address (whose host says nothing about the API it stands for)
// against cassettes from any recorded host; the names of one request sent
// to two hosts give the same result. For a string that is not a name (no
// method, host and all-digit port fields) it returns name unchanged.
func WithoutHost(name string) string {
	method, rest, ok := strings.Cut(name, "_")
	if !ok {
		return name
	}
	_, rest, ok = strings.Cut(rest, "_") // the host field holds no "_"
	if !ok {
		return name
	}
	n := digits(rest)
	if n == 0 {
		return name
	}
	if after := rest[n:]; after == "" || after[0] == '_' || after[0] == '~' {
		return method + after
	}
	return name
}

// digits returns the length of the run of ASCII digits that starts s.
func digits(s string) int {
	n := 0
	for n < len(s) && '0' <= s[n] && s[n] <= '9' {
		n++
	}
	return n
}
