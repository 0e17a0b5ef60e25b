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
// do: a Trailer map of its own, without them under any spelling of their
// keys, and a body that fills it as it ends (as a transport reads it
// before sending the trailers, or a route after reading the body) from
// the trailers of from, with the values the caller set or the client sent
// by then. from is r, or the request r was copied from, whose Trailer its
// body's writer fills (the caller of a transport, or net/http's server
// for the request it made). The trailers that come may be more than those
// announced: net/http's server adds to from every trailer a chunked
// HTTP/1.1 request sends, announced or not (and one that announces none
// may send some), and Go's HTTP/1.1 client sends every key its caller put
// in req.Trailer by the body's end. So the body of every request that
// announces trailers, or is chunked over HTTP/1.1, is watched. r is not
// modified. The replay server and the recorders drop them so.
//
// Nor do its trailers hold a field that HTTP forbids in trailers (see
// [Forbidden]), which a client may still send (net/http's server adds
// any trailer a chunked request sends): Go's transport refuses to send
// Content-Length, Transfer-Encoding or Trailer as a trailer, and over
// HTTP/2 a request with one of the others (Host, Content-Type,
// Authorization, If-Match...) gets no answer from a Go server, or a
// refusal.
func WithoutTrailers(from, r *http.Request) *http.Request {
	if r.Body == nil || r.Body == http.NoBody {
		return r
	}
	if r.Trailer == nil && !(r.ProtoMajor == 1 && slices.Contains(r.TransferEncoding, "chunked")) {
		return r
	}
	c := *r
	// A map of its own, never from's, which the trailers that come are
	// added to, the server's own too; not nil: the copies made of c (a
	// route's request is one) share it.
	c.Trailer = make(http.Header, len(r.Trailer))
	for k, v := range r.Trailer {
		if !Is(k) && !Forbidden(k) {
			c.Trailer[k] = v
		}
	}
	c.Body = &trailersBody{ReadCloser: r.Body, from: from, to: c.Trailer}
	return &c
}

// Forbidden reports whether k, in any spelling, names a field that HTTP
// does not allow in trailers (RFC 9110, section 6.5.1: those that frame
// the message, route it, authenticate it, modify or control the request,
// the conditionals If-Match, If-None-Match... among them, or describe its
// content), as Go's HTTP/2 server refuses them: the fields of its list
// and every key that begins with If-.
func Forbidden(k string) bool {
	if len(k) >= 3 && strings.EqualFold(k[:3], "If-") {
		return true
	}
	for _, f := range [...]string{
		"Authorization", "Cache-Control", "Connection", "Content-Encoding", "Content-Length",
		"Content-Range", "Content-Type", "Expect", "Host", "Keep-Alive", "Max-Forwards", "Pragma",
		"Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection", "Range", "Realm", "Te",
		"Trailer", "Transfer-Encoding", "Www-Authenticate",
	} {
		if len(k) == len(f) && strings.EqualFold(k, f) {
			return true
		}
	}
	return false
}

// A trailersBody is the body of a request made by WithoutTrailers: at
// its end, it sets in to, the request's Trailer, the trailers of from but
// the replay server's own and those forbidden in trailers.
type trailersBody struct {
	io.ReadCloser
	from *http.Request
	to   http.Header
}

func (b *trailersBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		for k, v := range b.from.Trailer {
			if !Is(k) && !Forbidden(k) {
				b.to[k] = v
			}
		}
	}
	return n, err
}
