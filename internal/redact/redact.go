package redact

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/cassette-go/cassette/internal/gunzip"
	"github.com/cassette-go/cassette/internal/headerkey"
	"github.com/cassette-go/cassette/library"
)

// Placeholder replaces every redacted value.
const Placeholder = "REDACTED"

// Rules say what is redacted. The zero Rules redacts nothing. Rules are
// values: copying them is safe, and they are safe for concurrent use as
// long as nobody modifies the slices (the hooks must be safe for
// concurrent use themselves).
type Rules struct {
	// Headers are the names, in any case, of the headers whose values are
	// replaced (see the package documentation for how).
	Headers []string

	// CredentialHeaders, when true, also redacts, as Headers are, the
	// headers whose names look like a credential's (see
	// [CredentialHeader]): X-Vault-Token, Private-Token, X-Goog-Api-Key.
	CredentialHeaders bool

	// Query are the names, in any case, of the query parameters whose
	// values are replaced. They are matched against the decoded name.
	Query []string

	// Paths are patterns of URL paths holding a secret (a bot token, a
	// webhook's key), matched against the escaped path: what each match's
	// groups hold (the whole match, for a pattern without groups) is
	// replaced.
	Paths []*regexp.Regexp

	// Hooks run on each exchange before it is saved, in order, after the
	// URL and headers are redacted. They may rewrite anything (a JSON body
	// field, say). The first error stops the exchange from being saved.
	Hooks []func(*library.Exchange) error

	// KeepNumericAppIDs keeps an appid that is a number (see [KeptID]),
	// though Query names appid. [Default] sets it; [Rules.With] clears it
	// when either rules name appid without it: asked for by name, every
	// appid is redacted.
	KeepNumericAppIDs bool
}

// Default returns the rules that apply unless the user opts out: the
// common credential headers, the headers named like credentials (see
// [CredentialHeader]) and the common credential query parameters. Each
// call returns new slices.
func Default() Rules {
	return Rules{
		Headers: []string{
			"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie",
			"X-Api-Key", "X-Auth-Token", "X-Amz-Security-Token",
		},
		CredentialHeaders: true,
		Query: append([]string{
			"access_token", "api_key", "apikey", "token", "key", "signature", "sig",
			"client_secret", "password", "X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token",
			// API keys of well-known APIs: GitLab's private_token,
			// ipstack's (and others') access_key, Azure's and the NYT's
			// api-key, auth_token, OpenWeatherMap's appid (but for a
			// number: see KeptID), the Firebase Realtime Database's auth.
			"private_token", "access_key", "api-key", "auth_token", "appid", "auth",
			// OAuth's token requests (forms): a refresh token, an OpenID
			// ID token, a JWT bearer assertion (RFC 7523), PKCE's verifier.
			"refresh_token", "id_token", "assertion", "client_assertion", "code_verifier",
			// A Google Cloud Storage V4 signed URL.
			"X-Goog-Signature", "X-Goog-Credential",
		}, Stamps...),
		KeepNumericAppIDs: true,
	}
}

// Stamps are the query parameters of a presigned URL that change on every
// run without being secrets: the time it was signed. [Default] redacts
// them too, so that such a URL, signed anew on each run, keeps its
// cassette name; cassette audit does not report them.
var Stamps = []string{"X-Amz-Date", "X-Goog-Date"}

// With returns the union of r and o: the header and query names of both
// (each once, in any case, r's first), CredentialHeaders if either has it,
// r's path patterns and hooks followed by o's, KeepNumericAppIDs if
// either has it and neither names appid without it. It does not modify r
// or o.
func (r Rules) With(o Rules) Rules {
	return Rules{
		Headers:           union(r.Headers, o.Headers),
		CredentialHeaders: r.CredentialHeaders || o.CredentialHeaders,
		Query:             union(r.Query, o.Query),
		Paths:             append(append([]*regexp.Regexp(nil), r.Paths...), o.Paths...),
		Hooks:             append(append([]func(*library.Exchange) error(nil), r.Hooks...), o.Hooks...),
		KeepNumericAppIDs: (r.KeepNumericAppIDs || o.KeepNumericAppIDs) && !r.redactsEveryAppID() && !o.redactsEveryAppID(),
	}
}

// redactsEveryAppID reports whether r names appid without keeping a
// number in it: the user asked for it by name.
func (r Rules) redactsEveryAppID() bool {
	return containsFold(r.Query, "appid") && !r.KeepNumericAppIDs
}

// RedactsHeader reports whether the values of the header called name are
// redacted: its name is in r.Headers, in any case, or r.CredentialHeaders
// is set and [CredentialHeader] reports it.
func (r Rules) RedactsHeader(name string) bool {
	return containsFold(r.Headers, name) || r.CredentialHeaders && CredentialHeader(name)
}

// union returns the names of a then those of b not already there, in any
// case, in a new slice.
func union(a, b []string) []string {
	var out []string
	for _, list := range [][]string{a, b} {
		for _, n := range list {
			if !containsFold(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

// containsFold reports whether list holds s in any ASCII case.
func containsFold(list []string, s string) bool {
	for _, n := range list {
		if equalFold(n, s) {
			return true
		}
	}
	return false
}

// equalFold reports whether a and b are equal in ASCII case folding, the
// case-insensitivity of header and parameter names (unlike
// [strings.EqualFold], "\u212a" is not "K").
func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// Request returns a shallow copy of req whose URL, RequestURI and Header
// are redacted, or req itself when there is nothing to redact. This is
// the request to name. The body is not read.
func (r Rules) Request(req *http.Request) *http.Request {
	if req == nil {
		return nil
	}
	u := r.URL(req.URL)
	h, hchanged := r.header(req.Header)
	uri, uchanged := r.requestURI(req.RequestURI)
	if u == req.URL && !hchanged && !uchanged {
		return req
	}
	out := new(http.Request)
	*out = *req
	out.URL, out.Header, out.RequestURI = u, h, uri
	return out
}

// requestURI redacts the path and query of a server request's RequestURI.
func (r Rules) requestURI(uri string) (string, bool) {
	path, q, hasQuery := strings.Cut(uri, "?")
	path, pchanged := r.path(path)
	qchanged := false
	if hasQuery {
		q, qchanged = r.query(q)
	}
	switch {
	case !pchanged && !qchanged:
		return uri, false
	case hasQuery:
		return path + "?" + q, true
	}
	return path, true
}

// basePath redacts the path of base, a URL without its query and
// fragment, absolute or not (see path).
func (r Rules) basePath(base string) (string, bool) {
	if len(r.Paths) == 0 {
		return base, false
	}
	start := 0
	if i := strings.Index(base, "://"); i >= 0 {
		j := strings.IndexByte(base[i+3:], '/')
		if j < 0 {
			return base, false // no path
		}
		start = i + 3 + j
	}
	p, changed := r.path(base[start:])
	return base[:start] + p, changed
}

// path redacts the secrets the path patterns find in path, an escaped URL
// path (or a request URI's path part): the text of each match's groups, or
// of the whole match for a pattern without groups, becomes the
// placeholder.
func (r Rules) path(path string) (string, bool) {
	changed := false
	for _, re := range r.Paths {
		if re == nil {
			continue
		}
		ms := re.FindAllStringSubmatchIndex(path, -1)
		if len(ms) == 0 {
			continue
		}
		var b strings.Builder
		last := 0
		for _, m := range ms {
			spans := m[2:]
			if len(spans) == 0 {
				spans = m[:2]
			}
			for i := 0; i+1 < len(spans); i += 2 {
				start, end := spans[i], spans[i+1]
				if start < last || end <= start || path[start:end] == Placeholder {
					continue // a group that matched nothing, or inside one before
				}
				b.WriteString(path[last:start])
				b.WriteString(Placeholder)
				last = end
				changed = true
			}
		}
		b.WriteString(path[last:])
		path = b.String()
	}
	return path, changed
}

// URL returns a copy of u with the values of redacted query parameters
// (and the password of its user information, when Authorization is
// redacted) and the secrets path patterns find in its path (in its opaque
// part, if set) replaced by the placeholder, or u itself, without allocating,
// when nothing matches. RawQuery keeps every other byte as it was. A
// fragment of parameters is redacted as a query: OAuth's implicit grant
// sends its token in one (Location: https://app/cb#access_token=...).
func (r Rules) URL(u *url.URL) *url.URL {
	if u == nil {
		return nil
	}
	q, qchanged := r.query(u.RawQuery)
	user, uchanged := r.userinfo(u.User)
	var frag string
	fchanged := false
	if u.Fragment != "" {
		frag, fchanged = r.fragment(u.EscapedFragment())
	}
	var authority, path string // authority: of an opaque part "//host/path"
	pchanged := false
	if len(r.Paths) > 0 {
		path = u.EscapedPath()
		if u.Opaque != "" {
			// The opaque part is the path as sent (see naming): after
			// the host, for "//host/path", how a Go client sends a path
			// it escaped itself.
			path = u.Opaque
			if rest, ok := strings.CutPrefix(path, "//"); ok {
				i := strings.IndexByte(rest, '/')
				if i < 0 {
					i = len(rest)
				}
				authority, path = "//"+rest[:i], rest[i:]
			}
		}
		path, pchanged = r.path(path)
	}
	if !qchanged && !uchanged && !fchanged && !pchanged {
		return u
	}
	v := *u
	v.RawQuery, v.User = q, user
	if pchanged && u.Opaque != "" {
		v.Opaque = authority + path
	} else if pchanged {
		if p, err := url.PathUnescape(path); err == nil {
			v.Path, v.RawPath = p, ""
			if v.EscapedPath() != path {
				v.RawPath = path
			}
		}
	}
	if fchanged {
		if f, err := url.PathUnescape(frag); err == nil {
			v.Fragment, v.RawFragment = f, frag
		}
	}
	return &v
}

// userinfo redacts the password of u when the rules redact Authorization,
// or its user name when it has no password: Go's client sends both as
// Basic credentials, and a user name alone is a token
// (https://TOKEN@host/, Stripe's https://sk_test_...:@host/).
func (r Rules) userinfo(u *url.Userinfo) (*url.Userinfo, bool) {
	if u == nil || !r.redactsAuthorization() {
		return u, false
	}
	p, hasPass := u.Password()
	switch {
	case p != "" && p != Placeholder:
		return url.UserPassword(u.Username(), Placeholder), true
	case p != "", u.Username() == "", u.Username() == Placeholder:
		return u, false
	case hasPass:
		return url.UserPassword(Placeholder, ""), true
	}
	return url.User(Placeholder), true
}

func (r Rules) redactsAuthorization() bool { return containsFold(r.Headers, "Authorization") }

// fragment is query for a URL's fragment (escaped): its parameters, and
// those after a route's "?" (a hash-routed app: #/welcome?token=...). The
// part before a "?" is redacted as parameters too: it is one when a value
// holds the "?" (#access_token=...&state=/home?tab=1).
func (r Rules) fragment(frag string) (string, bool) {
	route, params := FragmentParams(frag)
	params, changed := r.query(params)
	if route != "" {
		head, hchanged := r.query(route[:len(route)-1])
		route, changed = head+"?", changed || hchanged
	}
	if !changed {
		return frag, false
	}
	return route + params, true
}

// FragmentParams splits a URL's fragment into a route ("" for none, else
// ending in "?") and the parameters that follow: "a=1&b=2" is all
// parameters, "/welcome?token=x" a route and "token=x". What it calls a
// route may be parameters whose last value holds the "?".
func FragmentParams(frag string) (route, params string) {
	if i := strings.IndexByte(frag, '?'); i >= 0 {
		return frag[:i+1], frag[i+1:]
	}
	return "", frag
}

// query returns raw with the values of redacted parameters replaced, and
// whether anything changed. It allocates only when something changes.
func (r Rules) query(raw string) (string, bool) {
	if len(r.Query) == 0 || raw == "" {
		return raw, false
	}
	var b strings.Builder
	written := 0 // raw[:written] is in b
	pos := 0     // start of the current pair in raw
	for pair := range strings.SplitSeq(raw, "&") {
		start := pos
		pos += len(pair) + 1
		key, value, ok := strings.Cut(pair, "=")
		if !ok || value == "" || value == Placeholder || !r.secretParam(key) || r.KeepNumericAppIDs && KeptID(unescapeKey(key), value) {
			continue
		}
		if written == 0 {
			b.Grow(len(raw))
		}
		b.WriteString(raw[written:start])
		b.WriteString(key)
		b.WriteString("=" + Placeholder)
		written = start + len(pair)
	}
	if written == 0 {
		return raw, false
	}
	b.WriteString(raw[written:])
	return b.String(), true
}

// secretParam reports whether the query parameter called key (escaped, as
// sent) is redacted.
func (r Rules) secretParam(key string) bool {
	return containsFold(r.Query, unescapeKey(key))
}

// unescapeKey returns key, a query parameter's name as sent, decoded.
func unescapeKey(key string) string {
	if strings.ContainsAny(key, "%+") {
		if d, err := url.QueryUnescape(key); err == nil {
			return d
		}
	}
	return key
}

// KeptID reports whether value, that of the query parameter (or form
// field) called key, is kept though the rules redact key: a number in
// appid, which is an application's id (Steam's appid=440 is a game's,
// WeChat's and Baidu's are public) where OpenWeatherMap's appid is its
// key (hex digits and letters). Redacted, the requests for two games
// shared one cassette, and replay answered each with the other's.
func KeptID(key, value string) bool {
	if !equalFold(key, "appid") || value == "" {
		return false
	}
	for i := 0; i < len(value); i++ {
		if value[i] < '0' || value[i] > '9' {
			return false
		}
	}
	return true
}

// URLString redacts the URL s as [Rules.Exchange] redacts a request's,
// whether it parses or not: see urlString.
func (r Rules) URLString(s string) string { return r.urlString(s) }

// urlString redacts a URL given as a string, keeping every byte but the
// redacted values: of its query, its user information and a fragment of
// parameters.
func (r Rules) urlString(s string) string {
	rest, frag, hasFrag := strings.Cut(s, "#")
	base, q, hasQuery := strings.Cut(rest, "?")
	q, qchanged := r.query(q)
	base, uchanged := r.userinfoString(base)
	base, pchanged := r.basePath(base)
	frag, fchanged := r.fragment(frag) // OAuth's implicit grant: #access_token=...
	if !qchanged && !uchanged && !fchanged && !pchanged {
		return s
	}
	out := base
	if hasQuery {
		out += "?" + q
	}
	if hasFrag {
		out += "#" + frag
	}
	return out
}

// userinfoString redacts the password in "scheme://user:password@host/..."
// when the rules redact Authorization, or the user name when there is no
// password (see userinfo).
func (r Rules) userinfoString(base string) (string, bool) {
	i := strings.Index(base, "://")
	if i < 0 || !r.redactsAuthorization() {
		return base, false
	}
	start := i + len("://")
	auth := base[start:]
	if j := strings.IndexByte(auth, '/'); j >= 0 {
		auth = auth[:j]
	}
	at := strings.LastIndexByte(auth, '@')
	if at < 0 {
		return base, false
	}
	user, pass, ok := strings.Cut(auth[:at], ":")
	switch {
	case pass != "" && pass != Placeholder:
		return base[:start] + user + ":" + Placeholder + base[start+at:], true
	case pass != "", user == "", user == Placeholder:
		return base, false
	case ok:
		return base[:start] + Placeholder + ":" + base[start+at:], true
	}
	return base[:start] + Placeholder + base[start+at:], true
}

// Header returns a copy of h with the values of redacted headers
// replaced, or h itself when nothing matches. h is not modified.
func (r Rules) Header(h http.Header) http.Header {
	out, _ := r.header(h)
	return out
}

// header is Header, also reporting whether anything changed.
func (r Rules) header(h http.Header) (http.Header, bool) {
	var out http.Header
	for k, vs := range h {
		redact := r.headerRedactor(k)
		if redact == nil {
			continue
		}
		for i, v := range vs {
			nv := redact(r, v)
			if nv == v {
				continue
			}
			if out == nil {
				out = h.Clone()
			}
			out[k][i] = nv
		}
	}
	if out == nil {
		return h, false
	}
	return out, true
}

// headerRedactor returns how values of the header called name are
// redacted, or nil if they are kept.
func (r Rules) headerRedactor(name string) func(Rules, string) string {
	switch {
	case !r.RedactsHeader(name):
		switch {
		case len(r.Query) == 0 && len(r.Paths) == 0:
		case containsFold(urlHeaders, name):
			return Rules.urlString
		case equalFold(name, "Link"):
			return Rules.linkString
		}
		return nil
	case equalFold(name, "Cookie"):
		return redactCookie
	case equalFold(name, "Set-Cookie"):
		return redactSetCookie
	case equalFold(name, "Authorization"), equalFold(name, "Proxy-Authorization"):
		return redactAuthorization
	case equalFold(name, "User-Agent"):
		return redactUserAgent
	}
	return redactWhole
}

// urlHeaders are the headers whose value is a URL, whose query is
// redacted.
var urlHeaders = []string{"Location", "Content-Location", "Referer"}

// linkString redacts the URLs of a Link header (RFC 8288:
// `<https://api/items?page=2&access_token=...>; rel="next", <...>;
// rel="last"`), each as urlString does, keeping every other byte: an API
// authenticated by a query parameter repeats it in the links to the next
// pages.
func (r Rules) linkString(v string) string {
	var b strings.Builder
	rest, changed := v, false
	for {
		i := strings.IndexByte(rest, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '>')
		if j < 0 {
			break
		}
		u := rest[i+1 : i+j]
		ru := r.urlString(u)
		b.WriteString(rest[:i+1])
		b.WriteString(ru)
		b.WriteByte('>')
		changed = changed || ru != u
		rest = rest[i+j+1:]
	}
	if !changed {
		return v
	}
	b.WriteString(rest)
	return b.String()
}

// redactWhole replaces v whole, unless it is empty but for spaces and
// tabs: Go's HTTP/1.1 client sends such a value empty, a server reads it
// so, and an empty value is not redacted. Replaced in process only, it
// would name a significant header apart from the server's reading.
func redactWhole(_ Rules, v string) string {
	if textproto.TrimString(v) == "" {
		return v
	}
	return Placeholder
}

// redactUserAgent replaces a User-Agent as redactWhole does, unless it is
// one of Go's own (Go-http-client/1.1, /2.0), which no test chose: Go's
// client sends it for a request that sets none, and a server reads it.
// Replaced there and not in process, where the request has none, it
// would name a significant User-Agent apart from the server's reading.
func redactUserAgent(r Rules, v string) string {
	if headerkey.IsGoAgent(v) {
		return v
	}
	return redactWhole(r, v)
}

// redactCookie replaces the value of each cookie of a Cookie header,
// keeping names, separators and spacing.
func redactCookie(_ Rules, v string) string {
	var b strings.Builder
	first := true
	for part := range strings.SplitSeq(v, ";") {
		if !first {
			b.WriteByte(';')
		}
		first = false
		b.WriteString(redactCookiePair(part))
	}
	return b.String()
}

// redactCookiePair redacts "name=value" (with the spaces around it kept),
// or a lone value.
func redactCookiePair(p string) string {
	trimmed := strings.Trim(p, " \t")
	if trimmed == "" {
		return p
	}
	lead := p[:len(p)-len(strings.TrimLeft(p, " \t"))]
	trail := p[len(lead)+len(trimmed):]
	name, value, ok := strings.Cut(trimmed, "=")
	switch {
	case !ok:
		return lead + redactWhole(Rules{}, trimmed) + trail
	case value == "" || value == Placeholder:
		return p
	}
	return lead + name + "=" + Placeholder + trail
}

// redactSetCookie replaces the value of a Set-Cookie header, keeping the
// cookie's name and attributes.
func redactSetCookie(_ Rules, v string) string {
	pair, attrs, ok := strings.Cut(v, ";")
	pair = redactCookiePair(pair)
	if !ok {
		return pair
	}
	return pair + ";" + attrs
}

// maxScheme is the longest authentication scheme kept in the clear.
const maxScheme = 32

// redactAuthorization replaces the credentials of an Authorization
// header, keeping its scheme.
func redactAuthorization(_ Rules, v string) string {
	scheme, creds, ok := strings.Cut(strings.TrimSpace(v), " ")
	creds = strings.TrimSpace(creds)
	switch {
	case textproto.TrimString(v) == "":
		return v // spaces alone, sent empty: see redactWhole
	case !ok || !isScheme(scheme) || creds == "":
		return Placeholder
	}
	return scheme + " " + Placeholder
}

// isScheme reports whether s looks like an authentication scheme rather
// than a secret: a short token starting with a letter.
func isScheme(s string) bool {
	if s == "" || len(s) > maxScheme || !isLetter(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isLetter(c) && !('0' <= c && c <= '9') && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// Body returns body, the body of a request with header h, with the values
// of redacted parameters replaced when it is a form
// (application/x-www-form-urlencoded: OAuth's client_secret, Slack's
// token; its Content-Type under any key a client set it), as in a query; a gzip-encoded form is decoded, redacted and
// encoded again. Else, or when nothing matches, body itself. A
// changed body is a new slice: body is never modified.
func (r Rules) Body(h http.Header, body []byte) []byte {
	if len(body) == 0 || len(r.Query) == 0 {
		return body
	}
	ct := headerkey.Get(h, "Content-Type") // a client's request may set "content-type"
	if mt, _, _ := strings.Cut(ct, ";"); !strings.EqualFold(strings.TrimSpace(mt), "application/x-www-form-urlencoded") {
		return body
	}
	plain := gunzip.RequestBody(h, body) // a gzip-encoded form is redacted decoded
	q, changed := r.query(string(plain))
	if !changed {
		return body
	}
	if &plain[0] == &body[0] {
		return []byte(q)
	}
	// Encoded again, deterministically, so that it is named the same on
	// every run.
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(q))
	zw.Close()
	return b.Bytes()
}

// Exchange redacts ex in place: the request URL, headers and form body
// (see [Rules.Body]), the response headers and trailers, then runs the
// hooks in order. It returns the first error of a hook, after which the
// other hooks do not run. Other bodies are changed only by hooks.
func (r Rules) Exchange(ex *library.Exchange) error {
	if ex == nil {
		return nil
	}
	if body := r.Body(ex.Request.Header, ex.Request.Body); !bytes.Equal(body, ex.Request.Body) {
		ex.Request.Body = body
		if _, ok := ex.Request.Header["Content-Length"]; ok {
			// The stored request says its own length, not the sent one's.
			ex.Request.Header = ex.Request.Header.Clone()
			ex.Request.Header["Content-Length"] = []string{strconv.Itoa(len(body))}
		}
	}
	ex.Request.URL = r.urlString(ex.Request.URL)
	ex.Request.Header = r.Header(ex.Request.Header)
	ex.Response.Header = r.Header(ex.Response.Header)
	ex.Response.Trailer = r.Header(ex.Response.Trailer)
	for _, hook := range r.Hooks {
		if err := hook(ex); err != nil {
			return err
		}
	}
	return nil
}
