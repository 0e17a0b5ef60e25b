package recorder

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/cassette-go/cassette/internal/forwarded"
	"github.com/cassette-go/cassette/internal/refusal"
)

// otherHost returns the scheme and host a request in absolute-form (GET
// http://host/path, as a client sends it to its HTTP proxy: curl -x,
// HTTP_PROXY) asks for when they are neither the upstream's nor the
// proxy's own address; "" otherwise. Such a request is not for the
// upstream: forwarded there, it would be answered by another server and
// recorded under the upstream's host.
func (p *Proxy) otherHost(r *http.Request) string {
	if r.URL == nil || r.URL.Host == "" || forwarded.Asterisk(r.URL) {
		return "" // origin-form (HTTP/2's too): sent to the proxy itself
	}
	if r.Context().Value(http.LocalAddrContextKey) == nil {
		// Given to ServeHTTP directly, not read by a server from a
		// client (httptest.NewRequest("GET", "http://example.com/x",
		// nil)): no proxy request, forwarded as before.
		return ""
	}
	if namesUpstream(r.URL, p.upstream) || ownAddress(r) {
		return ""
	}
	return (&url.URL{Scheme: r.URL.Scheme, Host: r.URL.Host}).String()
}

// namesUpstream reports whether the absolute URL u names the upstream up:
// the same host (however spelled: see hostPort), and the same port or each
// its scheme's own. A client
// given the API's URLs with http:// (https:// ones it would ask of its
// proxy as a tunnel, CONNECT) asks for http://api.example.com/x (port 80)
// of the upstream https://api.example.com (port 443).
func namesUpstream(u, up *url.URL) bool {
	host, port := hostPort(u)
	upHost, upPort := hostPort(up)
	return host == upHost && (port == upPort || isSchemePort(u.Scheme, port) && isSchemePort(up.Scheme, upPort))
}

// hostPort returns the host and port of [forwarded.HostPort], the host
// spelled one way for its spellings: a name without the trailing dot of
// a fully qualified one (api.example.com. is api.example.com), an IP
// address as [net.IP.String] writes it (::ffff:127.0.0.1 is 127.0.0.1),
// and 127.0.0.1 and ::1 as localhost, the name that stands for them.
func hostPort(u *url.URL) (host, port string) {
	hp := forwarded.HostPort(u)
	i := strings.LastIndexByte(hp, ':') // the port's: an IPv6 address comes without brackets
	host, port = strings.TrimSuffix(hp[:i], "."), hp[i+1:]
	if ip := net.ParseIP(host); ip != nil {
		host = ip.String()
		if ip.Equal(net.IPv4(127, 0, 0, 1)) || ip.Equal(net.IPv6loopback) {
			host = "localhost"
		}
	}
	return host, port
}

// isSchemePort reports whether port is the default port of scheme.
func isSchemePort(scheme, port string) bool {
	switch strings.ToLower(scheme) {
	case "http":
		return port == "80"
	case "https":
		return port == "443"
	}
	return false
}

// ownAddress reports whether the host of r's absolute URL names the
// address of the listener that accepted r: a loopback address or name
// (localhost, a name under .localhost), or the listener's IP, with its
// port. An IPv6 address names it too ([::1], [::ffff:127.0.0.1]).
func ownAddress(r *http.Request) bool {
	la, ok := r.Context().Value(http.LocalAddrContextKey).(*net.TCPAddr)
	if !ok {
		return false
	}
	host, port := hostPort(r.URL) // an IPv6 address without brackets, which net.SplitHostPort refuses
	if port != fmt.Sprint(la.Port) {
		return false
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsLoopback() || ip.Equal(la.IP))
}

// refuseOtherHost answers 502 Bad Gateway to a request for another host
// than the upstream's (see otherHost), forwarding and recording nothing,
// and tells [OnError] why ([New] fails the test).
func (p *Proxy) refuseOtherHost(w http.ResponseWriter, r *http.Request, host string) {
	p.refuse(w, &refusal.Error{Kind: refusal.OtherHost, Method: r.Method, Target: p.redact.URL(r.URL).String(), Host: host, Upstream: p.upstream.Redacted()})
}

// refuse answers a request the proxy refuses with its status and
// message, and tells [OnError] (a *refusal.Error, which the command line
// reads by its fields).
func (p *Proxy) refuse(w http.ResponseWriter, refused *refusal.Error) {
	p.cfg.storeFailed(refused)
	http.Error(w, refused.Error(), refused.Status())
}
