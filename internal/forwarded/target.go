package forwarded

import (
	"net/url"
	"strings"
)

// Target returns the URL a recording reverse proxy to up sends a request
// for in: up's scheme and host, up's path joined to in's with one slash
// between them, and the queries of both (up's first), as
// httputil.ProxyRequest.SetURL joins them, but for the root: a request
// for "/" (or "") goes to up's path as it is, so that an upstream naming
// an endpoint (https://api.example.com/graphql) gets the requests sent to
// the proxy's base URL at that endpoint, not at "/graphql/", which many
// servers answer with a 404 or a redirect. A request for "*" (OPTIONS *,
// asking about the server as a whole; see [Asterisk]) goes to up's
// server as "*", as a client sends it (Opaque "*"), whatever up's path and
// query.
func Target(up, in *url.URL) *url.URL {
	u := *in
	u.Scheme = up.Scheme
	u.Host = up.Host
	if Asterisk(in) {
		u.Opaque, u.Path, u.RawPath = "*", "", ""
		return &u
	}
	if (in.Path == "" || in.Path == "/") && in.RawPath == "" && up.Path != "" {
		u.Path, u.RawPath = up.Path, up.RawPath
	} else {
		u.Path, u.RawPath = joinPath(up, in)
	}
	switch {
	case up.RawQuery == "":
	case in.RawQuery == "":
		u.RawQuery = up.RawQuery
	default:
		u.RawQuery = up.RawQuery + "&" + in.RawQuery
	}
	return &u
}

// Asterisk reports whether u is the request target "*" of a server-wide
// OPTIONS request (OPTIONS *): as a client sends it (Opaque "*"), or as a
// server reads it (Path "*", which a client sends as "*" too).
func Asterisk(u *url.URL) bool {
	return u.Opaque == "*" || u.Opaque == "" && u.Path == "*"
}

// joinPath joins the paths of a and b with one slash between them, as
// httputil.ProxyRequest.SetURL does, keeping their escaped forms.
func joinPath(a, b *url.URL) (path, rawpath string) {
	if a.RawPath == "" && b.RawPath == "" {
		return singleJoiningSlash(a.Path, b.Path), ""
	}
	apath, bpath := a.EscapedPath(), b.EscapedPath()
	aslash, bslash := strings.HasSuffix(apath, "/"), strings.HasPrefix(bpath, "/")
	switch {
	case aslash && bslash:
		return a.Path + b.Path[1:], apath + bpath[1:]
	case !aslash && !bslash:
		return a.Path + "/" + b.Path, apath + "/" + bpath
	}
	return a.Path + b.Path, apath + bpath
}

func singleJoiningSlash(a, b string) string {
	aslash, bslash := strings.HasSuffix(a, "/"), strings.HasPrefix(b, "/")
	switch {
	case aslash && bslash:
		return a + b[1:]
	case !aslash && !bslash:
		return a + "/" + b
	}
	return a + b
}
