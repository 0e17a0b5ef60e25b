package naming

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"

	"github.com/cassette-go/cassette/internal/headerkey"
)

// A Route gives the rules for the requests its pattern matches.
//
// Pattern is written as for net/http.ServeMux, without a host: an optional
// method, spaces, then a path. "POST /v1/search" matches POST requests of
// /v1/search, and "/v1/search" requests of any method; "GET" matches HEAD
// requests too. A path segment "{name}" matches any one segment
// ("/v1/items/{id}"); a last segment "{name...}" matches the rest of the
// path, at least the "/" that starts it ("/v1/files/{path...}" matches
// /v1/files/ and /v1/files/a/b); a path that ends in "/" matches its whole
// subtree ("/v1/" matches /v1/ and /v1/users/42, not /v1); a last segment
// "{$}" matches the end of a path that ends in "/" ("/v1/{$}" matches only
// /v1/). Segments are compared unescaped, so "/a%2Fb" in a pattern or a
// request is the one segment "a/b". Unlike ServeMux, paths are matched as
// they are sent, not cleaned first, and the first route that matches wins
// rather than the most specific one: list narrow routes first.
//
// A route whose pattern is invalid matches no request; [Rules.Validate]
// reports it.
type Route struct {
	// Pattern is written as for http.ServeMux: "POST /v1/items/{id}".
	Pattern string
	// Rules are used whole, instead of the enclosing rules; their Routes
	// are not consulted.
	Rules Rules
}

// Route returns a copy of r with a route appended: rr applies to the
// requests that pattern matches and that no earlier route matches. r is
// not modified.
func (r Rules) Route(pattern string, rr Rules) Rules {
	r.Routes = append(slices.Clip(r.Routes), Route{Pattern: pattern, Rules: rr})
	return r
}

// Validate reports what in r cannot work as written: invalid route
// patterns (they match nothing), routes inside a route's rules (they are
// not consulted), names in Headers that are no header names (not an HTTP
// token, as "X Tenant" or "X-Tenant:": no request carries them, so they
// tell no request from another), names in Headers of fields that are
// always hop-by-hop (Connection, Keep-Alive, Proxy-Authenticate,
// Proxy-Authorization, Proxy-Connection, TE, Trailer, Upgrade, in any
// case: they never reach the API, and Name leaves them out, see
// [Rules.Headers]), Host (the host is part of every name already) and
// Transfer-Encoding (no server finds it among a request's header fields),
// which Name leaves out too, and keys of Bodies that select the body of no
// well-formed media type (a type and a subtype that are tokens without
// "*", the type without "+", the subtype not ending in "+"). A key of
// Bodies is matched as it is against a request's media type, the
// "+suffix" after its last "+", and its "type/*" (see [Rules.Bodies]), so
// the keys that select such bodies are a media type in lower case without
// parameters ("application/json"), a suffix ("+json"), a whole type
// ("multipart/*"), "" and "*/*". Any other key is reported: one with
// parameters or in upper case selects nothing; one with a "*" elsewhere
// (as "application/*+json" or "*/json"), a suffix that is empty or holds
// "+" or "/", no "/", or a type or subtype that is empty or not a token
// selects only bodies whose Content-Type is malformed ("json" those of
// "Content-Type: json", "+" those of a subtype ending in "+"). "*/*"
// beside "" (looked up first) selects nothing unless both rules are nil.
// Each error names the key and the forms that select bodies. Name never fails on such rules; Validate lets a program
// that takes rules fail early with a clear error, as replayserver and
// recorder do when given them.
func (r Rules) Validate() error {
	errs := validateHeaders("", r.Headers)
	errs = append(errs, validateBodies("", r.Bodies)...)
	for i, rt := range r.Routes {
		where := fmt.Sprintf("route %d %q", i, rt.Pattern)
		if reason := checkPattern(rt.Pattern); reason != "" {
			errs = append(errs, fmt.Errorf("%s: %s", where, reason))
		}
		if len(rt.Rules.Routes) > 0 {
			errs = append(errs, fmt.Errorf("%s: routes inside a route are not consulted", where))
		}
		errs = append(errs, validateHeaders(where+": ", rt.Rules.Headers)...)
		errs = append(errs, validateBodies(where+": ", rt.Rules.Bodies)...)
	}
	return errors.Join(errs...)
}

// validateHeaders reports the names in headers that are no header names
// (an HTTP token), and those of fields that are always hop-by-hop, Host
// and Transfer-Encoding: a request never carries the first, and reaches
// no server with the others among its header fields, so the rule would
// never tell one request from another.
func validateHeaders(where string, headers []string) []error {
	var errs []error
	for _, h := range headers {
		switch {
		case !isToken(h):
			errs = append(errs, fmt.Errorf("%s%q is no header name: want a name such as X-Tenant, of letters, digits and !#$%%&'*+-.^_`|~", where, h))
		case headerkey.HopByHop(h):
			errs = append(errs, fmt.Errorf("%s%q is a hop-by-hop header: it never reaches the API (a proxy, the recording servers included, does not pass it on), so it cannot tell recordings apart and names leave it out: remove it from the significant headers", where, h))
		case strings.EqualFold(h, "Host"):
			errs = append(errs, fmt.Errorf("%s%q: the host is part of every name already, and no server finds a Host among a request's header fields (Go's server moves it to Request.Host), so names leave it out: remove it from the significant headers", where, h))
		case strings.EqualFold(h, "Transfer-Encoding"):
			errs = append(errs, fmt.Errorf("%s%q never reaches a server among a request's header fields (Go's server drops it once it has read the body so), so it cannot tell recordings apart and names leave it out: remove it from the significant headers", where, h))
		}
	}
	return errs
}

// validateBodies reports the keys of bodies that select the body of no
// well-formed media type (see Validate).
func validateBodies(where string, bodies map[string]BodyRule) []error {
	var errs []error
	for _, k := range slices.Sorted(maps.Keys(bodies)) {
		if reason := bodyKeyProblem(k); reason != "" {
			errs = append(errs, fmt.Errorf("%sbody rule key %q: %s", where, k, reason))
		}
	}
	empty, hasEmpty := bodies[""]
	star, hasStar := bodies["*/*"]
	if hasEmpty && hasStar && (empty != nil || star != nil) {
		// bodyRule looks "" up first: the rule of "*/*" is never used.
		errs = append(errs, fmt.Errorf(`%sbody rule keys "" and "*/*" both choose the rule of any other body, and "" is looked up first, so the rule of "*/*" is never used: give one of them`, where))
	}
	return errs
}

// bodyKeyForms says which keys of Bodies select bodies, for errors.
const bodyKeyForms = `want a media type ("application/json"), a suffix ("+json"), a type ("multipart/*") or "" for any body`

// bodyKeyProblem returns why k, a key of Bodies, selects the body of no
// well-formed media type (see bodyRule, which looks up a request's media
// type, "+suffix" and "type/*", then "" and "*/*"), or "" when it selects
// some.
func bodyKeyProblem(k string) string {
	if k == "" || k == "*/*" {
		return ""
	}
	if mt := mediaType(k); k != mt {
		// A media type is looked up without parameters and spaces, in
		// lower case.
		return fmt.Sprintf("want a media type in lower case without parameters, like %q", mt)
	}
	typ, sub, slash := strings.Cut(k, "/")
	suffix, plus := strings.CutPrefix(k, "+")
	switch {
	case plus && isToken(suffix) && !strings.ContainsAny(suffix, "+*"):
		return "" // what follows a media type's last "+"
	case !plus && slash && isToken(typ) && !strings.Contains(typ, "*") && (sub == "*" || isToken(sub) && !strings.Contains(sub, "*")):
		return "" // a media type, or its type
	case strings.Contains(k, "*"):
		return `a "*" stands only for a whole subtype ("multipart/*") or for any media type ("*/*"): ` + bodyKeyForms
	case plus:
		return `a suffix is "+" and a word without "+", as "+json", matched against what follows the last "+" of a media type: ` + bodyKeyForms
	case !slash && isToken(k) && !strings.Contains(k, "+"):
		// A media type is type/subtype: this selects only a malformed
		// Content-Type, itself.
		return fmt.Sprintf(`want a media type ("application/%s"), a suffix ("+%s"), a type ("%s/*") or "" for any body`, k, k, k)
	case !slash:
		return "no media type: " + bodyKeyForms
	}
	return "a media type is a type and a subtype, each a token (letters, digits and !#$%&'+-.^_`|~), around one \"/\": " + bodyKeyForms
}

// route returns the rules for a request of method and path (as sent,
// escaped): those of the first route that matches, else r.
func (r Rules) route(method, path string) Rules {
	for _, rt := range r.Routes {
		if matchPattern(rt.Pattern, method, path) {
			return rt.Rules
		}
	}
	return r
}

// splitPattern splits a pattern into its method ("" when there is none)
// and the rest, which should be a path.
func splitPattern(pattern string) (method, path string) {
	for i := 0; i < len(pattern); i++ {
		if c := pattern[i]; c == ' ' || c == '\t' {
			j := i + 1
			for j < len(pattern) && (pattern[j] == ' ' || pattern[j] == '\t') {
				j++
			}
			return pattern[:i], pattern[j:]
		}
	}
	return "", pattern
}

// checkPattern returns why pattern is invalid, or "" when it is valid. It
// allocates nothing: Name calls it for a route that would match.
func checkPattern(pattern string) string {
	if pattern == "" {
		return "empty pattern"
	}
	method, path := splitPattern(pattern)
	if method != "" && !isToken(method) {
		return "invalid method"
	}
	switch i := strings.IndexByte(path, '/'); {
	case i < 0:
		return "path missing: want [METHOD ]/PATH"
	case i > 0:
		return "host or text before the path: want [METHOD ]/PATH"
	}
	for rest := path; rest != ""; {
		var seg string
		seg, rest = nextSegment(rest)
		if strings.IndexByte(seg, '{') < 0 {
			continue
		}
		if seg[0] != '{' || seg[len(seg)-1] != '}' {
			return "wildcard must be a whole segment: {name}"
		}
		name := seg[1 : len(seg)-1]
		if name == "$" {
			if rest != "" {
				return "{$} not at the end"
			}
			continue
		}
		name, multi := strings.CutSuffix(name, "...")
		switch {
		case multi && rest != "":
			return "{name...} not at the end"
		case name == "":
			return "wildcard without a name"
		case !isIdentifier(name):
			return "wildcard name is not a Go identifier"
		case hasWildcard(path[:len(path)-len(rest)-len(seg)-1], name):
			return "wildcard name used twice"
		}
	}
	return ""
}

// nextSegment splits a path that starts with "/" into its first segment
// (without the "/") and the rest, which is "" or starts with "/".
func nextSegment(path string) (seg, rest string) {
	seg = path[1:]
	if i := strings.IndexByte(seg, '/'); i >= 0 {
		return seg[:i], seg[i:]
	}
	return seg, ""
}

// hasWildcard reports whether path, a part of a pattern, holds a wildcard
// named name.
func hasWildcard(path, name string) bool {
	for path != "" {
		var seg string
		seg, path = nextSegment(path)
		if w, ok := strings.CutPrefix(seg, "{"); ok && strings.TrimSuffix(strings.TrimSuffix(w, "}"), "...") == name {
			return true
		}
	}
	return false
}

// matchPattern reports whether pattern matches a request of method and
// path (escaped, as sent). An invalid pattern matches nothing. It
// allocates nothing, and checks that a pattern is valid only when it
// would match.
func matchPattern(pattern, method, path string) bool {
	pm, pp := splitPattern(pattern)
	if pm != "" && pm != method && (pm != "GET" || method != "HEAD") {
		return false
	}
	return matchPath(pp, path) && checkPattern(pattern) == ""
}

// matchPath reports whether the path of a pattern, valid or not, matches
// path.
func matchPath(pp, path string) bool {
	if pp == "" || pp[0] != '/' || path == "" || path[0] != '/' {
		return false
	}
	for {
		// pp and path start with "/": match the segment after it.
		if pp == "/" { // a trailing slash: the subtree
			return true
		}
		var seg string
		seg, pp = nextSegment(pp)
		wild := strings.HasPrefix(seg, "{") // in a valid pattern, a whole segment
		switch {
		case seg == "{$}":
			return path == "/"
		case wild && strings.HasSuffix(seg, "...}"):
			return true
		case path == "/": // the trailing slash is not a segment
			return false
		}
		var got string
		got, path = nextSegment(path)
		if !wild && !unescapedEqual(seg, got) {
			return false
		}
		if pp == "" {
			return path == ""
		}
		if path == "" {
			return false
		}
	}
}

// unescapedEqual reports whether two path segments are equal once
// unescaped. A segment with an invalid escape stands for itself, as in
// net/http.ServeMux.
func unescapedEqual(a, b string) bool {
	if a == b {
		return true
	}
	va, vb := validEscapes(a), validEscapes(b)
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		var ca, cb byte
		ca, i = unescapeByte(a, i, va)
		cb, j = unescapeByte(b, j, vb)
		if ca != cb {
			return false
		}
	}
	return i == len(a) && j == len(b)
}

// unescapeByte returns the byte of s at i, decoded when it starts an
// escape and escapes are valid, and the index of the next one.
func unescapeByte(s string, i int, escapes bool) (byte, int) {
	if escapes && s[i] == '%' {
		return unhex(s[i+1])<<4 | unhex(s[i+2]), i + 3
	}
	return s[i], i + 1
}

// validEscapes reports whether every "%" in s starts an escape.
func validEscapes(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '%' {
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return false
			}
			i += 2
		}
	}
	return true
}

// unhex returns the value of a hex digit.
func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// isToken reports whether s is an HTTP token, as a method or a header
// name is.
func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return s != ""
}

// isIdentifier reports whether s is a Go identifier.
func isIdentifier(s string) bool {
	for i, c := range s {
		if !unicode.IsLetter(c) && c != '_' && (i == 0 || !unicode.IsDigit(c)) {
			return false
		}
	}
	return s != ""
}
