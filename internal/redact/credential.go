package redact

import "strings"

// Credential header names are recognised by their parts: the name in
// lower case with "-" and "_" dropped ("X-Vault-Token" is "xvaulttoken")
// is searched for credentialParts; a "token" followed by "s" does not
// count, and one found there is cancelled by notCredentials. The package documentation lists them too: keep both
// in step.
var (
	// credentialParts make a header name a credential's.
	credentialParts = []string{
		"token", "secret", "password", "passwd",
		"apikey", "accesskey", "privatekey", "subscriptionkey",
		"authkey", "appkey", "applicationkey",
		"masterkey", "functionskey", // JSONBin's X-Master-Key, Azure Functions' X-Functions-Key
	}
	// notCredentials make a name with "token" (and no other part) not a
	// credential's (rate limits are counted in "tokens", see above):
	// pagination, cursor, resume and sync
	// tokens, which a client sends back in its next request (redacted,
	// that request would no longer match its cassette); a token's
	// expiry; anti-forgery tokens, worthless without the session cookie
	// (which is redacted).
	notCredentials = []string{
		"pagetoken", "nexttoken", "continuationtoken", "synctoken",
		"paginationtoken", "pagingtoken", "cursortoken", "resumetoken",
		"tokenexpir", "csrf", "xsrf",
	}
)

// An anchor is a credential part and the index in it of a byte that is
// rare in header names, where the search for the part starts.
type anchor struct {
	part string
	at   int
}

// anchors lists, for each byte in either case, the credential parts
// anchored at it: a name is searched in one pass that stops only at the
// rare bytes "w", "k" and "c".
var anchors = func() (t [256][]anchor) {
	for _, p := range credentialParts {
		at := strings.IndexAny(p, "w")
		if at < 0 {
			at = strings.IndexAny(p, "k")
		}
		if at < 0 {
			at = max(strings.IndexAny(p, "c"), 0)
		}
		a := anchor{p, at}
		t[p[at]] = append(t[p[at]], a)
		if u := p[at] - 'a' + 'A'; 'A' <= u && u <= 'Z' {
			t[u] = append(t[u], a)
		}
	}
	return t
}()

// anchored[c] is whether anchors[c] is not empty.
var anchored = func() (t [256]bool) {
	for c, a := range anchors {
		t[c] = len(a) > 0
	}
	return t
}()

// CredentialHeader reports whether a header called name carries a
// credential by the shape of its name alone, the rule the package
// documentation gives: X-Vault-Token, Private-Token,
// X-Shopify-Access-Token, X-Subject-Token, X-Goog-Api-Key, X-Api-Secret
// and Ocp-Apim-Subscription-Key do; X-RateLimit-Remaining-Tokens,
// X-Usage-Prompt-Tokens, X-Next-Page-Token, GitHub-Authentication-Token-Expiration, X-CSRF-Token,
// Idempotency-Key and Sec-WebSocket-Key do not. It does not allocate.
func CredentialHeader(name string) bool {
	token := false
	for i := 0; i < len(name); i++ {
		if !anchored[name[i]] {
			continue
		}
		for _, a := range anchors[name[i]] {
			end, ok := around(name, i, a)
			switch {
			case !ok:
			case a.part != "token":
				return true
			case end == len(name) || lower(name[end]) != 's':
				token = true // "tokens" counts them (X-Usage-Prompt-Tokens)
			}
		}
	}
	return token && !notCredential(name)
}

// around reports whether a.part is in name with its anchor byte at
// name[i], in any case, ignoring "-" and "_", and where in name it ends.
func around(name string, i int, a anchor) (end int, ok bool) {
	j := i + 1
	for k := a.at + 1; k < len(a.part); k++ {
		for j < len(name) && isSep(name[j]) {
			j++
		}
		if j == len(name) || lower(name[j]) != a.part[k] {
			return 0, false
		}
		j++
	}
	end = j
	j = i - 1
	for k := a.at - 1; k >= 0; k-- {
		for j >= 0 && isSep(name[j]) {
			j--
		}
		if j < 0 || lower(name[j]) != a.part[k] {
			return 0, false
		}
		j--
	}
	return end, true
}

func isSep(c byte) bool { return c == '-' || c == '_' }

// notCredential reports whether name, in any case and ignoring "-" and
// "_", contains one of notCredentials.
func notCredential(name string) bool {
	for _, n := range notCredentials {
		for i := 0; i < len(name); i++ {
			if lower(name[i]) != n[0] {
				continue
			}
			if _, ok := around(name, i, anchor{n, 0}); ok {
				return true
			}
		}
	}
	return false
}
