// Package headerkey finds a header field that a client set under a key not
// in canonical form (req.Header["content-type"] = ..., as some SDKs do): Go
// sends such a key as it is, and a server reads it in canonical form, so
// what is named or redacted from a client's request must see it too.
package headerkey

import (
	"net/http"
	"net/textproto"
	"slices"
	"strings"
)

// Values returns the values of the field k (in canonical form) in h, as
// a server reads them once Go sent h: those of every key that is k in
// another case, h[k] included, in the order of their sorted keys (Go
// writes a header's keys sorted; a server appends the values of each line
// to its canonical key). It allocates only when the field is set under
// more than one key.
func Values(h http.Header, k string) []string {
	var keys []string
	only := "" // the one key found, while it is the only one
	for hk := range h {
		if len(hk) != len(k) || !strings.EqualFold(hk, k) || len(h[hk]) == 0 {
			continue
		}
		switch {
		case keys != nil:
			keys = append(keys, hk)
		case only == "":
			only = hk
		default:
			keys = []string{only, hk}
		}
	}
	if keys == nil {
		if only == "" {
			return nil
		}
		return h[only]
	}
	slices.Sort(keys)
	var vs []string
	for _, hk := range keys {
		vs = append(vs, h[hk]...)
	}
	return vs
}

// Fields finds the fields of one header as [Values] does, without
// looking at every key for each field when every key of the header is in
// canonical form, as they are unless a client set one in another case.
// The header must not change while a Fields is used.
type Fields struct {
	h         http.Header
	canonical bool // every key of h is in canonical form
}

// NewFields returns the Fields of h, looking at each of its keys once.
func NewFields(h http.Header) Fields {
	for hk := range h {
		if !isCanonical(hk) {
			return Fields{h: h}
		}
	}
	return Fields{h: h, canonical: true}
}

// Values returns [Values](h, k) for the header h of f.
func (f Fields) Values(k string) []string {
	if f.canonical && isCanonical(k) {
		// No other key is k in another case: two keys that differ in
		// ASCII case only are not both in canonical form.
		if vs := f.h[k]; len(vs) > 0 {
			return vs
		}
		return nil
	}
	return Values(f.h, k)
}

// Get returns [Get](h, k) for the header h of f.
func (f Fields) Get(k string) string {
	if vs := f.Values(k); len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// isCanonical reports whether k is ASCII and its letters are in the case
// http.CanonicalHeaderKey gives them: upper case first and after each
// '-', lower case elsewhere.
func isCanonical(k string) bool {
	upper := true
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c >= 0x80 || upper && 'a' <= c && c <= 'z' || !upper && 'A' <= c && c <= 'Z' {
			return false
		}
		upper = c == '-'
	}
	return true
}

// Get returns the first value of the field k (in canonical form) in h, as
// [Values] finds it, or "".
func Get(h http.Header, k string) string {
	if vs := Values(h, k); len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// sentApart are the fields Go's client does not send as the values of
// their keys (the Host header, a single User-Agent, framing): merging
// their spellings would change what is sent.
var sentApart = map[string]bool{
	"Host":              true,
	"User-Agent":        true,
	"Content-Length":    true,
	"Transfer-Encoding": true,
	"Trailer":           true,
}

// Merged returns h with each field set under several keys (Set("X-Key"),
// then h["x-key"]) under its canonical key alone, with the values
// [Values] gives it: what a server reads of h sent over HTTP/1.1, where
// Go writes the keys sorted. Sent over HTTP/2, h itself would reach the
// server with the values of such a field in the order of a map's
// iteration, another on each run. The fields Go does not send as the
// values of their keys (Host, User-Agent, Content-Length,
// Transfer-Encoding, Trailer) are left as they are (a User-Agent is
// merged by [MergedUserAgent]). Merged returns h
// itself and false, without allocating, when no other field is set under
// several keys, and a copy and true otherwise: h is not modified.
func Merged(h http.Header) (http.Header, bool) {
	var twice []string // canonical keys set under several keys
	for hk, vs := range h {
		if len(vs) == 0 {
			continue
		}
		for other, ovs := range h {
			if other <= hk || len(ovs) == 0 || len(other) != len(hk) || !strings.EqualFold(other, hk) {
				continue
			}
			// Only now, with a field found twice, is hk made canonical,
			// which allocates when it is not.
			if ck := http.CanonicalHeaderKey(hk); !sentApart[ck] && !slices.Contains(twice, ck) {
				twice = append(twice, ck)
			}
			break
		}
	}
	if twice == nil {
		return h, false
	}
	m := h.Clone()
	for _, ck := range twice {
		vs := Values(h, ck)
		for hk := range m {
			if len(hk) == len(ck) && strings.EqualFold(hk, ck) {
				delete(m, hk)
			}
		}
		m[ck] = vs
	}
	return m, true
}

// The User-Agents Go's client sends of its own when a request sets none:
// over HTTP/1.1 and over HTTP/2. A test never chose them.
const (
	GoAgent1 = "Go-http-client/1.1"
	GoAgent2 = "Go-http-client/2.0"
)

// IsGoAgent reports whether v, without the spaces around it, is one of
// Go's own User-Agents.
func IsGoAgent(v string) bool {
	v = textproto.TrimString(v)
	return v == GoAgent1 || v == GoAgent2
}

// UserAgent returns the User-Agent of h that a server reads first once
// Go's client sent h, as a server reads it over HTTP/1.1 or HTTP/2 alike,
// without the spaces around it; ok is false when that is none, blank or
// one of Go's own (GoAgent1, GoAgent2).
//
// Go's client sends of the key User-Agent its first value alone, none
// when that is empty, and its own agent when the key is absent (over
// HTTP/1.1 even when another spelling is set); another spelling of the
// key ("user-agent") goes as another field, after the User-Agent line
// over HTTP/1.1 with every value, and over HTTP/2 with its first value
// alone. So UserAgent takes the values of the key User-Agent (none when
// the first is empty; Go's own when the key is absent, as over
// HTTP/1.1), then those of the other spellings in the order of their
// keys sorted, leaves out the first when it is one of Go's own and
// another follows (a server's reading over HTTP/1.1 of user-agent: y is
// "Go-http-client/1.1", "y"), and returns the first that is left. The
// requests it reads otherwise than Go sends them set one of Go's own
// agents followed by another value (User-Agent: Go-http-client/1.1, y,
// of which Go sends its own alone). When the field is set under several
// keys, over HTTP/2 Go's client sends them in a random order: see
// [MergedUserAgent].
func UserAgent(h http.Header) (string, bool) { return userAgent(h, true) }

// UserAgent returns [UserAgent](h) for the header h of f.
func (f Fields) UserAgent() (string, bool) { return userAgent(f.h, !f.canonical) }

// userAgent is UserAgent; others is false when h holds no spelling of
// the key other than User-Agent.
func userAgent(h http.Header, others bool) (string, bool) {
	var vs [2]string // the first values sent
	n := 0
	if c, ok := h["User-Agent"]; !ok {
		vs[0], n = GoAgent1, 1 // Go's HTTP/1.1 client sends its own first
	} else if len(c) > 0 && c[0] != "" {
		n = copy(vs[:], c)
	}
	if n < len(vs) && others {
		var keys []string
		for hk := range h {
			if hk != "User-Agent" && len(hk) == len("User-Agent") && strings.EqualFold(hk, "User-Agent") {
				keys = append(keys, hk)
			}
		}
		slices.Sort(keys)
		for _, hk := range keys {
			n += copy(vs[n:], h[hk])
		}
	}
	if n == 0 {
		return "", false
	}
	v := vs[0]
	if n > 1 && IsGoAgent(v) {
		v = vs[1]
	}
	if v = textproto.TrimString(v); v == "" || IsGoAgent(v) {
		return "", false
	}
	return v, true
}

// MergedUserAgent returns h with a User-Agent set under several keys
// (Set("User-Agent"), then h["user-agent"]) under its canonical key
// alone, with the one value [UserAgent] gives it (an empty one, which Go
// sends as none, when it gives none): sent over HTTP/2, h itself would
// reach the server with the values of each key in the order of a map's
// iteration, another on each run. It returns h itself and false, without
// allocating, when the field is set under one key at most, and a copy
// and true otherwise: h is not modified.
func MergedUserAgent(h http.Header) (http.Header, bool) {
	keys := 0
	for hk := range h {
		if len(hk) == len("User-Agent") && strings.EqualFold(hk, "User-Agent") {
			keys++
		}
	}
	if keys < 2 {
		return h, false
	}
	v, _ := UserAgent(h)
	m := h.Clone()
	for hk := range m {
		if len(hk) == len("User-Agent") && strings.EqualFold(hk, "User-Agent") {
			delete(m, hk)
		}
	}
	m["User-Agent"] = []string{v}
	return m, true
}

// WithoutMoved returns h without the fields a server never finds among a
// request's header fields, under any spelling of their keys: Host, which
// Go's server moves to Request.Host (and Go's client sends from
// Request.Host or the URL, never from the header), and Transfer-Encoding,
// which it drops once it has read the body so. A request recorded on the
// wire (a HAR of HTTP/1.1) holds them, and a request a caller sends in
// process may (Go's client sends neither from the header); named with
// them, it would be named as no request reaching a server is (naming
// leaves them out).
// WithoutMoved returns h itself when it has neither, and a copy otherwise:
// h is not modified.
func WithoutMoved(h http.Header) http.Header {
	return without(h, nil, func(_ []string, k string) bool {
		return strings.EqualFold(k, "Host") || strings.EqualFold(k, "Transfer-Encoding")
	})
}

// without returns h without the fields whose keys drop reports, given
// arg, h itself when it has none, and a copy otherwise.
func without(h http.Header, arg []string, drop func(arg []string, k string) bool) http.Header {
	var out http.Header
	for k := range h {
		if !drop(arg, k) {
			continue
		}
		if out == nil {
			out = h.Clone()
		}
		delete(out, k)
	}
	if out == nil {
		return h
	}
	return out
}

// hopByHop are the request fields that describe the connection a request
// came on, not the request, in canonical form: httputil.ReverseProxy
// removes them, so no request recorded through a proxy (recorder.New,
// replayserver.New recording, cassette record) holds them. Transfer-
// Encoding, hop-by-hop too, is one of the fields WithoutMoved removes.
var hopByHop = [...]string{
	"Connection",
	"Keep-Alive",
	"Proxy-Authenticate",
	"Proxy-Authorization",
	"Proxy-Connection",
	"Te",
	"Trailer",
	"Upgrade",
}

// HopByHop reports whether the field k, in any case, is always
// hop-by-hop: Connection, Keep-Alive, Proxy-Authenticate,
// Proxy-Authorization, Proxy-Connection, TE, Trailer or Upgrade. A proxy
// does not pass it on: it never reaches the API behind one.
func HopByHop(k string) bool {
	for _, f := range hopByHop {
		if len(f) == len(k) && strings.EqualFold(f, k) {
			return true
		}
	}
	return false
}

// WithoutHopByHop returns h without its hop-by-hop fields, under any
// spelling of their keys: those [HopByHop] reports, and those its
// Connection field names (its values as a server reads them, see
// [Values]; "Connection: keep-alive, X-Tenant" names X-Tenant). That is
// the header of a request as httputil.ReverseProxy forwards it, but for
// "TE: trailers" and the Upgrade of a protocol upgrade, which it sends
// anew. WithoutHopByHop returns h itself when it has none, and a copy
// otherwise: h is not modified.
func WithoutHopByHop(h http.Header) http.Header {
	return without(h, Values(h, "Connection"), func(listed []string, k string) bool {
		return HopByHop(k) || connectionNames(listed, k)
	})
}

// Lists reports whether the comma-separated values of a field that lists
// field names (Connection, Trailer) name the field k, in any case.
func Lists(values []string, k string) bool { return connectionNames(values, k) }

// connectionNames reports whether the values of a Connection field name
// the field k, in any case.
func connectionNames(connection []string, k string) bool {
	for _, v := range connection {
		for f := range strings.SplitSeq(v, ",") {
			if f = textproto.TrimString(f); len(f) == len(k) && strings.EqualFold(f, k) {
				return true
			}
		}
	}
	return false
}
