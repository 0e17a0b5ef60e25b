package naming

import (
	"net/http"
	"net/url"
	"strings"
)

// maxHost is the longest host a name shows in full, in bytes.
const maxHost = 48

// hostField renders the host of a request (r.URL.Host, else r.Host) as the
// second field of a name, in lower case (ASCII), without its port. A host that is
// empty, longer than maxHost or holds characters other than [a-z0-9.-] (an
// IPv6 literal, say) is cut and its other characters replaced by "-", and
// the field ends in "~" and 6 hex digits of a hash of the lower-cased host,
// so that two hosts never share a field. The field never holds "_".
func hostField(r *http.Request, u *url.URL) string {
	host, _ := splitHostPort(requestHost(r, u))
	host = asciiLower(host)
	if host != "" && len(host) <= maxHost && strings.Trim(host, hostChars) == "" {
		return host
	}
	var b strings.Builder
	for _, c := range host {
		if c < 0x80 && strings.IndexByte(hostChars, byte(c)) >= 0 {
			b.WriteRune(c)
		} else {
			b.WriteByte('-')
		}
	}
	f := b.String()
	f = f[:min(len(f), maxHost)]
	if f == "" {
		f = "-"
	}
	return f + "~" + hostHash(host)
}

// asciiLower returns s with its ASCII letters in lower case: hosts are
// case-insensitive in ASCII only, and other bytes stay as they are so that
// the hash of two different hosts differs.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c - 'A' + 'a'
		}
	}
	return string(b)
}

// hostChars are the characters a host field shows as they are.
const hostChars = "abcdefghijklmnopqrstuvwxyz0123456789.-"

// portField returns the port of a request as the third field of a name:
// the explicit port, else 443 for https (or, when the scheme is not set,
// for a request that came over TLS), else 80.
func portField(r *http.Request, u *url.URL) string {
	if _, port := splitHostPort(requestHost(r, u)); port != "" {
		return port
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme == "https" || scheme == "" && r.TLS != nil {
		return "443"
	}
	return "80"
}

// requestHost returns the host and port a request was sent to.
func requestHost(r *http.Request, u *url.URL) string {
	if u.Host != "" {
		return u.Host
	}
	return r.Host
}

// splitHostPort splits "host:port", "[ipv6]:port", "host" or "[ipv6]"
// into a host (without brackets) and a port of 1 to 5 digits, or "" when
// there is none. What does not parse is all host, so that it still ends up
// in the host field's hash.
func splitHostPort(hostport string) (host, port string) {
	if inner, ok := strings.CutPrefix(hostport, "["); ok {
		h, rest, ok := strings.Cut(inner, "]")
		if !ok {
			return hostport, ""
		}
		if rest == "" {
			return h, ""
		}
		if p, ok := strings.CutPrefix(rest, ":"); ok && isPort(p) {
			return h, p
		}
		return hostport, ""
	}
	if strings.Count(hostport, ":") != 1 { // no port, or a bare IPv6 address
		return hostport, ""
	}
	h, p, _ := strings.Cut(hostport, ":")
	if !isPort(p) {
		return hostport, ""
	}
	return h, p
}

// isPort reports whether p is empty or a port of at most 5 digits.
func isPort(p string) bool {
	return len(p) <= 5 && digits(p) == len(p)
}
