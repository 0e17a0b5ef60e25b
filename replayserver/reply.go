package replayserver

import (
	"net/http"
	"slices"

	"github.com/cassette-go/cassette/library"
)

// A reply is a plain recorded response made ready to write: the header as
// it will be sent (with its true Content-Length) in a slice, and the body.
// The handler keeps one for each exchange of a small cassette it served,
// so that the next hits write it without working the header out again,
// reading few places in memory: with a large library, and the kernel's
// work between two requests, each place read is likely a cache miss.
//
// A response is plain when writeExchange would send it in one write: no
// trailers, no recorded chunks, not an event stream, not in a body file.
// Others, and answers to HEAD or with RecordedTiming, take writeExchange.
type reply struct {
	status int
	header []field
	body   []byte    // nil when the status allows none
	length [1]string // the values of Content-Length when the recorded one is not true
}

// A field is a header's name and values, shared with the cassette (net/http
// only reads them).
type field struct {
	key  string
	vals []string
}

// repliesOf returns the replies of c's exchanges, or nil if one is not
// plain. They are written in buf when it is long enough.
func repliesOf(c library.Cassette, buf []reply) []reply {
	reps := buf[:0]
	if len(c.Exchanges) > len(buf) {
		reps = make([]reply, 0, len(c.Exchanges))
	}
	reps = reps[:len(c.Exchanges)]
	for i := range c.Exchanges {
		ex := &c.Exchanges[i]
		resp := &ex.Response
		if len(resp.Trailer) > 0 || len(resp.Chunks) > 0 || resp.BodyFile != "" || isEventStream(resp.Header) {
			return nil
		}
		hdr := make(http.Header, len(resp.Header)+1)
		p := prepare(hdr, ex, false)
		if p.pieces != nil {
			return nil
		}
		rep := &reps[i]
		*rep = reply{status: p.status, header: make([]field, 0, len(hdr))}
		for k, v := range hdr {
			if k == "Content-Length" && !slices.Equal(v, resp.Header[k]) {
				// Worked out by prepare: kept in the reply, one object less.
				rep.length[0] = v[0]
				v = rep.length[:]
			}
			rep.header = append(rep.header, field{k, v})
		}
		if p.withBody {
			rep.body = resp.Body
		}
	}
	return reps
}

// writeReply writes rep, as writeExchange would write its exchange.
func writeReply(w http.ResponseWriter, rep *reply) {
	hdr := w.Header()
	for _, f := range rep.header {
		hdr[f.key] = f.vals
	}
	w.WriteHeader(rep.status)
	if rep.body != nil {
		w.Write(rep.body)
	}
}
