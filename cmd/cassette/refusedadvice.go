package main

import (
	"errors"

	"github.com/cassette-go/cassette/internal/refusal"
)

// refusedAdvice reports whether err, told to the recorder's OnError under
// the command cmd ("cassette record") listening at self, is a request the
// proxy refused, neither forwarding nor recording it (a proxy request for
// another host than the upstream's, a CONNECT asking for a tunnel, or one
// asking to hand the connection over to another protocol), and returns
// it in the command line's words: the error's own remedies are Go's
// (recorder.New, recorder.NewTransport, srv.Client()), which a client of
// the command line has not.
func refusedAdvice(err error, cmd, self string) (string, bool) {
	var r *refusal.Error
	if !errors.As(err, &r) {
		return "", false
	}
	switch r.Kind {
	case refusal.OtherHost:
		return cmd + ": " + r.Method + " " + r.Target + " asks " + cmd + " for " + r.Host + ", as a client does of its HTTP proxy (curl -x " + self + ", HTTP_PROXY), " +
			"but " + cmd + " forwards to and records only " + r.Upstream + ": answered 502, not forwarded, not recorded. " +
			"Record " + r.Host + " with a " + cmd + " of its own (cassette record -upstream " + r.Host + " on another -addr, into another library) " +
			"and send the client's requests for " + r.Host + " there", true
	case refusal.HandOver:
		return cmd + ": CONNECT " + r.Target + " asks " + cmd + " to hand the connection over to another protocol (" + r.Protocol + "), " +
			"as net/rpc's DialHTTP does, or HTTP/2's extended CONNECT for a WebSocket: that is no request answered, so it is not forwarded " +
			"to " + r.Upstream + ", and nothing of it is recorded (answered 501). Send it to the real server, not through " + cmd, true
	default:
		return cmd + ": CONNECT " + r.Target + " asks " + cmd + " for a tunnel, as a client does of the HTTPS proxy it was given " +
			"(HTTPS_PROXY, or curl -x for an https:// URL): " + cmd + " forwards requests to " + r.Upstream + ", it opens no tunnels, " +
			"and what would pass through one is encrypted, so nothing of it is recorded (answered 501). " +
			"Give the client " + self + " as its base URL, not as its HTTPS proxy: " + cmd + " sends each request on to " + r.Upstream, true
	}
}
