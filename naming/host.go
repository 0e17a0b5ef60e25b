package naming

import (
	"net/http"
	"net/netip"
	"net/url"
	"strings"
)

// maxHost is the longest host a name shows in full, in bytes.
const maxHost = 48

// appendHost appends the host of a request (r.URL.Host, else r.Host) as
// the second field of a name, in lower case (ASCII), without its port. A
// host that is empty, longer than maxHost or holds characters other than
// [a-z0-9.-] (an IPv6 literal, say; without its zone) is cut and its other characters
// replaced by "-", and the field ends in "~" and 6 hex digits of a hash of
// the lower-cased host, so that two hosts never share a field. The field
// never holds "_".
func appendHost(b []byte, r *http.Request, u *url.URL) []byte {
	host, _ := splitHostPort(requestHost(r, u))
	host = withoutZone(host)
	if host != "" && len(host) <= maxHost {
		start := len(b)
		for i := 0; i < len(host); i++ {
			c := host[i]
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '.', c == '-':
				b = append(b, c)
			case 'A' <= c && c <= 'Z':
				b = append(b, c-'A'+'a')
			default:
				return appendHashedHost(b[:start], asciiLower(host))
			}
		}
		return b
	}
	return appendHashedHost(b, asciiLower(host))
}

// withoutZone returns host, an IPv6 address, without its zone
// ("fe80::1%en0", or "fe80::1%25en0" as a URL escapes it, is "fe80::1").
// A zone names an interface of the machine that sent the request (en0 on
// one, eth0 on another), which no request on the wire carries: Go's
// client leaves it out of the Host header, so the server never sees it.
// A host that is no IPv6 address with a zone (a raw request's Host that
// does not parse, such as "[::1%a]x") is returned as it is, so that two
// such hosts never share a name.
func withoutZone(host string) string {
	i := strings.IndexByte(host, '%')
	if i < 0 || !strings.Contains(host[:i], ":") {
		return host
	}
	if a, err := netip.ParseAddr(host); err != nil || !a.Is6() || a.Zone() == "" {
		return host
	}
	return host[:i]
}

// appendHashedHost appends the field of a host (in lower case) that
// cannot be shown as it is: cut to maxHost bytes, every character other
// than [a-z0-9.-] (a rune, or an invalid byte) a "-", then "~" and the
// host's hash.
func appendHashedHost(b []byte, host string) []byte {
	start := len(b)
	for _, c := range host {
		if len(b)-start == maxHost {
			break
		}
		if c < 0x80 && strings.IndexByte(hostChars, byte(c)) >= 0 {
			b = append(b, byte(c))
		} else {
			b = append(b, '-')
		}
	}
	if len(b) == start {
		b = append(b, '-')
	}
	b = append(b, '~')
	return appendHash(b, 3, host)
}

// asciiLower returns s with its ASCII letters in lower case: hosts are
// case-insensitive in ASCII only, and other bytes stay as they are so that
// the hash of two different hosts differs.
func asciiLower(s string) string {
	i := 0
	for i < len(s) && !('A' <= s[i] && s[i] <= 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	b := []byte(s)
	for ; i < len(b); i++ {
		if c := b[i]; 'A' <= c && c <= 'Z' {
			b[i] = c - 'A' + 'a'
		}
	}
	return string(b)
}

// hostChars are the characters a host field shows as they are.
const hostChars = "abcdefghijklmnopqrstuvwxyz0123456789.-"

// appendPort appends the port of a request as the third field of a name:
// the explicit port, else 443 for https (or, when the scheme is not set,
// for a request that came over TLS), else 80.
func appendPort(b []byte, r *http.Request, u *url.URL) []byte {
	if _, port := splitHostPort(requestHost(r, u)); port != "" {
		return append(b, port...)
	}
	if isHTTPS(u.Scheme) || u.Scheme == "" && r.TLS != nil {
		return append(b, "443"...)
	}
	return append(b, "80"...)
}

// isHTTPS reports whether scheme is "https" in any ASCII case.
func isHTTPS(scheme string) bool {
	const https = "https"
	if len(scheme) != len(https) {
		return false
	}
	for i := range len(https) {
		if c := scheme[i]; c != https[i] && c != https[i]-'a'+'A' {
			return false
		}
	}
	return true
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
