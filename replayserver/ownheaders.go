package replayserver

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"

	"github.com/cassette-go/cassette/internal/ownheader"
)

// The headers below are the server's own: [Server.Transport] adds them to
// a request it sends to the server for another host, and the server
// removes them before a route, the upstream, a cassette or a report sees
// the request. Any other client could send them too, and so choose the
// scheme and host a request is named by and the Host it goes upstream with: they
// are honoured only with the handler's secret (see ownHeaders).

// schemeHeader carries the scheme of a request that [Server.Transport]
// sent to the server for another host: http or https.
const schemeHeader = ownheader.Scheme

// hostHeader carries the Host header of a request that [Server.Transport]
// sent to the server for another host, when it names another host than
// the URL's (a virtual host at that address): the request is named by
// its URL's host, which its Host then is, and goes upstream with this one.
const hostHeader = ownheader.Host

// urlHostHeader carries the host of the URL of a request that
// [Server.Transport] sent to the server for another host, as the caller
// wrote it, when it is not ASCII (http://bücher.example/): Go's client
// sends such a host to the server in punycode (xn--bcher-kva.example),
// and [NewTransport] and naming.Name name the request by the URL's host
// as written, which the server then names it by too. The request still
// goes upstream as its client sends it: in punycode.
const urlHostHeader = ownheader.URLHost

// secretHeader carries the secret of the handler a request that
// [Server.Transport] sent came to (Handler.secret), which no other client
// knows: without it, schemeHeader, hostHeader and urlHostHeader are not
// the server's.
const secretHeader = ownheader.Secret

// newSecret returns a secret for a handler: 128 random bits, in hex.
func newSecret() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand.Read's doc)
	return hex.EncodeToString(b[:])
}

// ownHeaders returns r as the handler reads it. A request that
// [Server.Transport] sent carries the handler's secret in secretHeader: it
// is r itself, its schemeHeader and hostHeader honoured (the routes, the
// forwarder and the miss report remove them), or, when it carries
// urlHostHeader, a copy of r whose Host is that header's value and whose
// header is a copy without it, so that the request is named, routed and
// reported by the host its caller wrote. Any other request that
// holds one of them (sent by hand, by curl, or forged) is taken as if it
// did not: it is a copy of r without them, under any spelling of their
// keys (a request made in process, given to ServeHTTP, may hold
// r.Header["x-cassette-host"], which no server reads in that form), so
// that they neither name it, nor route it, nor reach the upstream or a
// cassette. A request that holds none is r.
func (h *Handler) ownHeaders(r *http.Request) *http.Request {
	if !ownheader.Has(r.Header) {
		return r
	}
	secret := r.Header[secretHeader]
	if len(r.Header[schemeHeader]) > 0 && len(secret) == 1 && subtle.ConstantTimeCompare([]byte(secret[0]), []byte(h.secret)) == 1 {
		if v := r.Header[urlHostHeader]; len(v) > 0 { // as Get: the name is canonical
			c := *r
			c.Host = v[0]
			c.Header = r.Header.Clone()
			delete(c.Header, urlHostHeader)
			return &c
		}
		return r
	}
	return withoutOwnHeaders(r)
}

// withoutOwnHeaders returns a shallow copy of r whose header is a copy
// without the server's own headers, under any spelling of their keys.
func withoutOwnHeaders(r *http.Request) *http.Request {
	c := *r
	c.Header = r.Header.Clone()
	ownheader.Delete(c.Header)
	return &c
}
