package redact

import (
	"net/http"
	"slices"
	"strings"

	"github.com/cassette-go/cassette/internal/headerkey"
	"github.com/cassette-go/cassette/naming"
)

// SignificantWarning is the warning the replay server and cassette record
// log for a significant header (one that names a request) whose values
// the rules redact: it says what of the value is kept before a request is
// named (see [Rules.Header]), and so what still tells cassettes apart. The
// caller prefixes what logs it and may add a way out of its own.
func SignificantWarning(name string) string {
	return "header " + name + " is significant but redacted: " + keptWhenNamed(name) +
		"; to tell callers apart, make another header significant (a tenant or user id)"
}

// keptWhenNamed says what of a redacted value of the header called name
// is kept, as headerRedactor redacts it, and what cassettes are then told
// apart by.
func keptWhenNamed(name string) string {
	switch {
	case equalFold(name, "Cookie"):
		return "the value of each of its cookies is " + Placeholder + " before a request is named, and their names are kept, so cassettes are told apart by the names of the cookies a request sends, not by whose they are"
	case equalFold(name, "Set-Cookie"):
		return "its cookie's value is " + Placeholder + " before a request is named, and the cookie's name and attributes are kept, so cassettes are told apart by those, not by whose the cookie is"
	case headerkey.HopByHop(name):
		// naming.Rules.Validate refuses it: this is for a caller that
		// did not ask.
		return "it is hop-by-hop (a proxy does not pass it on), so no name holds it, redacted or not, and it tells no cassettes apart"
	case equalFold(name, "Authorization"):
		return "its credentials are " + Placeholder + " before a request is named, and its scheme is kept (Bearer, Basic), so cassettes are told apart by the scheme a request uses (only by whether it is present, for a value without one), not by whose credentials they are"
	case equalFold(name, "User-Agent"):
		return "its value is " + Placeholder + " before a request is named unless it is Go's own (Go-http-client/1.1, /2.0, which Go's client sends for a request that sets none, and which counts as none), so cassettes are told apart only by whether a User-Agent other than Go's own is present, not by which agent it names"
	}
	return "its value is " + Placeholder + " before a request is named, so cassettes are told apart only by whether it is present, not by whose it is"
}

// SignificantRedacted returns the headers that rules make significant
// (its routes' included), canonical and sorted, whose values r redacts:
// what is kept of them (see SignificantWarning) alone tells cassettes
// apart, which the recorder and the replay server warn of. A hop-by-hop
// header (Proxy-Authorization), which no name holds, is not one of them.
func (r Rules) SignificantRedacted(rules naming.Rules) []string {
	var out []string
	add := func(hs []string) {
		for _, k := range hs {
			if k := http.CanonicalHeaderKey(k); r.RedactsHeader(k) && !headerkey.HopByHop(k) && !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	add(rules.Headers)
	for _, rt := range rules.Routes {
		add(rt.Rules.Headers)
	}
	slices.Sort(out)
	return out
}

// KeepHint says how the Go options of the replay server and the recorder
// (the same names in both) keep the value of the significant header k
// that they redact, given the headers RedactHeaders names and whether
// NoDefaultRedaction is given: NoDefaultRedaction drops the default rules
// alone, not the headers RedactHeaders names. It follows "or keep its
// value" in the warning both log.
func KeepHint(k string, redactHeaders []string, noDefaultRedaction bool) string {
	named := false
	for _, n := range redactHeaders {
		named = named || len(n) == len(k) && strings.EqualFold(n, k)
	}
	switch {
	case !named:
		return "with NoDefaultRedaction"
	case !noDefaultRedaction && Default().RedactsHeader(k):
		return "with NoDefaultRedaction, leaving it out of RedactHeaders"
	}
	return "by leaving it out of RedactHeaders"
}
