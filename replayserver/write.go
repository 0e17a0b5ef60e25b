package replayserver

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cassette-go/cassette/library"
)

// writeExchange writes the recorded response byte-exact. A streamed body
// is written piece by piece, each piece flushed: one per event for an
// event stream, one per recorded chunk otherwise. With RecordedTiming each
// piece is written at its recorded time (and a body that was not streamed
// after the recorded latency). It returns the status it sent.
func (h *Handler) writeExchange(w http.ResponseWriter, r *http.Request, ex *library.Exchange) (status int) {
	resp := &ex.Response
	hdr := w.Header()
	p := prepare(hdr, ex, r.Method == http.MethodHead)
	var start time.Time
	if h.cfg.timing {
		start = time.Now()
	}
	if h.cfg.timing && p.pieces == nil && !h.sleep(r.Context(), ex.Latency) {
		return p.status // the client went away
	}
	if p.bad != "" {
		// A hand-edited field that would break the client's parsing of
		// the whole response: sent mended or left out, and the test fails
		// saying where.
		h.failf("replayserver: the recorded response to %s %s has %s; edit the cassette", r.Method, h.redact.URL(r.URL).RequestURI(), p.bad)
	}
	if p.withBody && resp.BodyFile != "" {
		return h.writeBodyFile(w, r, ex, p)
	}
	w.WriteHeader(p.status)
	if p.withBody {
		if p.pieces == nil {
			w.Write(resp.Body)
		} else {
			rc := http.NewResponseController(w)
			from := 0
			for _, pc := range p.pieces {
				if h.cfg.timing && !h.sleep(r.Context(), pc.at-time.Since(start)) {
					return p.status
				}
				if _, err := w.Write(resp.Body[from:pc.end]); err != nil {
					return p.status
				}
				rc.Flush()
				from = pc.end
			}
		}
	}
	setTrailers(hdr, resp.Trailer)
	return p.status
}

// setTrailers sets the recorded trailers in hdr, once the body is written,
// as prepare announced them: without the fields HTTP forbids as trailers,
// values mended by fieldValues.
func setTrailers(hdr, trailer http.Header) {
	for k, v := range trailer {
		if forbiddenTrailer(k) {
			continue
		}
		v, _ = fieldValues(v)
		hdr[k] = v
	}
}

// forbiddenTrailer reports whether HTTP forbids the field named k (as
// recorded) as a trailer: a client rejects the whole response for it.
func forbiddenTrailer(k string) bool {
	switch http.CanonicalHeaderKey(k) {
	case "Content-Length", "Transfer-Encoding", "Trailer", "Host":
		return true
	}
	return false
}

// validFieldName reports whether k is a field name HTTP allows (a token):
// net/http leaves out a header of another name without a word.
func validFieldName(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c >= 0x80 || !tokenChar[c] {
			return false
		}
	}
	return true
}

// tokenChar tells the characters of an HTTP token (RFC 9110, section 5.6.2).
var tokenChar = func() (t [128]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()

// fieldValues returns the values vv of a header field as they may be
// sent: each control character HTTP forbids in a field value (all but tab;
// line breaks, which net/http turns into spaces itself, are left to it)
// replaced by a space. bad reports whether there was any; vv itself is
// never modified.
func fieldValues(vv []string) (out []string, bad bool) {
	for i, v := range vv {
		if strings.IndexFunc(v, forbiddenInValue) < 0 {
			continue
		}
		if !bad {
			out, bad = slices.Clone(vv), true
		}
		out[i] = strings.Map(func(r rune) rune {
			if forbiddenInValue(r) {
				return ' '
			}
			return r
		}, v)
	}
	if !bad {
		return vv, false
	}
	return out, true
}

// forbiddenInValue reports whether r is a control character HTTP forbids
// in a field value, other than the line breaks net/http replaces itself.
func forbiddenInValue(r rune) bool {
	return r < ' ' && r != '\t' && r != '\r' && r != '\n' || r == 0x7f
}

// writeBodyFile writes a response whose body is in a body file, copying
// it from disk as the client takes it (the body is never held in memory):
// the file's size is the Content-Length. A body file that cannot be read
// fails the test and answers 500. It returns the status it sent.
func (h *Handler) writeBodyFile(w http.ResponseWriter, r *http.Request, ex *library.Exchange, p prepared) int {
	hdr := w.Header()
	f, size, err := h.openBody(r, ex)
	if err != nil {
		clear(hdr) // the recorded header is not this answer's
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return http.StatusInternalServerError
	}
	defer f.Close()
	if len(ex.Response.Trailer) == 0 {
		hdr["Content-Length"] = []string{strconv.FormatInt(size, 10)}
	}
	w.WriteHeader(p.status)
	if _, err := io.Copy(w, f); err != nil {
		return p.status // the client went away
	}
	setTrailers(hdr, ex.Response.Trailer)
	return p.status
}

// openBody opens the body file of ex, the answer to r. An error fails the
// test: the library is broken.
func (h *Handler) openBody(r *http.Request, ex *library.Exchange) (io.ReadCloser, int64, error) {
	f, size, err := ex.Response.OpenBody()
	if err != nil {
		err = fmt.Errorf("replayserver: %s %s: the recorded response's body file cannot be read (%w); record it again or fix the cassette's body_file", r.Method, h.redact.URL(r.URL), err)
		h.failf("%v", err)
	}
	return f, size, err
}

// A prepared response says how writeExchange sends an exchange whose
// header is set: the status, and how to write the body.
type prepared struct {
	status   int
	withBody bool
	pieces   []piece // nil: the body in one write
	bad      string  // what in the recorded header or trailers HTTP forbids, mended or left out, for the failure message
}

// prepare sets the header of the response to ex in hdr and returns how to
// send the rest. It is worked out for each request rather than cached:
// copying the recorded header into hdr is the work a cache would save, and
// a cache costs a lookup, memory per exchange and, with a large library,
// cache misses (see bench/RESULTS.md).
func prepare(hdr http.Header, ex *library.Exchange, head bool) prepared {
	resp := &ex.Response
	p := prepared{status: resp.StatusCode}
	if p.status == 0 {
		p.status = http.StatusOK
	}
	for k, v := range resp.Header {
		if len(k) == len("Transfer-Encoding") && strings.EqualFold(k, "Transfer-Encoding") {
			// The framing is the replay server's own (the body's true
			// length, or chunks): a recorded Transfer-Encoding (a HAR
			// keeps it; hop by hop, it is no part of the answer) would
			// contradict it.
			continue
		}
		hdr[k] = v // the values are not modified: net/http only reads them
		if v, bad := fieldValues(v); bad {
			hdr[k], p.bad = v, "a control character in header "+k+", which HTTP does not allow: it was sent as a space"
		}
		if !validFieldName(k) {
			p.bad = fmt.Sprintf("a header named %q, which HTTP does not allow (a name is letters, digits and !#$%%&'*+-.^_`|~): it was left out", k)
		}
	}
	for k, v := range resp.Trailer {
		switch {
		case forbiddenTrailer(k):
			p.bad = "a trailer " + k + ", which HTTP does not allow as a trailer: it was left out"
			continue
		case !validFieldName(k):
			p.bad = fmt.Sprintf("a trailer named %q, which HTTP does not allow: it was left out", k)
			continue
		}
		if _, bad := fieldValues(v); bad {
			p.bad = "a control character in trailer " + k + ", which HTTP does not allow: it was sent as a space"
		}
		// Clipped: appending never writes into the recorded header.
		hdr["Trailer"] = append(slices.Clip(hdr["Trailer"]), k)
	}
	p.withBody = !head && bodyAllowed(p.status)
	if _, ok := hdr["Content-Type"]; !ok && p.withBody {
		// The upstream sent none: net/http would sniff one and add it.
		hdr["Content-Type"] = nil
	}
	if p.withBody {
		p.pieces = streamPieces(resp)
		if p.pieces == nil && len(resp.Trailer) == 0 && resp.BodyFile == "" {
			// The true length, even for a hand-edited body; the recorded
			// one, already in hdr, when it is true.
			if v := hdr["Content-Length"]; len(v) != 1 || !isLength(v[0], len(resp.Body)) {
				hdr["Content-Length"] = []string{strconv.Itoa(len(resp.Body))}
			}
		} else {
			delete(hdr, "Content-Length") // streamed, or trailers: chunked
		}
	}
	return p
}

// A piece is a part of a streamed body: it ends at byte end and was
// received at time at after the request was sent.
type piece struct {
	end int
	at  time.Duration
}

// streamPieces returns how to write a streamed body, or nil for a body
// that was not streamed. An event stream is cut after each event (a blank
// line); other bodies follow their recorded chunks.
func streamPieces(resp *library.Response) []piece {
	valid := resp.ChunksValid()
	if isEventStream(resp.Header) && len(resp.Body) > 0 {
		var ends []int
		body := resp.Body
		for off := 0; off < len(body); {
			i, sep := nextEventEnd(body[off:])
			if i < 0 {
				break
			}
			off += i + sep
			ends = append(ends, off)
		}
		if len(ends) == 0 || ends[len(ends)-1] != len(body) {
			ends = append(ends, len(body))
		}
		pieces := make([]piece, len(ends))
		for i, end := range ends {
			pieces[i] = piece{end: end}
			if valid {
				pieces[i].at = arrival(resp.Chunks, end)
			}
		}
		return pieces
	}
	if !valid {
		return nil
	}
	pieces := make([]piece, len(resp.Chunks))
	end := 0
	for i, c := range resp.Chunks {
		end += c.Size
		pieces[i] = piece{end: end, at: c.At}
	}
	return pieces
}

// nextEventEnd returns the index of the blank line ending the first event
// of b and the length of its separator, or -1.
func nextEventEnd(b []byte) (int, int) {
	best, sep := -1, 0
	for _, s := range [][]byte{[]byte("\n\n"), []byte("\r\n\r\n"), []byte("\r\r")} {
		if i := bytes.Index(b, s); i >= 0 && (best < 0 || i < best) {
			best, sep = i, len(s)
		}
	}
	return best, sep
}

// arrival returns when the byte before end arrived.
func arrival(chunks []library.Chunk, end int) time.Duration {
	total := 0
	for _, c := range chunks {
		total += c.Size
		if total >= end {
			return c.At
		}
	}
	return chunks[len(chunks)-1].At
}

func isEventStream(h http.Header) bool {
	var ct string
	if v := h["Content-Type"]; len(v) > 0 { // as Get would: names are as recorded
		ct = v[0]
	}
	// Most responses are not streams: skip the parse, which allocates.
	if !containsFold(ct, "text/event-stream") {
		return false
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "text/event-stream"
}

// containsFold reports whether s contains substr in any ASCII case.
func containsFold(s, substr string) bool {
	for i := 0; i+len(substr) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(substr)], substr) {
			return true
		}
	}
	return false
}

// sleepCtx waits d, or until ctx is done; it reports whether d passed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// isLength reports whether s is n written in decimal, as strconv.Itoa
// writes it (no sign, no leading zeros).
func isLength(s string, n int) bool {
	if s == "" || (s[0] == '0' && len(s) > 1) {
		return false
	}
	v, err := strconv.Atoi(s)
	return err == nil && v == n && s[0] != '+'
}
