package secretscan

import (
	"slices"
	"strings"

	"github.com/cassette-go/cassette/internal/har"
)

// MaxFieldsBody is the largest body, as stored and decoded, that [Fields]
// scans: a token endpoint's answer is small, and a larger body is left to
// cassette audit, off the recording path.
const MaxFieldsBody = 1 << 20

// Fields returns the names, sorted and each once, of the secret fields
// that a body of the given Content-Type and Content-Encoding holds with a
// value: the secret members of a JSON body, at any depth (see [JSON]), or
// the secret fields of a form (application/x-www-form-urlencoded, found
// by the same rule, see [Form]: a pagination token is none), with a value that is no placeholder
// (empty, "REDACTED", masked "********", "[FILTERED]", "<API_KEY>": see
// [Placeholder]). It is what cassette audit reports of
// such a body, but for secrets found by their shape alone, and never
// returns the values. It is meant for the recording path, so it is cheap
// for the bodies that hold none: it scans only form bodies and those that
// may be JSON (a JSON type, text/plain, or none), of at most
// [MaxFieldsBody] bytes as stored and decoded (gzip or deflate, when the
// encoding says so; a body in another encoding is not scanned), and only
// those whose bytes hold a word of a secret's name (token, key, secret,
// sig, pass, ...) are decoded as JSON or as a form.
func Fields(contentType, contentEncoding string, body []byte) []string {
	if len(body) == 0 || len(body) > MaxFieldsBody {
		return nil
	}
	form, ok := scannedType(contentType)
	if !ok {
		return nil
	}
	if strings.TrimSpace(contentEncoding) != "" && !strings.EqualFold(strings.TrimSpace(contentEncoding), "identity") {
		plain, whole, ok := har.DecodeContentUpTo(contentEncoding, body, MaxFieldsBody)
		if !ok || !whole {
			return nil
		}
		body = plain
	}
	if !mayName(body) {
		return nil
	}
	var names []string
	if form {
		for _, f := range Form(body) {
			names = append(names, f.Name)
		}
	}
	for _, f := range JSON(body) {
		names = append(names, f.Name)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// scannedType reports whether Fields scans a body of Content-Type ct, and
// whether it is a form.
func scannedType(ct string) (form, ok bool) {
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.TrimSpace(mt)
	switch {
	case mt == "":
		return false, true
	case strings.EqualFold(mt, "application/x-www-form-urlencoded"):
		return true, true
	case strings.EqualFold(mt, "text/plain"), hasSuffixFold(mt, "/json"), hasSuffixFold(mt, "+json"):
		return false, true
	}
	return false, false
}

// hasSuffixFold reports whether s ends with suffix, in any ASCII case.
func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

// nameWords are words of which each secret member name (see
// secretMembers and genericMembers) holds one, in lower case: a body
// that holds none, in any case, has no secret field.
var nameWords = []string{"token", "key", "secret", "sig", "passw", "assertion", "verifier", "credential", "appid"}

// wordsAt lists, for each byte in either case, the words of nameWords
// that start with it.
var wordsAt = func() (t [256][]string) {
	for _, w := range nameWords {
		t[w[0]] = append(t[w[0]], w)
		t[w[0]-'a'+'A'] = append(t[w[0]-'a'+'A'], w)
	}
	return t
}()

// mayName reports whether b holds a word of nameWords, in any case: the
// cheap test before b is decoded. It does not allocate.
func mayName(b []byte) bool {
	for i, c := range b {
		for _, w := range wordsAt[c] {
			if len(b)-i >= len(w) && equalFoldLower(b[i+1:i+len(w)], w[1:]) {
				return true
			}
		}
	}
	return false
}

// equalFoldLower reports whether b is lower, a lower-case ASCII word, in
// any ASCII case.
func equalFoldLower(b []byte, lower string) bool {
	for i := range len(lower) {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}
