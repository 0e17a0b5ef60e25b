// Package refusal describes a request a recording proxy refuses, neither
// forwarding nor recording it, as an error that the proxy tells its
// OnError and writes to the client in Go's words, and that the command
// line reads by its fields to tell it in its own.
package refusal

import (
	"fmt"
	"net/http"
	"strings"
)

// A Kind is why a request is refused.
type Kind int

const (
	// OtherHost: a proxy request (absolute-form: curl -x, HTTP_PROXY)
	// for a host other than the upstream's.
	OtherHost Kind = iota + 1
	// Tunnel: a CONNECT asking for a tunnel, as a client does of its
	// HTTPS proxy.
	Tunnel
	// HandOver: a CONNECT asking to hand the connection over to another
	// protocol (net/rpc's DialHTTP, HTTP/2's extended CONNECT).
	HandOver
)

// An Error is a refused request.
type Error struct {
	Kind     Kind
	Method   string // the request's method (OtherHost)
	Target   string // its redacted URL (OtherHost), or what it CONNECTs to
	Host     string // the scheme and host it asks for (OtherHost)
	Protocol string // the protocol it asks for (HandOver)
	Upstream string // the redacted URL the proxy forwards to
}

// Status is the status the client is answered with: 502 Bad Gateway for
// another host, 501 Not Implemented for a CONNECT.
func (e *Error) Status() int {
	if e.Kind == OtherHost {
		return http.StatusBadGateway
	}
	return http.StatusNotImplemented
}

// Error says what was refused, why, and what a Go test does instead.
func (e *Error) Error() string {
	var msg string
	switch e.Kind {
	case OtherHost:
		msg = fmt.Sprintf("recorder: %s %s asks the recording proxy for %s, as a client does of its HTTP proxy (curl -x, HTTP_PROXY), "+
			"but the proxy forwards to and records only %s: not forwarded, not recorded. "+
			"Record %s with a recording proxy of its own (recorder.New, or cassette record -upstream %s), "+
			"or a client that calls several hosts with recorder.NewTransport (or replayserver.New and srv.Client())",
			e.Method, e.Target, e.Host, e.Upstream, e.Host, e.Host)
	case HandOver:
		msg = fmt.Sprintf("recorder: CONNECT %s asks the recording proxy to hand the connection over to another protocol (%s), "+
			"as net/rpc's DialHTTP does, or HTTP/2's extended CONNECT for a WebSocket: that is no request answered, so it is not forwarded "+
			"to %s, and nothing of it is recorded. Serve it from a server of the test's own, or run the test against the real server",
			e.Target, e.Protocol, e.Upstream)
	default:
		msg = fmt.Sprintf("recorder: CONNECT %s asks the recording proxy for a tunnel, as a client does of the HTTPS proxy it was given "+
			"(HTTPS_PROXY, or its transport's Proxy, set to the proxy's URL): the proxy forwards requests to %s, it opens no tunnels, "+
			"and what would pass through one is encrypted, so nothing of it is recorded. Point the client's base URL at the proxy's URL, "+
			"or record a client with hard-coded URLs with recorder.NewTransport (or replayserver.New and srv.Client())",
			e.Target, e.Upstream)
	}
	return strings.ReplaceAll(msg, "\n", " ")
}
