package redact

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"
)

// Path patterns redact what their groups hold, or their whole match, in a
// request URL, a server request's RequestURI and URL-valued headers; the
// rest of the path stays byte for byte, and redacting twice changes
// nothing more.
func TestPathPatterns(t *testing.T) {
	r := Rules{Paths: []*regexp.Regexp{
		regexp.MustCompile(`^/bot([^/]+)/`),                       // Telegram
		regexp.MustCompile(`^/services/([^/]+)/([^/]+)/([^/]+)$`), // Slack
		regexp.MustCompile(`sk_live_[0-9a-zA-Z]+`),                // no group: the whole match
		nil, // ignored
	}}
	for _, c := range []struct{ in, want string }{
		{"https://api.telegram.org/bot123456:ABC-def/getMe?x=1", "https://api.telegram.org/botREDACTED/getMe?x=1"},
		{"https://hooks.slack.com/services/T000/B111/xoxSECRET", "https://hooks.slack.com/services/REDACTED/REDACTED/REDACTED"},
		{"http://x/v1/keys/sk_live_abc123/and/sk_live_def456", "http://x/v1/keys/REDACTED/and/REDACTED"},
		{"http://x/a%2Fb/bot1/x", "http://x/a%2Fb/bot1/x"}, // anchored: not at the start
		{"http://x/bot%2Fsecret/getMe", "http://x/botREDACTED/getMe"},
		{"https://api.telegram.org/botREDACTED/getMe", "https://api.telegram.org/botREDACTED/getMe"},
		{"http://x/plain/path", "http://x/plain/path"},
	} {
		u, err := url.Parse(c.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.URL(u).String(); got != c.want {
			t.Errorf("URL(%s) = %s, want %s", c.in, got, c.want)
		}
		if got := r.urlString(c.in); got != c.want {
			t.Errorf("urlString(%s) = %s, want %s", c.in, got, c.want)
		}
		if got := r.URL(r.URL(u)).String(); got != c.want {
			t.Errorf("URL twice (%s) = %s, want %s", c.in, got, c.want)
		}
	}
	req, _ := http.NewRequest("GET", "http://127.0.0.1:1/bot99:tok/getMe?offset=2", nil)
	req.RequestURI = "/bot99:tok/getMe?offset=2"
	out := r.Request(req)
	if out.RequestURI != "/botREDACTED/getMe?offset=2" || out.URL.Path != "/botREDACTED/getMe" {
		t.Errorf("Request: RequestURI %q, path %q", out.RequestURI, out.URL.Path)
	}
	h := r.Header(http.Header{"Location": {"/bot99:tok/file/1"}, "X-Other": {"/bot99:tok/"}})
	if h.Get("Location") != "/botREDACTED/file/1" || h.Get("X-Other") != "/bot99:tok/" {
		t.Errorf("Header: %v", h)
	}
	if got := (Rules{}).With(r).Paths; len(got) != len(r.Paths) {
		t.Errorf("With kept %d path patterns, want %d", len(got), len(r.Paths))
	}
}

// A path given in a URL's opaque part ("//host/path", how a Go client
// sends a path it escaped itself, or "/path") is redacted too: the name of
// the request is made from it, and once kept the secret (a Telegram bot's
// token in the cassette's file name, lower-cased).
func TestPathPatternsInOpaque(t *testing.T) {
	r := Rules{Paths: []*regexp.Regexp{regexp.MustCompile(`^/bot([^/]+)/`)}}
	for _, c := range []struct{ opaque, want string }{
		{"//api.telegram.org/bot123:SECRET/getMe", "//api.telegram.org/botREDACTED/getMe"},
		{"/bot123:SECRET/getMe", "/botREDACTED/getMe"},
		{"//api.telegram.org", "//api.telegram.org"},
		{"//api.telegram.org/x/bot1/getMe", "//api.telegram.org/x/bot1/getMe"}, // anchored: not at the start
	} {
		u := &url.URL{Scheme: "https", Host: "api.telegram.org", Opaque: c.opaque, RawQuery: "offset=2"}
		got := r.URL(u)
		if got.Opaque != c.want || got.RawQuery != "offset=2" {
			t.Errorf("URL(opaque %q) has opaque %q, query %q, want %q, %q", c.opaque, got.Opaque, got.RawQuery, c.want, "offset=2")
		}
		if u.Opaque != c.opaque {
			t.Errorf("URL(opaque %q) changed its argument to %q", c.opaque, u.Opaque)
		}
	}
}
