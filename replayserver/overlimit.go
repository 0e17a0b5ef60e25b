package replayserver

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/cassette-go/cassette/internal/bytesize"
	"github.com/cassette-go/cassette/internal/slowbody"
	"github.com/cassette-go/cassette/recorder"
)

// A request body over MaxBodySize is never stored: recording forwards its
// exchange but does not keep it. So the handler reads no more of a request
// body than the limit, and one byte, to name the request; what it does with
// a body over the limit depends on whether the body is part of the name:
//
//   - when the naming rules leave it out (naming.IgnoreBody), the request
//     is named, answered, forwarded or reported as any other, its body
//     read on (and dropped) or forwarded as it comes;
//   - otherwise no cassette can hold the request: record mode forwards it
//     with its body as it comes (the recorder says it is not stored), and
//     replay mode reports a miss saying why.

// bodyLimit returns the limit of [MaxBodySize] in c, 0 or less for none.
func (c *config) bodyLimit() int64 {
	if c.maxBodySet {
		return c.maxBody
	}
	return recorder.DefaultMaxBodySize
}

// overLimit returns the match of r, whose body is over [MaxBodySize], as
// far as it is known without the body, and whether r can be named: its
// body is not part of its name (then look it up without its body).
func (h *Handler) overLimit(r *http.Request) (m match, named bool) {
	u, _ := h.target(r)
	// The rules that name r are those of the URL it is named by (see
	// lookup): the upstream's path, redacted.
	nr := *r
	nr.URL, nr.Host = h.redact.URL(u), u.Host
	return match{target: u}, h.cfg.rules.IgnoresBody(&nr)
}

// lookupBody returns the match of r, whose body is body, or when over is
// true, whose body is over [MaxBodySize] and body what was read of it; named
// reports whether r's name is known (see overLimit): when it is not, m
// holds only the target.
func (h *Handler) lookupBody(r *http.Request, body []byte, over bool) (m match, named bool) {
	if !over {
		return h.lookup(r, body), true
	}
	if m, named = h.overLimit(r); !named {
		return m, false
	}
	return h.lookup(r, nil), true // its name leaves the body out
}

// discardBody reads the rest of r's body, over [MaxBodySize], of which
// read was read, and drops it: a request is answered once its body
// ended, as one whose body was read whole, so that its client can send it
// all on a connection kept for the next one.
func (h *Handler) discardBody(r *http.Request, read []byte) error {
	_, err := slowbody.Discard(r.Body, slowbody.After, func(n int64) {
		h.logf("replayserver: %s", slowbody.Message(r.Method+" "+h.redact.URL(r.URL).String(), slowbody.After, int64(len(read))+n))
	})
	return err
}

// prefixed returns a body that reads read, then the rest of rest, and
// closes rest.
func prefixed(read []byte, rest io.ReadCloser) io.ReadCloser {
	if len(read) == 0 {
		return rest
	}
	return struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(read), rest), rest}
}

// withRest returns a copy of req, whose body is over [MaxBodySize], that
// sends read, what was read of it, then the rest as it comes; it closes
// req's body. A body whose length the caller did not give keeps it
// unknown (see withBody). A body none of which was read (its length says
// it is over the limit) is req's own, and keeps its GetBody: the recorder
// then knows a body in memory, which ends, and checks its length before
// the upstream has it all.
func withRest(req *http.Request, read []byte) *http.Request {
	r := req.Clone(req.Context())
	r.Body = prefixed(read, req.Body)
	if len(read) > 0 {
		r.GetBody = nil
	}
	if req.ContentLength <= 0 {
		r.ContentLength = -1
	}
	return r
}

// writeOverLimit writes what a miss report says of a request whose body
// is over the limit: why no cassette holds it, and what to do. named tells
// that its name leaves the body out.
func writeOverLimit(b *strings.Builder, limit int64, named bool) {
	if named {
		fmt.Fprintf(b, "\nthe request body is larger than the %s limit (replayserver.MaxBodySize). It is not part of\n"+
			"the name under the rules in use, but recording stores no exchange with a body over the limit:\n"+
			"to record this request, raise the limit with replayserver.MaxBodySize (cassette serve:\n"+
			"-max-body-size), recording and replaying alike.\n", bytesize.Format(limit))
		return
	}
	fmt.Fprintf(b, "\nthe request body is larger than the %s limit (replayserver.MaxBodySize), and recording stores\n"+
		"no exchange with a body over the limit (it is forwarded, not stored): no cassette recorded with\n"+
		"this limit holds this request, and its body was not read whole to name it. A library recorded\n"+
		"with a larger limit may: replay it with the limit it was recorded with. To record it, raise the\n"+
		"limit with replayserver.MaxBodySize (cassette serve: -max-body-size), recording and replaying\n"+
		"alike, and record it again; or leave the body out of the name with the body rule naming.IgnoreBody\n"+
		"(cassette serve and record: -body TYPE=ignore).\n", bytesize.Format(limit))
}

// drained reads the rest of r's body, over [MaxBodySize], of which read was
// read, before r is answered (see discardBody), and reports whether it
// did; if not, r is answered 400.
func (h *Handler) drained(w http.ResponseWriter, r *http.Request, read []byte) bool {
	if err := h.discardBody(r, read); err != nil {
		http.Error(w, "replayserver: reading request body: "+err.Error(), http.StatusBadRequest)
		return false
	}
	return true
}
