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
// A host name that is not ASCII is one host in both its spellings, as
// written (bücher.example: an Upstream, a URL given to srv.Client(), which
// the server names the request by) and as Go's client sends it and the
// API names itself in a Location (xn--bcher-kva.example): addresses are
// compared as forwarded.HostPort gives them.

// An awayNote holds the answers, recorded from the upstream, that sent a
// client of the server's own address on to the API's own address, each
// until a request for that address comes through Server.Transport.
type awayNote struct {
	mu      sync.Mutex
	pending []awayAnswer // at most maxAway
}

// An awayAnswer is one answer of an awayNote.
type awayAnswer struct {
	to   string // the host and port it sent the client to, as forwarded.HostPort spells them (one host, one spelling)
	line string // what to log
	back bool   // a request for to came through Server.Transport since
}

// maxAway bounds the answers an awayNote holds: one is logged in all.
const maxAway = 64

// noteAway notes an answer recorded from the upstream that sends the
// client next to the API itself, when the request came to the server's
// own address. The first one whose client did not come back, through
// Server.Transport, for that address after it is told when the handler
// closes (see reportAway).
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
	hp := forwarded.HostPort(u)
	for _, p := range a.pending {
		if p.to == hp && !p.back {
			return // told once, if at all
		}
	}
	if len(a.pending) >= maxAway {
		return
	}
	a.pending = append(a.pending, awayAnswer{to: hp, line: "replayserver: " + resp.Request.Method + " " + h.redact.URL(resp.Request.URL).String() + " was answered " + resp.Status +
		" with " + name + " " + h.redact.URL(u).String() + ", the API's own address, and no request for it came to the server after: " +
		"a client sent to the server's URL with a plain http.Client that follows it goes to the API itself, past the server, and what it sends there is not recorded (a redirect, a resumable upload's session). " +
		"Give the client srv.Client() or srv.Transport(), which send every host to the server (another program: send that host's requests to the server too)"})
}

// noteArrival notes that a request for an address came through
// Server.Transport: the clients sent there before came back.
func (h *Handler) noteArrival(r *http.Request) {
	scheme := r.Header.Get(schemeHeader)
	if scheme == "" {
		return
	}
	to := forwarded.HostPort(&url.URL{Scheme: scheme, Host: r.Host})
	a := &h.away
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := range a.pending {
		if a.pending[i].to == to {
			a.pending[i].back = true
		}
	}
}

// reportAway logs the first answer noteAway noted whose client did not
// come back.
func (h *Handler) reportAway() {
	a := &h.away
	a.mu.Lock()
	var line string
	for _, p := range a.pending {
		if !p.back {
			line = p.line
			break
		}
	}
	a.mu.Unlock()
	if line != "" {
		h.logf("%s", line)
	}
}
