package main

import "strings"

// awayMark is what the recorder's and the replay server's warnings of an
// answer that sends the client on to the API's own address (a redirect to
// an absolute URL, a resumable upload's session) say of that address.
const awayMark = ", the API's own address"

// awayAdvice returns msg, logged by the recorder or the replay server
// under the command cmd ("cassette record") listening at self, in the
// command line's words when it is the warning of an answer that sends the
// client on to the API's own address: its remedies are Go's
// (srv.Client(), recorder.NewTransport), which a client of the command
// line has not. Such a client comes back with the requests it is sent on
// to when it has the command as its HTTP proxy (curl -x), for an http://
// API: an https:// URL it would ask of the proxy as a tunnel (CONNECT),
// which neither command opens.
func awayAdvice(msg, cmd, self string) string {
	var head string
	switch {
	case strings.HasPrefix(msg, "recorder: "):
		head = strings.TrimPrefix(msg, "recorder: ")
	case strings.HasPrefix(msg, "replayserver: "):
		head = strings.TrimPrefix(msg, "replayserver: ")
	default:
		return msg
	}
	i := strings.Index(head, awayMark)
	if i < 0 || !strings.Contains(head, "srv.Client()") {
		return msg
	}
	head = head[:i+len(awayMark)]
	if strings.HasPrefix(msg, "replayserver: ") {
		head += ", and no request for it came to " + cmd + " after" // the replay server tells it at the end, if so
	}
	return cmd + ": " + head + ": a client that follows it goes to the API itself, past " + cmd + ", and what it sends there is not recorded " +
		"(a redirect, a resumable upload's session), unless it has " + cmd + " as its HTTP proxy (curl -x " + self + ", or HTTP_PROXY=" + self +
		" for Python's urllib and requests) and is given the API's own http:// URLs: it then sends every request to " + cmd +
		", those it is sent on to too (an https:// API's it would ask of its proxy as a tunnel, CONNECT, which " + cmd + " refuses)"
}
