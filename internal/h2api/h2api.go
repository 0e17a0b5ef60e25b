// Package h2api gives the tests of the recording paths an HTTP/2 API: a
// server started over TLS or h2c with the transport that reaches it, and
// a handler whose answers have an empty body and trailers after it, as
// Go's HTTP/2 server sends them.
package h2api

import (
	"net/http"
	"net/http/httptest"
)

// Kinds are the kinds of server [Start] starts: "tls" (HTTP/2 over TLS)
// and "h2c" (HTTP/2 without TLS).
var Kinds = []string{"tls", "h2c"}

// Start starts h as an HTTP/2 server of kind (see [Kinds]) and returns it
// with a transport that speaks HTTP/2 to it. The caller closes the server.
func Start(kind string, h http.Handler) (*httptest.Server, http.RoundTripper) {
	srv := httptest.NewUnstartedServer(h)
	if kind == "tls" {
		srv.EnableHTTP2 = true
		srv.StartTLS()
		return srv, srv.Client().Transport
	}
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Start()
	return srv, &http.Transport{Protocols: srv.Config.Protocols}
}

// EmptyPaths are the paths [EmptyWithTrailers] answers.
var EmptyPaths = []string{"/announced", "/unannounced", "/nothing"}

// EmptyWithTrailers answers each of [EmptyPaths] 200 with an empty body
// and the trailer X-Sum: v after it: announced with Content-Length: 0,
// unannounced (http.TrailerPrefix) with Content-Length: 0, and announced
// with nothing written. Over HTTP/2 the client reads a ContentLength of 0
// and gets the trailer as the body ends.
var EmptyWithTrailers = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/announced":
		w.Header().Set("Trailer", "X-Sum")
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
		w.Header().Set("X-Sum", "v")
	case "/unannounced":
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
		w.Header().Set(http.TrailerPrefix+"X-Sum", "v")
	case "/nothing":
		w.Header().Set("Trailer", "X-Sum")
		w.WriteHeader(http.StatusOK)
		w.Header().Set("X-Sum", "v")
	}
})
