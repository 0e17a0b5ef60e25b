package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cassette-go/cassette/internal/har"
	"github.com/cassette-go/cassette/internal/redact"
	"github.com/cassette-go/cassette/internal/secretscan"
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
    "a=REDACTED; b=REDACTED" and "session=REDACTED; Path=/" are redacted)
    nor another tool's placeholder ("Bearer <TOKEN>", "Bearer {{token}}",
    "Bearer [FILTERED]", "<API_KEY>");
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
    or its user name when it has none, the token (https://TOKEN@host),
    unless a placeholder (https://user:<PASSWORD>@host,
    https://[FILTERED]@host);
  - the same secret fields in form bodies, of responses and requests
    (a Content-Type under any key, content-type as a client may set it;
    client_secret, access_token, ...; in a request's form, which the
    recorder redacts as it does a query, any value of a field it redacts
    however short, and long values of fields named like secret or
    password, consumer_secret, but not of those named like token or key
    alone, a pagination token sent back: next_page_token),
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
    not secrets, nor masked values ("secret": "********"), nor, here as
    in headers, URLs and forms, the placeholders other tools write
    ([FILTERED], <API_KEY>, {{token}}, xxxx).

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

// isJWT reports whether s is a JWT (see [secretscan.IsJWT]).
func isJWT(s string) bool { return secretscan.IsJWT(s) }

// recorderRules are the redaction rules the recorder applies by default:
// the values of the headers they redact must be the placeholder REDACTED
// (or another tool's: see secretscan.Placeholder).
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
					for _, f := range secretscan.URL(v, where) {
						report(f.Kind, f.Where, f.Secret)
					}
					continue
				}
				if strings.EqualFold(k, "Link") {
					// Each <URL> of it: an API's page links repeat
					// the request's query, its token too.
					inURLs := make(map[string]bool)
					for _, u := range linkURLs(v) {
						for _, f := range secretscan.URL(u, where) {
							report(f.Kind, f.Where, f.Secret)
							inURLs[f.Secret] = true
						}
					}
					// And the rest of it as any header's value: a
					// link's parameters, a value that is no list of
					// <URL>s.
					for _, f := range secretscan.Text([]byte(v)) {
						if !inURLs[f.Secret] {
							report(f.Kind, where, f.Secret)
						}
					}
					continue
				}
				for _, f := range secretscan.Text([]byte(v)) {
					report(f.Kind, where, f.Secret)
				}
			}
		}
	}
	header("request", ex.Request.Header)
	for _, f := range secretscan.URL(ex.Request.URL, "request") {
		report(f.Kind, f.Where, f.Secret)
	}
	body := func(side string, h http.Header, b []byte) {
		b = scanned(h, b)
		where := side + " body"
		// Under any key: a client's request may set "content-type",
		// which the recorder stores as set (and reads as Content-Type).
		ct := headerValue(h, "Content-Type")
		if mt, _, _ := strings.Cut(ct, ";"); strings.EqualFold(strings.TrimSpace(mt), "application/x-www-form-urlencoded") {
			// A form holds members, as JSON does: a pagination token
			// (next_page_token) is no secret, in a request's form (the
			// recorder does not redact it) as in a response's (a token
			// response in the form GitHub answers by default). The
			// recorder logs the same fields (see secretscan.Fields). A
			// request's form is redacted as a query is, so the fields it
			// redacts are secrets there whatever their value
			// (token=abc, an OAuth token request's password).
			fields := secretscan.Form
			if side == "request" {
				fields = secretscan.RequestForm
			}
			for _, f := range fields(b) {
				report(f.Kind, where+" "+f.Where, f.Secret)
			}
			for _, f := range secretscan.Text(b) {
				report(f.Kind, where, f.Secret)
			}
			for _, f := range secretscan.JSON(b) { // a JSON body labelled a form
				report(f.Kind, where, f.Secret)
			}
			return
		}
		for _, f := range secretscan.Text(b) {
			report(f.Kind, where, f.Secret)
		}
		for _, f := range secretscan.JSON(b) {
			report(f.Kind, where, f.Secret)
		}
		for _, f := range secretscan.Stream(ct, b) { // SSE, NDJSON
			report(f.Kind, where, f.Secret)
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
		if secretscan.Placeholder(cred) { // REDACTED, or another tool's: Bearer <TOKEN>, [FILTERED], {{token}}
			return "", "", false
		}
		if strings.EqualFold(scheme, "Bearer") {
			return "bearer token", cred, true
		}
		return "unredacted " + name + " credentials", cred, true
	case "Cookie":
		for _, pair := range strings.Split(v, ";") {
			if _, val, _ := strings.Cut(strings.TrimSpace(pair), "="); !secretscan.Placeholder(val) {
				return "unredacted cookie", strings.TrimSpace(pair), true
			}
		}
		return "", "", false
	case "Set-Cookie":
		first, _, _ := strings.Cut(v, ";")
		if _, val, _ := strings.Cut(strings.TrimSpace(first), "="); !secretscan.Placeholder(val) {
			return "unredacted cookie", strings.TrimSpace(first), true
		}
		return "", "", false
	}
	if secretscan.Placeholder(strings.TrimSpace(v)) {
		return "", "", false
	}
	return "unredacted " + name + " header", v, true
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
