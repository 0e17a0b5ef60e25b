package main

import "strings"

// What the recorder's proxy tells OnError of a request it refuses (see
// recorder.Proxy.ServeHTTP): a proxy request for another host than the
// upstream's, a CONNECT asking for a tunnel, one asking to hand the
// connection over to another protocol.
const (
	refusedHostMark     = " asks the recording proxy for "
	refusedHostHow      = ", as a client does of its HTTP proxy"
	refusedHostOnly     = "records only "
	refusedHostEnd      = ": not forwarded, not recorded"
	refusedTunnelMark   = " asks the recording proxy for a tunnel"
	refusedTunnelUp     = "the proxy forwards requests to "
	refusedTunnelUpEnd  = ", it opens no tunnels"
	refusedHandOverMark = " asks the recording proxy to hand the connection over"
	refusedHandOverEnd  = ". Serve it from a server of the test's own, or run the test against the real server"
)

// refusedAdvice reports whether msg, told to the recorder's OnError under
// the command cmd ("cassette record") listening at self, is that of a
// request the proxy refused, neither forwarding nor recording it, and
// returns it in the command line's words: its remedies are Go's
// (recorder.New, recorder.NewTransport, srv.Client()), which a client of
// the command line has not. Other messages are returned as they are.
func refusedAdvice(msg, cmd, self string) (string, bool) {
	head, ok := strings.CutPrefix(msg, "recorder: ")
	if !ok {
		return msg, false
	}
	if strings.HasPrefix(head, "CONNECT ") {
		if i := strings.Index(head, refusedTunnelMark); i >= 0 {
			target := head[len("CONNECT "):i]
			up := between(head, refusedTunnelUp, refusedTunnelUpEnd)
			if up == "" {
				return msg, true
			}
			return cmd + ": CONNECT " + target + " asks " + cmd + " for a tunnel, as a client does of the HTTPS proxy it was given " +
				"(HTTPS_PROXY, or curl -x for an https:// URL): " + cmd + " forwards requests to " + up + ", it opens no tunnels, " +
				"and what would pass through one is encrypted, so nothing of it is recorded (answered 501). " +
				"Give the client " + self + " as its base URL, not as its HTTPS proxy: " + cmd + " sends each request on to " + up, true
		}
		if i := strings.Index(head, refusedHandOverMark); i >= 0 {
			rest := strings.TrimSuffix(head[i+len(refusedHandOverMark):], refusedHandOverEnd)
			return cmd + ": " + head[:i] + " asks " + cmd + " to hand the connection over" + rest +
				" (answered 501). Send it to the real server, not through " + cmd, true
		}
		return msg, false
	}
	i := strings.Index(head, refusedHostMark)
	if i < 0 || !strings.Contains(head, refusedHostHow) {
		return msg, false
	}
	req, rest := head[:i], head[i+len(refusedHostMark):]
	host, _, _ := strings.Cut(rest, refusedHostHow)
	up := between(rest, refusedHostOnly, refusedHostEnd)
	if up == "" {
		return msg, true
	}
	return cmd + ": " + req + " asks " + cmd + " for " + host + ", as a client does of its HTTP proxy (curl -x " + self + ", HTTP_PROXY), " +
		"but " + cmd + " forwards to and records only " + up + ": answered 502, not forwarded, not recorded. " +
		"Record " + host + " with a " + cmd + " of its own (cassette record -upstream " + host + " on another -addr, into another library) " +
		"and send the client's requests for " + host + " there", true
}

// between returns the part of s after the first from and before the next
// to; "" if either is missing.
func between(s, from, to string) string {
	_, after, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	v, _, ok := strings.Cut(after, to)
	if !ok {
		return ""
	}
	return v
}
