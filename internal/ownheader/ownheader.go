// Package ownheader names the replay server's own request headers: those
// its srv.Client() adds to a request it sends to the server for another
// host (the scheme, the Host and a host that is not ASCII, with the
// server's secret). No other client's are honoured, and no path that
// replays or records (the replay server, its in-process transport, the
// recorders) sends them upstream, stores them or names a request by them,
// under any spelling of their keys: a caller may set one as
// req.Header["x-cassette-host"], which Go sends as it is and a server
// reads in canonical form.
package ownheader

import (
	"net/http"
	"strings"
)

// The replay server's own headers, in canonical form.
const (
	Scheme  = "X-Cassette-Scheme"   // the scheme of the URL a request was sent for
	Host    = "X-Cassette-Host"     // its Host header, when it names another host than its URL
	URLHost = "X-Cassette-Url-Host" // its URL's host as written, when it is not ASCII
	Secret  = "X-Cassette-Secret"   // the secret of the server it was sent to
)

// Is reports whether k is the key of one of the replay server's own
// headers, in any spelling.
func Is(k string) bool {
	for _, own := range [...]string{Scheme, Host, URLHost, Secret} {
		if len(k) == len(own) && strings.EqualFold(k, own) {
			return true
		}
	}
	return false
}

// Has reports whether h holds one of the replay server's own headers
// under any spelling of its key, with values or without.
func Has(h http.Header) bool {
	for k := range h {
		if Is(k) {
			return true
		}
	}
	return false
}

// Delete removes from h the replay server's own headers under every
// spelling of their keys.
func Delete(h http.Header) {
	for k := range h {
		if Is(k) {
			delete(h, k)
		}
	}
}

// Without returns h without the replay server's own headers, as a copy
// when it holds one (h is not modified), else h itself.
func Without(h http.Header) http.Header {
	if !Has(h) {
		return h
	}
	c := h.Clone()
	Delete(c)
	return c
}
