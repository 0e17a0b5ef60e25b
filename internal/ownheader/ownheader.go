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
	"io"
	"net/http"
	"slices"
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

// WithoutTrailers returns r, or, when its trailers may hold one of the
// replay server's own headers, a shallow copy of r whose trailers never
// do: a Trailer map of its own, which never holds them under any spelling
// of their keys, and a body that fills it as it ends (as a transport
// reads it before sending the trailers) from the trailers of from, with
// the values the caller set or the client sent by then. from is r, or the
// request r was copied from, whose Trailer its body's writer fills (the
// caller of a transport, or net/http's server for the request it made).
// A chunked HTTP/1.1 request that announces no trailers may still send
// some, which net/http's server adds to from: its body is watched too. r
// is not modified. The replay server drops them so too.
func WithoutTrailers(from, r *http.Request) *http.Request {
	if r.Body == nil || r.Body == http.NoBody {
		return r
	}
	unannounced := r.Trailer == nil && r.ProtoMajor == 1 && slices.Contains(r.TransferEncoding, "chunked")
	if !unannounced && !Has(r.Trailer) {
		return r
	}
	c := *r
	c.Trailer = Without(r.Trailer)
	if c.Trailer == nil {
		// A map that the copies made of c share, as they would share
		// one announced.
		c.Trailer = http.Header{}
	}
	c.Body = &trailersBody{ReadCloser: r.Body, from: from, to: c.Trailer}
	return &c
}

// A trailersBody is the body of a request made by WithoutTrailers: at
// its end, it sets in to, the request's Trailer, the trailers of from but
// the replay server's own.
type trailersBody struct {
	io.ReadCloser
	from *http.Request
	to   http.Header
}

func (b *trailersBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		for k, v := range b.from.Trailer {
			if !Is(k) {
				b.to[k] = v
			}
		}
	}
	return n, err
}
