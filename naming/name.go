package naming

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/cassette-go/cassette/internal/headerkey"
)

// Rules say which parts of a request, beyond method, host, port, path and
// query, tell cassettes apart. The zero Rules is valid and equal to
// [Default].
//
// Rules are values: copying them is safe, and they are safe for concurrent
// use as long as nobody modifies their slices and maps and every
// [BodyRule] in them is safe for concurrent use (the predefined ones are).
type Rules struct {
	// Headers are the significant request headers, in any case (here and
	// in the request's Header, whose keys a client may set in a form that
	// is not canonical). Their values (all of them, in order; of a header
	// set under several spellings of its key, those of each key in the
	// order of the keys sorted; each without the spaces around it: as a
	// server reads them) are hashed into the "~h" suffix. A
	// header absent from the request adds nothing to the hash, so a request
	// that has none of them gets no "~h" suffix. A User-Agent counts as the
	// one value a server reads first, over HTTP/1.1 and HTTP/2 alike, once
	// Go's client sent it: the first value of User-Agent (Go sends no
	// other), else, when it has none or an empty one, the first of another
	// spelling of the key ("user-agent"; the keys sorted). Go's own agents
	// (Go-http-client/1.1 and /2.0, which it sends for a request that sets
	// none) count as absent, as an empty value (how Go asks to send none)
	// does, and are passed over when a value follows (over HTTP/1.1 a
	// server reads "Go-http-client/1.1", "y" of user-agent: y alone). A
	// User-Agent set under several keys reaches a server in a random order
	// over HTTP/2 from any client but srv.Client(). A Cookie counts as one
	// value, its cookie-pairs joined by "; " however the client split them
	// into values and spaced them (as a server reads it over HTTP/2, where
	// each pair travels alone), and one that holds no pair as absent.
	// Default: none, so headers
	// that change on every run (Date, User-Agent, signatures, request ids)
	// never change a name. Range always counts, named here or not: a
	// range of a resource is another answer than the whole, or another
	// range. A hop-by-hop field never counts, named here or not, nor is
	// it read by a body rule: Connection, Keep-Alive, Proxy-Authenticate,
	// Proxy-Authorization, Proxy-Connection, TE, Trailer, Upgrade, and
	// every field the request's Connection names ("Connection: X-Tenant").
	// It describes the connection, not the request: a proxy does not pass
	// it on, so a request recorded through one (recorder.New, a recording
	// replay server, cassette record) never holds it, and a request is
	// named as it reaches the API, however it is sent or replayed. Nor do
	// Host and Transfer-Encoding count, which a server never finds among
	// a request's header fields (Go's server moves Host to Request.Host,
	// and drops Transfer-Encoding), though a caller may set them in the
	// Header of a request sent in process (Go's client sends neither so).
	// [Rules.Validate] refuses these fields here, but those Connection
	// names.
	Headers []string

	// IgnoreQuery lists query parameter names, matched exactly against the
	// decoded name, that are left out of the name (cache busters,
	// timestamps). Default: none.
	IgnoreQuery []string

	// Bodies are the body rules by media type: the request's Content-Type
	// without parameters, in lower case ("application/json"). A request
	// takes the rule of its media type; else, for a media type with a
	// structured syntax suffix ("application/vnd.api+json"), the rule of
	// the suffix ("+json"); else the rule of its type ("multipart/*" for
	// any multipart body); else the rule of "", else that of "*/*", the
	// fallbacks for any media type, a missing Content-Type included. A nil
	// map, no matching key or a nil rule mean [ExactBody]. Keys are
	// matched as they are: write them in lower case, without parameters,
	// with a "*" only in "type/*" and "*/*", and give one of "" and "*/*"
	// ([Rules.Validate] reports a key that selects the body of no
	// well-formed media type, and replayserver and recorder refuse rules
	// that hold one).
	Bodies map[string]BodyRule

	// Routes give the rules for the requests their patterns match, instead
	// of the rules above: the first route whose pattern matches a request
	// wins, and its Rules are used whole (a route that names no headers
	// has none, whatever Headers above says). The Routes of a route's
	// Rules are not consulted. Default: none. See [Route] and [Rules.For].
	Routes []Route
}

// Default returns the default rules: no significant headers, every query
// parameter significant, the request body hashed as it is when it is not
// empty, no routes.
func Default() Rules { return Rules{} }

// maxTail is the longest path and query part of a name, in bytes. It does
// not depend on the method or host, so that [WithoutHost] gives one answer
// for one request sent to any host.
const maxTail = 80

// maxName is the longest name there is, in bytes (see the package
// documentation): a name is built in a buffer of this size on the stack.
const maxName = 184

// Name returns the cassette name of r, whose body is body (r.Body is not
// read). The rules that apply are rules.For(r): those of the first route
// that matches r, else rules; the "~b" suffix hashes
// rules.CanonicalBody(r, body). The host is r.URL.Host when set (a
// client-side or proxy request), else r.Host; the port is the explicit
// one or the scheme's default (443 for https or, when r.URL.Scheme is
// empty, when r.TLS is set; else 80). The header is read as it reaches
// the API through a proxy: its hop-by-hop fields count as absent (see
// [Rules.Headers]). An empty method means GET. A nil r or r.URL counts as
// empty. The format is specified in the package documentation.
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
	rules = rules.route(method, path)

	var pairsBuf [16]queryPair
	query := significantQuery(pairsBuf[:0], u.RawQuery, rules.IgnoreQuery)

	var buf [maxName]byte
	b, lossy := appendMethod(buf[:0], method)
	b = append(b, '_')
	b = appendHost(b, r, u)
	b = append(b, '_')
	b = appendPort(b, r, u)
	b, lossyTail := appendTail(b, path, query)
	lossy = lossy || lossyTail || b[len(b)-1] == '.'

	fields := headerkey.NewFields(r.Header) // each key looked at once
	if len(rules.Headers) > 0 || len(rules.Bodies) > 0 || len(fields.Values("Range")) > 0 {
		// The header is read: as it reaches the API (see reached). Of
		// any other request only the URL and body count.
		if rr := asReached(r); rr != r {
			r = rr
			fields = headerkey.NewFields(r.Header)
		}
	}
	headers := rules.Headers
	if len(fields.Values("Range")) > 0 {
		// A range is another answer: always significant, under any key
		// a client set it (a server reads "range" as Range).
		var namesBuf [8]string
		headers = append(append(namesBuf[:0], headers...), "Range")
	}
	b = appendHeaderHash(b, fields, headers)
	if cb := rules.canonicalBody(r, fields, body); cb != nil {
		b = append(b, "~b"...)
		b = appendBodyHash(b, cb)
	}
	if lossy {
		b = append(b, "~u"...)
		b = appendURLHash(b, method, path, query)
	}
	return string(b)
}

// reached returns the header h as it reaches the API through a proxy,
// the recording servers included: without its hop-by-hop fields (see
// headerkey.WithoutHopByHop), which a proxy does not pass on. A request
// recorded through a proxy is named without them, so every request is:
// replayed through a server or in process, or recorded in process, it
// gets the name it gets through a proxy. Nor does it hold Host and
// Transfer-Encoding (see headerkey.WithoutMoved), which no server finds
// among a request's header fields, and which a caller may have set in
// process (Go's client sends neither so). It returns h itself when
// nothing is left out.
func reached(h http.Header) http.Header {
	return headerkey.WithoutMoved(headerkey.WithoutHopByHop(h))
}

// asReached returns r, or, when its header holds fields that do not reach
// the API (see reached), a copy of r with the header that does.
func asReached(r *http.Request) *http.Request {
	if r == nil {
		return nil
	}
	// A header without some of its keys has fewer of them.
	if h := reached(r.Header); len(h) != len(r.Header) {
		c := *r
		c.Header = h
		return &c
	}
	return r
}

// appendTail appends the path and query part of a name, cut to maxTail
// bytes, and reports whether it lost information. It stops rendering as
// soon as the part is known to be cut: a cut is lossy whatever follows.
func appendTail(b []byte, path string, query []queryPair) ([]byte, bool) {
	start := len(b)
	limit := start + maxTail
	b, lossyPath := appendPath(b, path, limit)
	lossyQuery := false
	if len(b) <= limit {
		b, lossyQuery = appendQuery(b, query, limit)
	}
	if len(b) <= limit {
		return b, lossyPath || lossyQuery
	}
	return cutTail(b, start), true
}

// cutTail cuts the tail that starts at b[start:] to maxTail bytes. A cut
// tail does not end in a separator or inside a %XX escape.
func cutTail(b []byte, start int) []byte {
	b = b[:start+maxTail]
	for i := len(b) - 1; i >= len(b)-2; i-- {
		if b[i] == '%' {
			b = b[:i]
			break
		}
	}
	for len(b) > start && (b[len(b)-1] == '_' || b[len(b)-1] == ',') {
		b = b[:len(b)-1]
	}
	return b
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
