package replayserver

import (
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/cassette-go/cassette/internal/gunzip"
	"github.com/cassette-go/cassette/library"
)

// A reply is a plain recorded response made ready to write: the header as
// it will be sent (with its true Content-Length), and the body. The
// handler keeps one for each exchange of a small cassette it served, so
// that the next hits write it without working the header out again,
// reading few places in memory: with a large library, and the kernel's
// work between two requests, each place read is likely a cache miss (about
// a microsecond on the machine of bench/RESULTS.md). The header's names
// and values of all a cassette's replies are copied into one string, with
// the cassette's name (the key of its hit count, so that finding it reads
// that string too; and the name of a request of another host that gets
// it, the key of that pick), and listed in one slice.
//
// A response is plain when writeExchange would send it in one write: no
// trailers, no recorded chunks, not an event stream, not in a body file,
// nothing to mend or fail the test for, a final status. Others, and
// answers to HEAD or with RecordedTiming, take writeExchange. The header is
// prepared here, once per exchange (its names made canonical, its length
// made true), so that a hit costs no more than a copy of the kept fields.
type reply struct {
	status int
	gzip   bool     // the body is gzip-encoded, and its request did not refuse gzip: a request that does goes to writeExchange (see decodedFor)
	kv     []string // each header field's name, then its values
	counts string   // each field's number of values, one byte each
	body   []byte   // nil when the status allows none
}

// repliesOf returns the replies of c's exchanges, or nil if one is not
// plain, and, copied beside their headers, c's name and pick (the name of
// a request of another host that gets c, if any). The replies are written
// in buf, and the list of their header's names and values in kvBuf, when
// each is long enough: a hit then reads no object of its own for them.
func repliesOf(c library.Cassette, buf []reply, kvBuf []string, pick string) (reps []reply, keys [2]string) {
	reps = buf[:0]
	if len(c.Exchanges) > len(buf) {
		reps = make([]reply, 0, len(c.Exchanges))
		kvBuf = nil // it goes with buf (see Handler.keep)
	}
	reps = reps[:len(c.Exchanges)]
	hdrs := make([]http.Header, len(c.Exchanges))
	size, strs := len(c.Name)+len(pick), 0
	for i := range c.Exchanges {
		ex := &c.Exchanges[i]
		resp := &ex.Response
		if len(resp.Trailer) > 0 || len(resp.Chunks) > 0 || resp.BodyFile != "" || interim(resp.StatusCode) {
			return nil, keys
		}
		hdr := make(http.Header, len(resp.Header)+1)
		p := prepare(hdr, ex, false, false)
		if p.pieces != nil || p.bad != "" || p.trailers || isEventStream(hdr) {
			return nil, keys
		}
		size += len(hdr)
		for k, vv := range hdr {
			if len(vv) > maxReplyValues {
				return nil, keys
			}
			size += len(k)
			for _, v := range vv {
				size += len(v)
			}
			strs += 1 + len(vv)
		}
		hdrs[i] = hdr
		reps[i] = reply{status: p.status, gzip: gunzip.Encoded(hdr) && !refusedGzip(ex.Request)}
		if p.withBody {
			reps[i].body = resp.Body
		}
	}
	var b strings.Builder
	b.Grow(size) // never grown again: the strings taken from it stay put
	str := func(s string) string {
		start := b.Len()
		b.WriteString(s)
		return b.String()[start:]
	}
	keys = [2]string{str(c.Name), str(pick)}
	kv := kvBuf[:0]
	if strs > len(kvBuf) {
		kv = make([]string, 0, strs)
	}
	for i, hdr := range hdrs {
		fields := slices.Sorted(maps.Keys(hdr))
		start, counts := len(kv), b.Len()
		for _, k := range fields {
			b.WriteByte(byte(len(hdr[k])))
		}
		reps[i].counts = b.String()[counts:]
		for _, k := range fields {
			kv = append(kv, str(k))
			for _, v := range hdr[k] {
				kv = append(kv, str(v))
			}
		}
		reps[i].kv = kv[start:len(kv):len(kv)]
	}
	return reps, keys
}

// header returns rep's header as a Go client gets it from writeReply: the
// fields of no value (prepare's mark that no type be sniffed) left out,
// the values copied into all (as many strings as rep's header has values,
// see reply.values), so that a client changing them changes no reply.
func (rep *reply) header(all []string) http.Header {
	hdr := make(http.Header, len(rep.counts))
	kv := rep.kv
	for i := 0; i < len(rep.counts); i++ {
		n := int(rep.counts[i])
		if n > 0 {
			c := copy(all, kv[1:1+n])
			hdr[kv[0]], all = all[:c:c], all[c:]
		}
		kv = kv[1+n:]
	}
	return hdr
}

// values returns how many values rep's header has.
func (rep *reply) values() int { return len(rep.kv) - len(rep.counts) }

// maxReplyValues is the most values a header field of a reply can have
// (its count is a byte); a response with more takes writeExchange.
const maxReplyValues = 255

// writeReply writes rep, as writeExchange would write its exchange. The
// value lists are clipped (len == cap): appending to one never writes into
// the next.
func writeReply(w http.ResponseWriter, rep *reply) {
	hdr := w.Header()
	kv := rep.kv
	for i := 0; i < len(rep.counts); i++ {
		n := 1 + int(rep.counts[i])
		if n == 1 {
			hdr[kv[0]] = nil // a Content-Type left out: no sniffing (see prepare)
		} else {
			hdr[kv[0]] = kv[1:n:n]
		}
		kv = kv[n:]
	}
	w.WriteHeader(rep.status)
	if rep.body != nil {
		w.Write(rep.body)
	}
}
