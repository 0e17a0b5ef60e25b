package secretscan

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/cassette-go/cassette/internal/redact"
)

// A Finding is a secret found by [Text], [URL] or [JSON]: its kind
// ("bearer token", "secret JSON member access_token"), where it was found
// ("request query parameter key"; [Text] and [JSON] leave it empty), the
// secret itself, and, for a secret query parameter, form field or JSON
// member, its name as written (empty for a secret found by its shape).
type Finding struct {
	Kind, Where, Secret string
	Name                string
}

// patterns are the shapes of API keys and private keys.
var patterns = []struct {
	kind string
	re   *regexp.Regexp
}{
	{"AWS access key id", regexp.MustCompile(`\b(?:AKIA|ASIA)[0-9A-Z]{16}\b`)},
	{"secret key (sk-)", regexp.MustCompile(`\bsk-[A-Za-z0-9_-]{20,}`)},
	{"GitHub token", regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,})`)},
	{"Slack token", regexp.MustCompile(`\bxox[baprs]-[A-Za-z0-9-]{10,}`)},
	{"Vault token", regexp.MustCompile(`\bhv[sbr]\.[A-Za-z0-9_-]{20,}`)},
	{"private key", regexp.MustCompile(`-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----`)},
}

// jwtRE matches what may be a JWT; IsJWT decides.
var jwtRE = regexp.MustCompile(`[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*`)

// Text returns the secrets of known shapes in b.
func Text(b []byte) []Finding {
	var out []Finding
	seen := make(map[string]bool)
	add := func(kind, secret string) {
		if !seen[secret] {
			seen[secret] = true
			out = append(out, Finding{Kind: kind, Secret: secret})
		}
	}
	for _, p := range patterns {
		for _, m := range p.re.FindAll(b, -1) {
			add(p.kind, string(m))
		}
	}
	for _, m := range jwtRE.FindAll(b, -1) {
		if IsJWT(string(m)) {
			add("JWT", string(m))
		}
	}
	for _, m := range bearerRE.FindAllSubmatch(b, -1) {
		if kind, ok := credential(string(m[1]), string(m[2])); ok {
			add(kind, string(m[2]))
		}
	}
	for _, m := range basicRE.FindAllSubmatch(b, -1) {
		if kind, ok := credential("Basic", string(m[1])); ok {
			add(kind, string(m[1]))
		}
	}
	return out
}

// bearerRE and basicRE match an Authorization value in text (an API that
// echoes the request's headers, httpbin's /headers, a debug page): a
// scheme and its credentials, on one line; credential decides. Bearer
// and Token, words of prose and code too ("token refreshTokenExpiresAt"
// in a GraphQL query, "scheme: bearer"), count only where a header value
// stands: at the start of a line or of a quoted string, after "=", or
// shortly after "Authorization" (a header echoed as JSON, a table cell
// after it in HTML, an XML element, Go's printed http.Header). Rails' Token token="..." is seen through, and
// Laravel Sanctum's ID|secret. A Basic value ends where base64 does.
var (
	bearerRE = regexp.MustCompile(`(?im)(?:^[ \t]*|["'=][ \t]*|authorization[^\n]{0,12}?)(Bearer|Token)[ \t]+(?:token=\\?"?)?([A-Za-z0-9+/_=.~|-]{8,})`)
	basicRE  = regexp.MustCompile(`(?i)\bBasic[ \t]+([A-Za-z0-9+/]{8,}={0,2})`)
)

// credential reports whether cred, after the word scheme in text, is a
// credential, and its kind: a Basic one must decode to user:password, a
// Bearer or Token one must look random (not "Bearer authentication").
func credential(scheme, cred string) (kind string, ok bool) {
	if cred == redact.Placeholder {
		return "", false
	}
	if strings.EqualFold(scheme, "Basic") {
		b, err := base64.StdEncoding.DecodeString(cred)
		if err != nil || !bytes.ContainsRune(b, ':') || !utf8.Valid(b) {
			return "", false
		}
		return "Basic credentials", true
	}
	if !IsJWT(cred) && !tokenShaped(strings.ReplaceAll(cred, "|", "")) {
		return "", false
	}
	return "bearer token", true
}

// IsJWT reports whether s is three base64url segments, the first decoding
// to a JSON object with "alg".
func IsJWT(s string) bool {
	head, _, _ := strings.Cut(s, ".")
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(head, "="))
	if err != nil {
		return false
	}
	var h map[string]any
	if json.Unmarshal(b, &h) != nil {
		return false
	}
	_, ok := h["alg"]
	return ok
}

// secretParam reports whether a query parameter called name holds secrets.
func secretParam(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{"token", "key", "secret", "signature", "sig", "password", "passwd"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// tokenRE matches a long hex or base64 value.
var tokenRE = regexp.MustCompile(`^[A-Za-z0-9+/_=.-]{16,}$`)

// redactedParams are the query parameters the recorder redacts by
// default, but for the stamps of presigned URLs (a time, no secret): any
// value of theirs but the redact.Placeholder is a Finding, however short.
var redactedParams = slices.DeleteFunc(redact.Default().Query, func(p string) bool {
	return slices.Contains(redact.Stamps, p)
})

// URL returns the secrets in the URL raw, of where ("request",
// "response header Location"): known shapes, a password in its user
// information, values of the query parameters the recorder redacts, and
// long values of other query parameters named like secrets.
func URL(raw, where string) []Finding {
	var out []Finding
	seen := make(map[string]bool)
	name, pw := userinfo(raw)
	if !Placeholder(pw) {
		out = append(out, Finding{Kind: "password", Where: where + " URL user information", Secret: pw})
		seen[pw] = true
	} else if pw == "" && !Placeholder(name) {
		// No password: the user name is the token (https://TOKEN@host,
		// Stripe's https://sk_...:@host), which the recorder redacts.
		out = append(out, Finding{Kind: "token", Where: where + " URL user information", Secret: name})
		seen[name] = true
	}
	u, err := url.Parse(raw)
	if err == nil {
		params := strings.Split(u.RawQuery, "&")
		if u.Fragment != "" { // OAuth's implicit grant: #access_token=...
			route, frag := redact.FragmentParams(u.EscapedFragment())
			params = append(params, strings.Split(frag, "&")...)
			if route != "" { // parameters too, when a value holds the "?"
				params = append(params, strings.Split(strings.TrimSuffix(route, "?"), "&")...)
			}
		}
		for _, kv := range params {
			k, v, _ := strings.Cut(kv, "=")
			dk, err1 := url.QueryUnescape(k)
			dv, err2 := url.QueryUnescape(v)
			if err1 != nil || err2 != nil {
				dk, dv = k, v
			}
			if Placeholder(dv) {
				continue
			}
			named := slices.ContainsFunc(redactedParams, func(p string) bool { return strings.EqualFold(p, dk) }) && !redact.KeptID(dk, dv)
			if named || secretParam(dk) && tokenRE.MatchString(dv) {
				out = append(out, Finding{Kind: "token", Where: where + " query parameter " + dk, Secret: dv, Name: dk})
				seen[dv] = true
			}
		}
	}
	for _, f := range Text([]byte(raw)) {
		if !seen[f.Secret] {
			f.Where = where + " URL"
			out = append(out, f)
		}
	}
	return out
}

// userinfo returns the user name and password of the URL raw's user
// information, decoded, or empty strings. A URL that does not parse (a
// placeholder another tool wrote there unescaped, https://[FILTERED]@host,
// or a password with a character that should have been escaped) is read
// as the recorder redacts it: what lies between "://" and the last "@"
// before the path, split at the first ":".
func userinfo(raw string) (name, password string) {
	if u, err := url.Parse(raw); err == nil {
		if u.User == nil {
			return "", ""
		}
		password, _ = u.User.Password()
		return u.User.Username(), password
	}
	_, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return "", ""
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	at := strings.LastIndexByte(rest, '@')
	if at < 0 {
		return "", ""
	}
	name, password, _ = strings.Cut(rest[:at], ":")
	if d, err := url.PathUnescape(name); err == nil {
		name = d
	}
	if d, err := url.PathUnescape(password); err == nil {
		password = d
	}
	return name, password
}

// secretMembers are the JSON members whose string values are secrets:
// the query parameters the recorder redacts, OAuth's tokens, Vault's
// client_token and AppRole secret_id, AWS credentials, a webhook's secret
// and others. They match a member name in
// any case, "_" and "-" ignored (see memberKey), and whole: a pagination
// token (next_page_token, pageToken) is not a secret, and reporting one
// would teach people to ignore audit.
var secretMembers = func() map[string]bool {
	m := make(map[string]bool)
	for _, n := range append(slices.Clone(redactedParams),
		"refresh_token", "id_token", "client_token", "session_token", "auth_token",
		"api_key", "apikey", "secret_access_key", "private_key",
		"secret", "secret_id", "secret_key") {
		m[memberKey(n)] = true
	}
	return m
}()

// genericMembers are the secret members whose names mean other things in
// JSON too (Consul's KV "Key", an Elasticsearch bucket's "key", a "token"
// of a parser, an application's id in "appId": com.example.app, Algolia's
// and Firebase's, an "auth" that names a scheme: "basic"): their values
// are findings only when shaped like a token (see tokenShaped).
var genericMembers = map[string]bool{"key": true, "token": true, "sig": true, "signature": true, "assertion": true, "appid": true, "auth": true}

// memberKey is the JSON member name k in lower case without "_" and "-":
// client_token, clientToken and Client-Token are one.
func memberKey(k string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '-' {
			return -1
		}
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, k)
}

// JSON returns the string values of secret members (access_token,
// client_secret, password, ...) of body, at any depth, when it is JSON:
// a member's string, or the strings of its array (a form echoed as JSON,
// {"password": ["hunter2"]}, as Python's parse_qs makes it). A UTF-8 byte
// order mark before the JSON, as some servers write one, is skipped.
func JSON(body []byte) []Finding {
	body = bytes.TrimPrefix(body, []byte("\uFEFF"))
	var v any
	if len(body) == 0 || !json.Valid(body) || json.Unmarshal(body, &v) != nil {
		return nil
	}
	var out []Finding
	secret := func(k string, v any) bool {
		s, ok := v.(string)
		if ok && !Placeholder(s) && (!genericMembers[memberKey(k)] || tokenShaped(s)) {
			out = append(out, Finding{Kind: "secret JSON member " + k, Secret: s, Name: k})
		}
		return ok
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(x)) {
				if secretMembers[memberKey(k)] {
					if secret(k, x[k]) {
						continue
					}
					if a, ok := x[k].([]any); ok {
						for _, e := range a {
							secret(k, e)
						}
					}
				}
				walk(x[k])
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// Form returns the secret fields of a form body
// (application/x-www-form-urlencoded), found as [JSON] finds members: by
// whole name, in any case, "_" and "-" ignored (access_token,
// client_secret, password, ...), the generic names (key, token, ...) only
// with a value shaped like a token. Unlike a query in [URL], a field is
// not a secret for holding "token" or "key" in its name: a pagination
// token (next_page_token=..., pageToken=...) is none. Each Finding's
// Where is "form field NAME".
func Form(body []byte) []Finding { return formFields(body, formSecret) }

// formFields returns the fields of a form body whose decoded name and
// value secret reports as a secret, placeholders aside. A field that does
// not decode is read as it is.
func formFields(body []byte, secret func(name, value string) bool) []Finding {
	var out []Finding
	for kv := range strings.SplitSeq(string(body), "&") {
		k, v, _ := strings.Cut(kv, "=")
		dk, err1 := url.QueryUnescape(k)
		dv, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			dk, dv = k, v
		}
		if Placeholder(dv) || !secret(dk, dv) {
			continue
		}
		out = append(out, Finding{Kind: "token", Where: "form field " + dk, Secret: dv, Name: dk})
	}
	return out
}

// RequestForm returns the secret fields of a request's form body, as
// [Form] finds those of a response's, and also the fields the recorder
// redacts in a request's form (see redact.Rules.Body: the query
// parameters it redacts by default, access_token, token, key, sig,
// password, ...) with any value but a placeholder, however short, but
// for a number in appid, which it keeps: a cassette stored before such a
// field was redacted, or without redaction, holds it as sent; and, as in
// a query (see [URL]), long hex or base64 values of fields whose names
// hold "secret", "password" or "passwd" (consumer_secret, new_password).
// A field is not a secret for holding "token" or "key" in its name, as
// in [Form]: next_page_token=... is none.
func RequestForm(body []byte) []Finding {
	return formFields(body, func(name, value string) bool {
		redacted := slices.ContainsFunc(redactedParams, func(p string) bool { return strings.EqualFold(p, name) }) && !redact.KeptID(name, value)
		return redacted || formSecret(name, value) || namedSecret(name) && tokenRE.MatchString(value)
	})
}

// namedSecret reports whether a field called name is named like a
// secret, whatever else its name says: it holds secret, password or
// passwd, in any case.
func namedSecret(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "secret") || strings.Contains(n, "password") || strings.Contains(n, "passwd")
}

// formSecret reports whether the form field called name (decoded) holds
// a secret in value, by the rule of [Form].
func formSecret(name, value string) bool {
	return secretMembers[memberKey(name)] && (!genericMembers[memberKey(name)] || tokenShaped(value))
}

// masked reports whether v is a value an API shows in place of a secret
// it keeps (GitHub's webhook "secret": "********"): nothing but asterisks
// or bullets.
func masked(v string) bool {
	return strings.Trim(v, "*•") == ""
}

// placeholderWords are the words other tools write in place of a secret
// they filtered (Rails' and vcrpy's [FILTERED], <REDACTED>).
var placeholderWords = []string{"redacted", "filtered", "hidden", "masked", "removed", "scrubbed", "omitted", "sanitized", "obfuscated"}

// Placeholder reports whether v stands in place of a secret rather than
// being one: empty, Cassette's own REDACTED, masked ("****"), a word
// such as redacted, filtered, hidden, masked, removed, scrubbed,
// omitted, sanitized or obfuscated in any case, bare or wrapped in [],
// <>, {}, {{}}, () or asterisks ("[FILTERED]", "***FILTERED***"), an
// upper-case name in <>, [], {} or {{}} ("<API_KEY>", "{{TOKEN}}") or any name
// in {{}} ("{{token}}", a template's variable), or three or more x and
// nothing else ("xxxx"; a lone "x" may be a test's secret). A random token
// is none of these.
func Placeholder(v string) bool {
	if v == "" || v == redact.Placeholder || masked(v) || len(v) >= 3 && strings.Trim(v, "xX") == "" {
		return true
	}
	inner, wrapped := unwrap(v)
	for _, w := range placeholderWords {
		if strings.EqualFold(inner, w) {
			return true
		}
	}
	if !wrapped || inner == "" {
		return false
	}
	if strings.HasPrefix(v, "{{") {
		return identifier(inner, true)
	}
	return (v[0] == '<' || v[0] == '[' || v[0] == '{') && identifier(inner, false)
}

// unwrap returns v without one pair of [], <>, {}, {{}} or () around it,
// or the asterisks on both sides, and whether it had them.
func unwrap(v string) (string, bool) {
	if t := strings.Trim(v, "*"); len(t) < len(v) && strings.HasPrefix(v, "*") && strings.HasSuffix(v, "*") {
		return t, true
	}
	for _, p := range []string{"{{}}", "[]", "<>", "{}", "()"} {
		open, end := p[:len(p)/2], p[len(p)/2:]
		if len(v) > len(p) && strings.HasPrefix(v, open) && strings.HasSuffix(v, end) {
			return strings.TrimSpace(v[len(open) : len(v)-len(end)]), true
		}
	}
	return v, false
}

// identifier reports whether s is a name: a letter, then letters, digits,
// "_", "-" or ".", in upper case unless anyCase.
func identifier(s string, anyCase bool) bool {
	for i, r := range s {
		switch {
		case 'A' <= r && r <= 'Z', anyCase && 'a' <= r && r <= 'z':
		case i > 0 && ('0' <= r && r <= '9' || r == '_' || r == '-' || r == '.'):
		default:
			return false
		}
	}
	return true
}

// genericTokenRE is tokenRE with "~" (Azure AD client secrets, base64url variants).
var genericTokenRE = regexp.MustCompile(`^[A-Za-z0-9+/_=.~-]{16,}$`)

// tokenShaped reports whether s, the value of a generic member, looks
// random rather than like a path or a host name: token characters that mix
// digits with letters, or upper with lower case, and not a lower-case
// dotted name or slashed path (web-01.prod.internal, service/web1/config).
func tokenShaped(s string) bool {
	if !genericTokenRE.MatchString(s) || nameOrPath(s) {
		return false
	}
	var up, lo, dg bool
	for _, r := range s {
		switch {
		case 'A' <= r && r <= 'Z':
			up = true
		case 'a' <= r && r <= 'z':
			lo = true
		case '0' <= r && r <= '9':
			dg = true
		}
	}
	return dg && (up || lo) || up && lo
}

// nameOrPath reports whether s is a host name or a KV path: lower case,
// made of non-empty parts between "." or "/", with no "+", "=" or "~" of
// base64 and Azure secrets.
func nameOrPath(s string) bool {
	if !strings.ContainsAny(s, "./") || strings.ContainsAny(s, "+=~ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		return false
	}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == '/' }) {
		if len(part) >= 16 {
			return false // a long run: a token's (a JWT's parts)
		}
	}
	return !strings.Contains(s, "..") && !strings.Contains(s, "//") && s[0] != '.' && s[len(s)-1] != '.'
}
