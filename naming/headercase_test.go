package naming_test

import (
	"net/http"
	"testing"

	"github.com/cassette-go/cassette/naming"
)

// A significant header set under a key not in canonical form
// (req.Header["x-ms-version"] = ..., as Azure's SDK does; Go sends it as
// is, and a server reads it canonical) names the request as the canonical
// key does: before, it was not seen, and two versions shared a cassette.
func TestSignificantHeaderUnderANonCanonicalKey(t *testing.T) {
	rules := naming.Rules{Headers: []string{"X-Ms-Version"}}
	name := func(h http.Header) string {
		req, _ := http.NewRequest("GET", "https://acct.blob.core.windows.net/c/b", nil)
		req.Header = h
		return naming.Name(req, nil, rules)
	}
	canonical := name(http.Header{"X-Ms-Version": {"2020-01-01"}})
	lower := name(http.Header{"x-ms-version": {"2020-01-01"}})
	other := name(http.Header{"x-ms-version": {"2023-11-03"}})
	none := name(http.Header{})
	if lower != canonical {
		t.Errorf("Name(x-ms-version: 2020-01-01) = %q, want %q as for X-Ms-Version", lower, canonical)
	}
	if other == lower || lower == none {
		t.Errorf("Name(x-ms-version: 2023-11-03) = %q, Name(x-ms-version: 2020-01-01) = %q, Name(none) = %q; want three names", other, lower, none)
	}
}

// Range, always significant, counts under a key not in canonical form too
// (req.Header["range"] = ..., which Go sends as is and a server reads as
// Range): before, such a request had no "~h" suffix, so two ranges of one
// object shared a cassette, and the name recorded by a transport was not
// the one the replay server gives the request.
func TestRangeUnderANonCanonicalKey(t *testing.T) {
	name := func(h http.Header) string {
		req, _ := http.NewRequest("GET", "https://h/object", nil)
		req.Header = h
		return naming.Name(req, nil, naming.Default())
	}
	canonical := name(http.Header{"Range": {"bytes=0-9"}})
	lower := name(http.Header{"range": {"bytes=0-9"}})
	other := name(http.Header{"range": {"bytes=10-19"}})
	if lower != canonical {
		t.Errorf("Name(range: bytes=0-9) = %q, want %q as for Range", lower, canonical)
	}
	if other == lower {
		t.Errorf("Name(range: bytes=10-19) = Name(range: bytes=0-9) = %q, want two names", other)
	}
}

// The body rule is chosen by a Content-Type set under a key not in
// canonical form too (req.Header["content-type"]): before, such a request
// took the rule for a missing Content-Type, and its JSON was hashed byte
// for byte by a transport while a server, reading Content-Type, named it
// by value.
func TestBodyRuleOfAContentTypeUnderANonCanonicalKey(t *testing.T) {
	rules := naming.Rules{Bodies: map[string]naming.BodyRule{"application/json": naming.JSONBody}}
	name := func(h http.Header, body string) string {
		req, _ := http.NewRequest("POST", "https://h/v1/search", nil)
		req.Header = h
		return naming.Name(req, []byte(body), rules)
	}
	canonical := name(http.Header{"Content-Type": {"application/json"}}, `{"a":1,"b":2}`)
	lower := name(http.Header{"content-type": {"application/json"}}, `{"b":2, "a":1}`)
	if lower != canonical {
		t.Errorf(`Name(content-type: application/json, {"b":2, "a":1}) = %q, want %q as for Content-Type`, lower, canonical)
	}
}

// A field set under its canonical key and under another spelling
// (req.Header.Set, then an SDK's req.Header["x-ms-version"]) is sent
// twice, and a server reads both values: the name counts both, in the
// order Go sends them (sorted keys), as for the same request read by a
// server. Before, only the canonical key's value counted, so that
// recorder.NewTransport stored a cassette the replay server never found.
func TestAFieldUnderTwoSpellingsCountsAsAServerReadsIt(t *testing.T) {
	name := func(h http.Header) string {
		req, _ := http.NewRequest("GET", "https://h/object", nil)
		req.Header = h
		return naming.Name(req, nil, naming.Rules{Headers: []string{"X-Ms-Version"}})
	}
	for _, c := range []struct{ sent, read http.Header }{
		{http.Header{"X-Ms-Version": {"1"}, "x-ms-version": {"2"}}, http.Header{"X-Ms-Version": {"1", "2"}}},
		{http.Header{"X-Ms-Version": {"1"}, "X-MS-VERSION": {"2"}}, http.Header{"X-Ms-Version": {"2", "1"}}},
		{http.Header{"Range": {"bytes=0-9"}, "range": {"bytes=0-9"}}, http.Header{"Range": {"bytes=0-9", "bytes=0-9"}}},
	} {
		if got, want := name(c.sent), name(c.read); got != want {
			t.Errorf("Name(%q) = %q, want %q as for %q, which a server reads", c.sent, got, want, c.read)
		}
	}
}

// A header value counts without the spaces and tabs around it: Go sends
// it so, and a server drops those it gets. Before, a value set with them
// (a Range built as " bytes=0-9", a significant header read from a file
// with its newline trimmed but not its spaces) named a request one way
// in recorder.NewTransport and another in the replay server, which
// missed the cassette recorded. So does the Content-Type a body rule gets.
func TestAHeaderValueCountsWithoutTheSpacesAroundIt(t *testing.T) {
	var gotType string
	rules := naming.Rules{
		Headers: []string{"X-Tenant", "User-Agent"},
		Bodies: map[string]naming.BodyRule{"text/plain": func(contentType string, body []byte) []byte {
			gotType = contentType
			return body
		}},
	}
	name := func(h http.Header) string {
		req, _ := http.NewRequest("POST", "https://h/object", nil)
		req.Header = h
		return naming.Name(req, []byte("x"), rules)
	}
	for _, c := range []struct{ sent, read http.Header }{
		{http.Header{"X-Tenant": {" a\t"}}, http.Header{"X-Tenant": {"a"}}},
		{http.Header{"Range": {"bytes=0-9 "}}, http.Header{"Range": {"bytes=0-9"}}},
		{http.Header{"User-Agent": {" "}}, http.Header{"User-Agent": {""}}},
	} {
		if got, want := name(c.sent), name(c.read); got != want {
			t.Errorf("Name(%q) = %q, want %q as for %q, which a server reads", c.sent, got, want, c.read)
		}
	}
	name(http.Header{"Content-Type": {" text/plain; charset=utf-8 "}})
	if gotType != "text/plain; charset=utf-8" {
		t.Errorf("the body rule got the Content-Type %q, want %q", gotType, "text/plain; charset=utf-8")
	}
}

// A significant Cookie counts as one list of its cookie-pairs, however
// the client split it into values and spaced them. Over HTTP/2 Go's
// client sends each pair as a field of its own and a server joins them
// with "; ", so the replay server of a TLS() server or an h2c client read
// Cookie: a=1, Cookie: b=2 as "a=1; b=2", and "a=1;b=2" so too, and named
// the request apart from naming.Name and recorder.NewTransport, which
// counted what the client set: the cassette recorded one way missed the
// other. A Cookie with no pair (empty) is absent, as Go's HTTP/2 client
// sends none. One written in the usual form keeps its name.
func TestACookieCountsAsItsPairsHoweverSplit(t *testing.T) {
	rules := naming.Rules{Headers: []string{"Cookie"}}
	name := func(h http.Header) string {
		req, _ := http.NewRequest("GET", "https://h/account", nil)
		req.Header = h
		return naming.Name(req, nil, rules)
	}
	joined := name(http.Header{"Cookie": {"a=1; b=2"}})
	for _, h := range []http.Header{
		{"Cookie": {"a=1", "b=2"}},
		{"Cookie": {"a=1;b=2"}},
		{"Cookie": {" a=1 ;\tb=2; "}},
		{"Cookie": {"a=1;", ";b=2"}},
		{"Cookie": {"a=1"}, "cookie": {"b=2"}},
	} {
		if got := name(h); got != joined {
			t.Errorf("Name(%q) = %q, want %q as for Cookie: a=1; b=2, which a server reads over HTTP/2", h, got, joined)
		}
	}
	if got, other := name(http.Header{"Cookie": {"b=2", "a=1"}}), joined; got == other {
		t.Errorf("Name(Cookie: b=2, a=1) = %q, the name of Cookie: a=1; b=2: the order of the pairs must count", got)
	}
	none := name(http.Header{})
	for _, h := range []http.Header{{"Cookie": {""}}, {"Cookie": {" ; "}}} {
		if got := name(h); got != none {
			t.Errorf("Name(%q) = %q, want %q as without a Cookie, which Go's HTTP/2 client does not send", h, got, none)
		}
	}
	// The usual form keeps the name it had: the hash of the one value.
	if want := "GET_h_443_account~hbb6d8c08"; joined != want {
		t.Errorf("Name(Cookie: a=1; b=2) = %q, want %q as before", joined, want)
	}
}

// A significant User-Agent counts with the one value a server reads
// first once Go's client sent it, over HTTP/1.1 and HTTP/2 alike: Go
// sends the first value of User-Agent alone, none when it is empty, its
// own Go-http-client/1.1 (or /2.0) when the request sets none, and the
// values of another spelling of the key after its User-Agent line over
// HTTP/1.1. Naming counted every value as set (sorted by key) and no
// agent for none, so that the replay server named each of these requests
// apart from naming.Name and the in-process transports. Go's own agents
// count as absent, as an empty one does: a test never chose them. One
// value under the canonical key keeps the name it had.
func TestASignificantUserAgentCountsAsGoSendsIt(t *testing.T) {
	rules := naming.Rules{Headers: []string{"User-Agent", "X-Tenant"}}
	name := func(h http.Header) string {
		req, _ := http.NewRequest("GET", "https://api.example.com/v1/me", nil)
		req.Header = h
		return naming.Name(req, nil, rules)
	}
	for _, c := range []struct {
		why       string
		sent, one http.Header
	}{
		{"Go sends the first value alone", http.Header{"User-Agent": {"x", "y"}}, http.Header{"User-Agent": {"x"}}},
		{"the User-Agent line comes first", http.Header{"User-Agent": {"x"}, "user-agent": {"y"}}, http.Header{"User-Agent": {"x"}}},
		{"the User-Agent line comes first, whatever the order of the keys", http.Header{"USER-AGENT": {"w"}, "User-Agent": {"x"}}, http.Header{"User-Agent": {"x"}}},
		{"another spelling alone", http.Header{"user-agent": {"y"}}, http.Header{"User-Agent": {"y"}}},
		{"a server's reading over HTTP/1.1 of user-agent: y", http.Header{"User-Agent": {"Go-http-client/1.1", "y"}}, http.Header{"User-Agent": {"y"}}},
		{"an empty User-Agent is not sent", http.Header{"User-Agent": {""}, "user-agent": {"y"}}, http.Header{"User-Agent": {"y"}}},
		{"spaces around", http.Header{"User-Agent": {" x\t"}}, http.Header{"User-Agent": {"x"}}},
		{"none", http.Header{}, http.Header{}},
		{"Go's own over HTTP/1.1", http.Header{"User-Agent": {"Go-http-client/1.1"}}, http.Header{}},
		{"Go's own over HTTP/2", http.Header{"User-Agent": {"Go-http-client/2.0"}}, http.Header{}},
		{"an empty User-Agent, of which Go sends nothing", http.Header{"User-Agent": {"", "y"}}, http.Header{}},
		{"an empty first value of another spelling, sent over HTTP/1.1 after Go's own, and not over HTTP/2", http.Header{"user-agent": {"", "y"}}, http.Header{}},
	} {
		c.sent.Set("X-Tenant", "acme")
		c.one.Set("X-Tenant", "acme")
		if got, want := name(c.sent), name(c.one); got != want {
			t.Errorf("%s: Name(%q) = %q, want %q as for %q", c.why, c.sent, got, want, c.one)
		}
	}
	if got, other := name(http.Header{"User-Agent": {"x"}}), name(http.Header{"User-Agent": {"y"}}); got == other {
		t.Errorf("Name(User-Agent: x) = Name(User-Agent: y) = %q: a significant User-Agent must count", got)
	}
	// The usual form keeps the name it had.
	for _, c := range []struct {
		h     http.Header
		rules naming.Rules
		want  string
	}{
		{http.Header{"User-Agent": {"weather-go/2"}}, naming.Rules{Headers: []string{"User-Agent"}}, "GET_api.example.com_443_v1_me~h3fe29c16"},
		{http.Header{"User-Agent": {"weather-go/2"}, "X-Tenant": {"acme"}}, rules, "GET_api.example.com_443_v1_me~h07ae1bb1"},
	} {
		req, _ := http.NewRequest("GET", "https://api.example.com/v1/me", nil)
		req.Header = c.h
		if got := naming.Name(req, nil, c.rules); got != c.want {
			t.Errorf("Name(%q) = %q, want %q as before", c.h, got, c.want)
		}
	}
}
