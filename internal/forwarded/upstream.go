package forwarded

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Upstream parses s, the API a recording proxy forwards to: an absolute
// http or https URL without user information. Credentials in it
// (https://user:password@host) would not be sent: a reverse proxy sends
// each client's request as it came, its own Authorization or none, so a
// recording made with them would be one without. Errors name s with its
// credentials replaced (see [Redacted]).
func Upstream(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("upstream %q: must be an absolute http or https URL", Redacted(s))
	}
	if u.User != nil {
		return nil, fmt.Errorf("upstream %s: %w", Redacted(s), errCredentials)
	}
	return u, nil
}

var errCredentials = errors.New("holds credentials (user:password@), which are not sent to the API: send them in the client's requests (an Authorization header, which is redacted before it is stored)")

// Redacted returns s, a URL as a user gave it, parsed or not, with its
// credentials replaced by "xxxxx": the password, as [url.URL.Redacted]
// does, or the user name when there is no password (it is then the
// token). In a URL that does not parse (a bare % in the password, a port
// mistyped) or parses without a host (an opaque one,
// "user:password@host", whose "user" is taken for a scheme, or a path,
// "token@host", "https:/token@host"), what lies between the user's colon,
// before the first "@", and the last "@" is taken for a password, and
// without such a colon what comes before an "@" of the authority for the
// user name.
func Redacted(s string) string {
	u, err := url.Parse(s)
	if err == nil && u.Opaque == "" && u.Host != "" {
		if u.User == nil {
			return s
		}
		if _, ok := u.User.Password(); ok {
			return u.Redacted()
		}
		v := *u
		v.User = url.User("xxxxx")
		return v.String()
	}
	start := 0
	switch {
	case err == nil && u.Opaque == "" && u.Scheme != "":
		// A scheme and a path, no host (a slash missing:
		// https:/TOKEN@host): the path starts with what would be the
		// credentials.
		start = len(u.Scheme) + len(":")
		for start < len(s) && s[start] == '/' {
			start++
		}
	default:
		// The scheme's "://" only if it comes before the credentials:
		// one in a query ("?next=https://...") does not start them.
		if i := strings.Index(s, "://"); i >= 0 && i < strings.IndexByte(s, '@') {
			start = i + len("://")
		}
	}
	at := strings.LastIndex(s[start:], "@")
	if at < 0 {
		return s
	}
	at += start
	// The user's colon comes before the first "@": one after it is a
	// port's ("token@host:80x/v1?email=me@example.com").
	first := start + strings.IndexByte(s[start:], '@')
	if colon := strings.IndexByte(s[start:first], ':'); colon >= 0 {
		colon += start
		return s[:colon+1] + "xxxxx" + s[at:]
	}
	// No password: a user name alone is the token (https://TOKEN@host),
	// when its "@" is in the authority, not in a path or query
	// ("host/v1?email=me@example.com").
	auth := s[start:]
	if i := strings.IndexAny(auth, "/?#"); i >= 0 {
		auth = auth[:i]
	}
	if at = strings.LastIndexByte(auth, '@'); at <= 0 {
		return s
	}
	return s[:start] + "xxxxx" + s[start+at:]
}
