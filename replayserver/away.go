package replayserver

import (
	"net/http"
	"net/url"
	"sync"

	"github.com/cassette-go/cassette/internal/forwarded"
)

// This file finds the client that an answer sent on to the API itself,
// past the server, so that what it sent there was not recorded: a client
// sent to the server's URL with a plain http.Client, told to go to an
// absolute URL of the API (see forwarded.Away). One with srv.Client(),
// which sends every host to the server, comes back to it for that host.

// An awayNote is the first answer, recorded from the upstream, that sent
// a client of the server's own address on to the API's own address, and
// the addresses the requests that came through Server.Transport were for.
type awayNote struct {
	mu    sync.Mutex
	line  string          // what to log; "" for no such answer
	to    string          // the host and port it sent the client to
	came  map[string]bool // host and port of the requests through Server.Transport
	since bool            // a request for to came through Server.Transport since
}

// noteAway notes an answer recorded from the upstream that sends the
// client next to the API itself, when the request came to the server's
// own address. It is told when the handler closes (see reportAway),
// unless a request for that address came through Server.Transport
// meanwhile: the client followed it to the server.
func (h *Handler) noteAway(resp *http.Response) {
	if h.mode == ModePassthrough || resp.Request == nil || resp.Request.Context().Value(ownKey{}) == nil {
		return
	}
	name, to := forwarded.Away(resp)
	if name == "" {
		return
	}
	u, err := url.Parse(to)
	if err != nil {
		return
	}
	a := &h.away
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.line != "" {
		return
	}
	a.to = forwarded.HostPort(u)
	a.since = a.came[a.to]
	a.line = "replayserver: " + resp.Request.Method + " " + h.redact.URL(resp.Request.URL).String() + " was answered " + resp.Status +
		" with " + name + " " + h.redact.URL(u).String() + ", the API's own address, and no request for it came to the server after: " +
		"a client sent to the server's URL with a plain http.Client that follows it goes to the API itself, past the server, and what it sends there is not recorded (a redirect, a resumable upload's session). " +
		"Give the client srv.Client() or srv.Transport(), which send every host to the server (another program: send that host's requests to the server too)"
}

// noteArrival notes the address a request that came through
// Server.Transport was for.
func (h *Handler) noteArrival(r *http.Request) {
	scheme := r.Header.Get(schemeHeader)
	if scheme == "" {
		return
	}
	to := forwarded.HostPort(&url.URL{Scheme: scheme, Host: r.Host})
	a := &h.away
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.came == nil {
		a.came = make(map[string]bool)
	}
	a.came[to] = true
	if to == a.to {
		a.since = true
	}
}

// reportAway logs the answer noteAway noted, if the client did not come
// back for its address.
func (h *Handler) reportAway() {
	a := &h.away
	a.mu.Lock()
	line := a.line
	if a.since {
		line = ""
	}
	a.mu.Unlock()
	if line != "" {
		h.logf("%s", line)
	}
}
