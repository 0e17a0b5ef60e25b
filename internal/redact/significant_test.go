package redact_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/internal/redact"
	"github.com/cassette-go/cassette/naming"
)

// The warning for a significant header the rules redact said of every
// header that cassettes were told apart only by whether it was present:
// of a Cookie the names of the cookies are kept, of an Authorization its
// scheme. It says what Header keeps of each.
func TestSignificantWarningSaysWhatIsKept(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		redacted    string // as Default().Header redacts value
		want        string // in the warning
	}{
		{"Cookie", "session=s3cret; theme=dark", "session=REDACTED; theme=REDACTED", "cassettes are told apart by the names of the cookies a request sends"},
		{"Authorization", "Bearer s3cret", "Bearer REDACTED", "its scheme is kept (Bearer, Basic), so cassettes are told apart by the scheme a request uses"},
		// Hop-by-hop: no name holds it (see TestNoWarningOfAHopByHopHeader).
		{"Proxy-Authorization", "Basic czNjcmV0", "Basic REDACTED", "it is hop-by-hop (a proxy does not pass it on), so no name holds it, redacted or not, and it tells no cassettes apart"},
		{"Set-Cookie", "session=s3cret; Path=/", "session=REDACTED; Path=/", "the cookie's name and attributes are kept"},
		{"X-Api-Key", "s3cret", "REDACTED", "cassettes are told apart only by whether it is present, not by whose it is"},
		{"X-Vault-Token", "hvs.s3cret", "REDACTED", "cassettes are told apart only by whether it is present, not by whose it is"},
	} {
		r := redact.Default()
		r.Headers = append(r.Headers, "User-Agent")
		if got := r.Header(http.Header{tc.name: {tc.value}}).Get(tc.name); got != tc.redacted {
			t.Fatalf("Default().Header(%s: %s) = %q, want %q: the table no longer says how it redacts", tc.name, tc.value, got, tc.redacted)
		}
		w := redact.SignificantWarning(tc.name)
		if !strings.HasPrefix(w, "header "+tc.name+" is significant but redacted: ") || !strings.Contains(w, tc.want) {
			t.Errorf("SignificantWarning(%q) = %q, want it to say %q", tc.name, w, tc.want)
		}
		if tc.redacted != redact.Placeholder && strings.Contains(w, "only by whether it is present, not") {
			t.Errorf("SignificantWarning(%q) = %q, which says only its presence counts, though %q is kept of %q", tc.name, w, tc.redacted, tc.value)
		}
	}
	// A User-Agent redacted by the caller's rules keeps Go's own agent.
	r := redact.Rules{Headers: []string{"User-Agent"}}
	for v, want := range map[string]string{"Go-http-client/1.1": "Go-http-client/1.1", "my-sdk/2.0": "REDACTED"} {
		if got := r.Header(http.Header{"User-Agent": {v}}).Get("User-Agent"); got != want {
			t.Fatalf("Header(User-Agent: %s) = %q, want %q", v, got, want)
		}
	}
	if w := redact.SignificantWarning("User-Agent"); !strings.Contains(w, "unless it is Go's own") {
		t.Errorf("SignificantWarning(%q) = %q, want it to say Go's own agent is kept", "User-Agent", w)
	}
}

// The warning for a redacted User-Agent said cassettes were told apart
// "only by whether it is present and Go's own": Go's own agent, though
// kept, counts as none when a request is named, so a request that sends
// it and one that sends none share a cassette, and only another agent
// tells them apart. The warning says what naming does.
func TestSignificantWarningOfAUserAgentSaysGosOwnCountsAsNone(t *testing.T) {
	r := redact.Rules{Headers: []string{"User-Agent"}}
	rules := naming.Rules{Headers: []string{"User-Agent"}}
	name := func(agent []string) string {
		req, _ := http.NewRequest("GET", "http://api.example.com/x", nil)
		if agent != nil {
			req.Header["User-Agent"] = agent
		}
		return naming.Name(r.Request(req), nil, rules)
	}
	none, goOwn, other, another := name(nil), name([]string{"Go-http-client/1.1"}), name([]string{"my-sdk/1"}), name([]string{"my-sdk/2"})
	if none != goOwn || other != another || none == other {
		t.Fatalf("redacted and named: none %s, Go's own %s, my-sdk/1 %s, my-sdk/2 %s: want Go's own named as none, and any other agent as one", none, goOwn, other, another)
	}
	w := redact.SignificantWarning("User-Agent")
	if !strings.Contains(w, "told apart only by whether a User-Agent other than Go's own is present") || strings.Contains(w, "present and Go's own") {
		t.Errorf("SignificantWarning(%q) = %q, want it to say that only an agent other than Go's own tells cassettes apart", "User-Agent", w)
	}
}

// The warning of a significant redacted Proxy-Authorization promised
// that its scheme told cassettes apart, but a proxy does not pass it on,
// so naming leaves it out, and naming.Rules.Validate refuses it: no
// significant header list that is valid holds it. SignificantRedacted
// does not return it, and the warning, asked for it, says no name holds
// it and promises nothing.
func TestNoWarningOfAHopByHopHeader(t *testing.T) {
	rules := naming.Rules{Headers: []string{"proxy-authorization", "Authorization"}}.
		Route("GET /x", naming.Rules{Headers: []string{"Proxy-Authorization", "X-Api-Key"}})
	if got, want := redact.Default().SignificantRedacted(rules), []string{"Authorization", "X-Api-Key"}; !slices.Equal(got, want) {
		t.Errorf("SignificantRedacted(%v) = %q, want %q", rules.Headers, got, want)
	}
	w := redact.SignificantWarning("Proxy-Authorization")
	if strings.Contains(w, "told apart by") || !strings.Contains(w, "no name holds it") {
		t.Errorf("SignificantWarning(Proxy-Authorization) = %q, want it to say no name holds it, and no promise of what tells cassettes apart", w)
	}
	r, _ := http.NewRequest("GET", "http://api.example.com/y", nil)
	named := func(v string) string {
		r.Header.Set("Proxy-Authorization", v)
		return naming.Name(redact.Default().Request(r), nil, naming.Rules{Headers: []string{"Proxy-Authorization"}})
	}
	if a, b := named("Basic czNjcmV0"), named("Bearer czNjcmV0"); a != b {
		t.Errorf("Proxy-Authorization Basic named %s, Bearer %s: want one name, which leaves it out", a, b)
	}
}
