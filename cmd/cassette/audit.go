package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cassette-go/cassette/internal/har"
	"github.com/cassette-go/cassette/internal/redact"
	"github.com/cassette-go/cassette/library"
)

const auditAbout = `
Audit scans the libraries at PATH for secrets that should not be
committed, and exits with status 1 if it finds any, 0 when they are clean:
run it as a pre-commit check, or in CI.

It reports, one line each,

	FILE: cassette NAME exchange N: KIND in WHERE (SECRET masked)

  - sensitive headers not redacted, the headers the recorder redacts:
    Authorization and Proxy-Authorization (a bearer token, or other
    credentials), Cookie, Set-Cookie, X-Api-Key, X-Auth-Token,
    X-Amz-Security-Token, and those named like credentials (X-Vault-Token,
    Private-Token, X-Goog-Api-Key, X-Client-Secret: a name holding token,
    secret, password, api-key, access-key, private-key, subscription-key,
    ...; not X-RateLimit-Remaining-Tokens, X-Next-Page-Token or
    X-CSRF-Token), in requests and responses, whose value is not the
    placeholder REDACTED that the recorder writes ("Bearer REDACTED",
    "a=REDACTED; b=REDACTED" and "session=REDACTED; Path=/" are redacted);
  - API keys of known shapes anywhere in URLs, headers and bodies: AWS
    access key ids (AKIA...), sk-... secret keys, GitHub tokens (ghp_...),
    Slack tokens (xoxb-...), Vault tokens (hvs....);
  - private keys ("-----BEGIN ... PRIVATE KEY-----");
  - JWTs: three base64url segments whose first decodes to JSON with "alg";
  - values of the query parameters the recorder redacts (access_token,
    api_key, token, key, signature, password, ...), however short (but
    not the signing time of a presigned URL, X-Amz-Date, nor a number in
    appid, which the recorder keeps), and
    long hex or base64 values of other query parameters named like token,
    key, secret, signature or password, in the request URL and in the URLs
    of the Location, Content-Location and Referer headers and of a Link;
  - a password in a URL's user information (https://user:PASSWORD@host),
    or its user name when it has none, the token (https://TOKEN@host);
  - the same secret fields in form bodies, of requests and responses
    (client_secret, access_token, ...),
    and their string values (or the strings of their arrays, a form
    echoed as JSON; for key, token, sig, signature, assertion and appid, which name other
    things in JSON too, only values shaped like tokens: 16 or more
    letters, digits and +/_=.~- mixing digits and letters, or upper and
    lower case, not a lower-case host name or path), and those of
    refresh_token, id_token,
    client_token and secret_id (Vault), session_token, auth_token,
    secret_access_key (AWS), secret_key, secret and private_key, as
    members of JSON bodies, at any depth, their names in any case and with or without "_" or "-" (an OAuth token
    response, a Vault login, AWS credentials: sessionToken,
    SecretAccessKey). Pagination tokens (next_page_token, pageToken) are
    not secrets, nor masked values ("secret": "********").

Compressed (gzip or deflate) bodies are scanned decoded, up to their
first 64 MiB decoded (a decompression bomb would fill memory). With -max-age, a cassette
whose newest exchange was recorded longer ago than that is reported too
(cassettes of unknown age are not): stale recordings hide API changes.
`

const auditExample = `
	cassette audit testdata/api
	cassette audit -max-age 90d testdata/api testdata/other.yaml

	# As a git pre-commit hook (.git/hooks/pre-commit):
	#!/bin/sh
	exec cassette audit testdata/api
`

// runAudit runs "cassette audit".
func runAudit(_ context.Context, args []string, stdout, stderr io.Writer) int {
	c := newCmdline("cassette audit", "cassette audit [-max-age AGE] PATH...", auditAbout, auditExample)
	maxAgeFlag := c.fs.String("max-age", "", "also report cassettes recorded longer ago than `AGE`: 90d, 12h, 1h30m")
	pos, code, ok := c.parseOrFail(args, stdout, stderr)
	if !ok {
		return code
	}
	if len(pos) == 0 {
		return c.fail(stderr, "missing PATH")
	}
	var maxAge time.Duration
	if *maxAgeFlag != "" {
		d, err := parseAge(*maxAgeFlag)
		if err != nil {
			return c.fail(stderr, "-max-age %q: %v", *maxAgeFlag, err)
		}
		maxAge = d
	}

	findings, scanned := 0, 0
	t := now()
	for _, path := range pos {
		lib, err := openExisting(path)
		if err != nil {
			fmt.Fprintf(stderr, "cassette audit: %v\n", err)
			return exitError
		}
		all, err := cassettes(lib, nil)
		if err != nil {
			fmt.Fprintf(stderr, "cassette audit: %v\n", err)
			return exitError
		}
		for _, cs := range all {
			scanned++
			file := path
			if lib.IsDir() {
				file = filepath.Join(path, lib.File(cs.Name))
			}
			for i, ex := range cs.Exchanges {
				ex, err := withBody(ex)
				if err != nil {
					fmt.Fprintf(stdout, "%s: cassette %s exchange %d: %v\n", file, cs.Name, i+1, err)
					findings++
					continue
				}
				for _, f := range auditExchange(ex) {
					fmt.Fprintf(stdout, "%s: cassette %s exchange %d: %s\n", file, cs.Name, i+1, printable(f))
					findings++
				}
			}
			if maxAge > 0 {
				if at := newest(cs); !at.IsZero() && t.Sub(at) > maxAge {
					fmt.Fprintf(stdout, "%s: cassette %s: recorded %s ago, older than -max-age %s\n", file, cs.Name, ageOver(t, at, maxAge), *maxAgeFlag)
					findings++
				}
			}
		}
	}
	if findings > 0 {
		fmt.Fprintf(stderr, "cassette audit: %d finding(s) in %d cassette(s)\n", findings, scanned)
		fmt.Fprintln(stderr, "\tredact them when recording (replayserver or recorder RedactHeaders, RedactQuery, BeforeSave), then record again, or edit the files")
		return exitError
	}
	fmt.Fprintf(stdout, "cassette audit: nothing found in %d cassette(s)\n", scanned)
	return exitOK
}

// ageOver writes the age of then, older than limit, as age does, unless
// that reads as the limit itself ("1m" for 90 s over a limit of 1m, "90d"
// for 90 days and 5 hours over 90d): then in every unit down to seconds
// ("1m30s", "90d5h"), or "just over" the limit.
func ageOver(now, then time.Time, limit time.Duration) string {
	s := age(now, then)
	if s != age(now, now.Add(-limit)) {
		return s
	}
	d := now.Sub(then)
	if limit < time.Minute {
		return d.Round(time.Millisecond).String() // 800ms, 1.5s: the units below would say "" or "1s"
	}
	var b strings.Builder
	for _, u := range []struct {
		d    time.Duration
		unit string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if n := d / u.d; n > 0 {
			fmt.Fprintf(&b, "%d%s", n, u.unit)
			d -= n * u.d
		}
	}
	if b.String() == s {
		return "just over " + s
	}
	return b.String()
}

// parseAge parses a Go duration, or a whole number of days: "90d".
func parseAge(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days <= 0 {
			return 0, errors.New("want a positive number of days such as 90d, or a duration such as 12h")
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, errors.New("want a positive number of days such as 90d, or a duration such as 12h")
	}
	return d, nil
}

// placeholder is the value the recorder writes for a redacted secret.
const placeholder = "REDACTED"

// recorderRules are the redaction rules the recorder applies by default:
// the values of the headers they redact must be the placeholder.
var recorderRules = redact.Default()

// auditExchange returns the findings in ex, each "KIND in WHERE (MASKED)".
func auditExchange(ex library.Exchange) []string {
	var out []string
	seen := make(map[[2]string]bool) // where and secret: one finding each
	report := func(kind, where, secret string) {
		if k := [2]string{where, secret}; !seen[k] {
			seen[k] = true
			out = append(out, fmt.Sprintf("%s in %s (%s)", kind, where, mask(secret)))
		}
	}
	header := func(side string, h http.Header) {
		for _, k := range slices.Sorted(maps.Keys(h)) {
			for _, v := range h[k] {
				where := side + " header " + k
				if kind, secret, ok := unredacted(k, v); ok {
					report(kind, where, secret)
					continue
				}
				if slices.ContainsFunc(urlHeaders, func(u string) bool { return strings.EqualFold(u, k) }) {
					for _, f := range scanURL(v, where) {
						report(f.kind, f.where, f.secret)
					}
					continue
				}
				if strings.EqualFold(k, "Link") {
					// Each <URL> of it: an API's page links repeat
					// the request's query, its token too.
					inURLs := make(map[string]bool)
					for _, u := range linkURLs(v) {
						for _, f := range scanURL(u, where) {
							report(f.kind, f.where, f.secret)
							inURLs[f.secret] = true
						}
					}
					// And the rest of it as any header's value: a
					// link's parameters, a value that is no list of
					// <URL>s.
					for _, f := range scanText([]byte(v)) {
						if !inURLs[f.secret] {
							report(f.kind, where, f.secret)
						}
					}
					continue
				}
				for _, f := range scanText([]byte(v)) {
					report(f.kind, where, f.secret)
				}
			}
		}
	}
	header("request", ex.Request.Header)
	for _, f := range scanURL(ex.Request.URL, "request") {
		report(f.kind, f.where, f.secret)
	}
	body := func(side string, h http.Header, b []byte) {
		b = scanned(h, b)
		where := side + " body"
		if mt, _, _ := strings.Cut(h.Get("Content-Type"), ";"); strings.EqualFold(strings.TrimSpace(mt), "application/x-www-form-urlencoded") {
			// A form is a query: its secret fields are found as in a URL
			// (an OAuth token request, or a token response in the form
			// GitHub answers by default).
			for _, f := range scanURL("/?"+string(b), where) {
				f.where = strings.Replace(f.where, where+" query parameter", where+" form field", 1)
				report(f.kind, f.where, f.secret)
			}
			for _, f := range scanJSON(b) { // a JSON body labelled a form
				report(f.kind, where, f.secret)
			}
			return
		}
		for _, f := range scanText(b) {
			report(f.kind, where, f.secret)
		}
		for _, f := range scanJSON(b) {
			report(f.kind, where, f.secret)
		}
	}
	body("request", ex.Request.Header, ex.Request.Body)
	header("response", ex.Response.Header)
	body("response", ex.Response.Header, ex.Response.Body)
	header("response trailer", ex.Response.Trailer)
	return out
}

// unredacted reports whether the value v of header k is a secret that
// should have been redacted, with its kind and the secret part.
func unredacted(k, v string) (kind, secret string, ok bool) {
	if !recorderRules.RedactsHeader(k) || strings.TrimSpace(v) == "" {
		return "", "", false
	}
	name := http.CanonicalHeaderKey(k)
	switch name {
	case "Authorization", "Proxy-Authorization":
		scheme, cred, found := strings.Cut(strings.TrimSpace(v), " ")
		if !found {
			scheme, cred = "", scheme
		}
		cred = strings.TrimSpace(cred)
		if cred == placeholder {
			return "", "", false
		}
		if strings.EqualFold(scheme, "Bearer") {
			return "bearer token", cred, true
		}
		return "unredacted " + name + " credentials", cred, true
	case "Cookie":
		for _, pair := range strings.Split(v, ";") {
			if _, val, _ := strings.Cut(strings.TrimSpace(pair), "="); val != "" && val != placeholder {
				return "unredacted cookie", strings.TrimSpace(pair), true
			}
		}
		return "", "", false
	case "Set-Cookie":
		first, _, _ := strings.Cut(v, ";")
		if _, val, _ := strings.Cut(strings.TrimSpace(first), "="); val != placeholder && val != "" {
			return "unredacted cookie", strings.TrimSpace(first), true
		}
		return "", "", false
	}
	if strings.TrimSpace(v) == placeholder {
		return "", "", false
	}
	return "unredacted " + name + " header", v, true
}

// A finding is a secret found by scanText or scanURL.
type finding struct {
	kind, where, secret string
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

// jwtRE matches what may be a JWT; isJWT decides.
var jwtRE = regexp.MustCompile(`[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*`)

// scanText returns the secrets of known shapes in b.
func scanText(b []byte) []finding {
	var out []finding
	seen := make(map[string]bool)
	add := func(kind, secret string) {
		if !seen[secret] {
			seen[secret] = true
			out = append(out, finding{kind: kind, secret: secret})
		}
	}
	for _, p := range patterns {
		for _, m := range p.re.FindAll(b, -1) {
			add(p.kind, string(m))
		}
	}
	for _, m := range jwtRE.FindAll(b, -1) {
		if isJWT(string(m)) {
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
	if cred == placeholder {
		return "", false
	}
	if strings.EqualFold(scheme, "Basic") {
		b, err := base64.StdEncoding.DecodeString(cred)
		if err != nil || !bytes.ContainsRune(b, ':') || !utf8.Valid(b) {
			return "", false
		}
		return "Basic credentials", true
	}
	if !isJWT(cred) && !tokenShaped(strings.ReplaceAll(cred, "|", "")) {
		return "", false
	}
	return "bearer token", true
}

// isJWT reports whether s is three base64url segments, the first decoding
// to a JSON object with "alg".
func isJWT(s string) bool {
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
// value of theirs but the placeholder is a finding, however short.
var redactedParams = slices.DeleteFunc(redact.Default().Query, func(p string) bool {
	return slices.Contains(redact.Stamps, p)
})

// scanURL returns the secrets in the URL raw, of where ("request",
// "response header Location"): known shapes, a password in its user
// information, values of the query parameters the recorder redacts, and
// long values of other query parameters named like secrets.
func scanURL(raw, where string) []finding {
	var out []finding
	seen := make(map[string]bool)
	u, err := url.Parse(raw)
	if err == nil {
		if pw, ok := u.User.Password(); ok && pw != "" && pw != placeholder {
			out = append(out, finding{kind: "password", where: where + " URL user information", secret: pw})
			seen[pw] = true
		} else if name := u.User.Username(); pw == "" && name != "" && name != placeholder {
			// No password: the user name is the token (https://TOKEN@host,
			// Stripe's https://sk_...:@host), which the recorder redacts.
			out = append(out, finding{kind: "token", where: where + " URL user information", secret: name})
			seen[name] = true
		}
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
			if dv == "" || dv == placeholder {
				continue
			}
			named := slices.ContainsFunc(redactedParams, func(p string) bool { return strings.EqualFold(p, dk) }) && !redact.KeptID(dk, dv)
			if named || secretParam(dk) && tokenRE.MatchString(dv) {
				out = append(out, finding{kind: "token", where: where + " query parameter " + dk, secret: dv})
				seen[dv] = true
			}
		}
	}
	for _, f := range scanText([]byte(raw)) {
		if !seen[f.secret] {
			f.where = where + " URL"
			out = append(out, f)
		}
	}
	return out
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
// and Firebase's): their values are findings only when shaped like a
// token (see tokenShaped).
var genericMembers = map[string]bool{"key": true, "token": true, "sig": true, "signature": true, "assertion": true, "appid": true}

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

// scanJSON returns the string values of secret members (access_token,
// client_secret, password, ...) of body, at any depth, when it is JSON:
// a member's string, or the strings of its array (a form echoed as JSON,
// {"password": ["hunter2"]}, as Python's parse_qs makes it).
func scanJSON(body []byte) []finding {
	var v any
	if len(body) == 0 || !json.Valid(body) || json.Unmarshal(body, &v) != nil {
		return nil
	}
	var out []finding
	secret := func(k string, v any) bool {
		s, ok := v.(string)
		if ok && s != "" && s != placeholder && !masked(s) && (!genericMembers[memberKey(k)] || tokenShaped(s)) {
			out = append(out, finding{kind: "secret JSON member " + k, secret: s})
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

// linkURLs returns the URLs of a Link header's value v (RFC 8288:
// `<https://api/items?page=2>; rel="next", <...>; rel="last"`).
func linkURLs(v string) []string {
	var out []string
	for {
		i := strings.IndexByte(v, '<')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(v[i:], '>')
		if j < 0 {
			return out
		}
		out = append(out, v[i+1:i+j])
		v = v[i+j+1:]
	}
}

// urlHeaders are the headers whose values are URLs, scanned as URLs.
var urlHeaders = []string{"Location", "Content-Location", "Referer"}

// maxDecoded is the most of a body stored in gzip or deflate that show,
// audit and drift decode. A few hundred KiB of gzip in a cassette (a
// decompression bomb, in a pull request say) decode to gigabytes, which
// the tools would hold, and copy, in memory: 64 MiB is as much as a
// replay server decodes of a request body, and what the recorder stores
// of a body by default.
const maxDecoded = 64 << 20

// decoded returns body decoded when its header says gzip or deflate and it
// decodes whole to at most maxDecoded bytes (see [har.DecodeContentUpTo]),
// else body as it is.
func decoded(h http.Header, body []byte) []byte {
	if plain, whole, ok := har.DecodeContentUpTo(headerValue(h, "Content-Encoding"), body, maxDecoded); ok && whole {
		return plain
	}
	return body
}

// scanned returns what audit scans of body: body decoded as [decoded]
// decodes it, or, when it decodes to more than maxDecoded bytes, the first
// maxDecoded of them (a secret there is still found).
func scanned(h http.Header, body []byte) []byte {
	if plain, _, ok := har.DecodeContentUpTo(headerValue(h, "Content-Encoding"), body, maxDecoded); ok {
		return plain
	}
	return body
}

// mask shows the first 4 bytes of a secret (fewer when it is short).
func mask(s string) string {
	n := min(4, len(s)/3)
	return s[:n] + "…"
}

// masked reports whether v is a value an API shows in place of a secret
// it keeps (GitHub's webhook "secret": "********"): nothing but asterisks
// or bullets.
func masked(v string) bool {
	return strings.Trim(v, "*•") == ""
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
