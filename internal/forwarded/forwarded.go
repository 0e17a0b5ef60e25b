// Package forwarded keeps the forwarding headers a client sent when a
// recording reverse proxy forwards its request.
//
// An [httputil.ReverseProxy] with a Rewrite function removes the
// Forwarded, X-Forwarded-For, X-Forwarded-Host and X-Forwarded-Proto
// headers of the incoming request before it calls Rewrite, so that a
// proxy facing the Internet does not pass on what a client made up. A
// recorder stands in for no proxy: the API is to get the request as the
// client sent it, and the library is to hold that, as with the recording
// transports, which send the request as it is. (A test's own proxy in
// front of the recorder, or an API building links from
// X-Forwarded-Host, depends on them.)
package forwarded

import (
	"net/http"
	"net/http/httputil"
	"strings"
)

// names are the headers ReverseProxy removes before Rewrite.
var names = [...]string{"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto"}

// Keep gives pr.Out the forwarding headers of pr.In, as the client sent
// them: call it from a ReverseProxy's Rewrite function. It adds none the
// client did not send, nor one the client's Connection header named
// (hop-by-hop: for the recorder only, removed as any other so named).
func Keep(pr *httputil.ProxyRequest) {
	for _, name := range names {
		if v, ok := pr.In.Header[name]; ok && !hopByHop(pr.In.Header, name) {
			if pr.Out.Header == nil {
				pr.Out.Header = make(http.Header)
			}
			pr.Out.Header[name] = append([]string(nil), v...)
		}
	}
}

// hopByHop reports whether h's Connection header names the header name.
func hopByHop(h http.Header, name string) bool {
	for _, v := range h["Connection"] {
		for opt := range strings.SplitSeq(v, ",") {
			if http.CanonicalHeaderKey(strings.TrimSpace(opt)) == name {
				return true
			}
		}
	}
	return false
}
