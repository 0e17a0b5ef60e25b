package replayserver

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cassette-go/cassette/internal/gunzip"
	"github.com/cassette-go/cassette/internal/headerkey"
	"github.com/cassette-go/cassette/internal/ownheader"
	"github.com/cassette-go/cassette/library"
)

// writeExchange writes the recorded response byte-exact. A streamed body
// is written piece by piece, each piece flushed: one per event for an
// event stream, one per recorded chunk otherwise. With RecordedTiming each
// piece is written at its recorded time (and a body that was not streamed
// after the recorded latency). An exchange recorded with an interim
// status is refused (see refusal). It returns the status it sent.
func (h *Handler) writeExchange(w http.ResponseWriter, r *http.Request, ex *library.Exchange) (status int) {
	resp := &ex.Response
	hdr := w.Header()
	if msg := h.refusal(r, ex, ""); msg != "" {
		ph, body := plainAnswer(msg)
		clear(hdr) // the recorded header is not this answer's
		maps.Copy(hdr, ph)
		w.WriteHeader(http.StatusBadGateway)
		if r.Method != http.MethodHead {
			w.Write(body)
		}
		return http.StatusBadGateway
	}
	p := prepare(hdr, ex, r.Method == http.MethodHead, r.ProtoMajor >= 2)
	decoded := false // the body is sent decoded (see decodedFor)
	if n, ok := decodedFor(r, ex, hdr, p); ok {
		decoded = true
		setDecoded(hdr, p, n)
	}
	var start time.Time
	if h.cfg.timing {
		start = time.Now()
	}
	if h.cfg.timing && p.pieces == nil && !h.sleep(r.Context(), ex.Latency) {
		return p.status // the client went away
	}
	h.reportBad(r, p)
	if p.withBody && resp.BodyFile != "" {
		return h.writeBodyFile(w, r, ex, p)
	}
	w.WriteHeader(p.status)
	if p.withBody {
		switch {
		case decoded && p.pieces != nil:
			// A stream: its pieces decoded as they come, each flushed, at
			// their recorded times with RecordedTiming.
			h.writeDecodedStream(w, r, resp.Body, p.pieces, start)
		case decoded:
			io.Copy(w, gunzip.NewReader(resp.Body)) // as it decodes: never whole in memory
		case p.pieces == nil:
			w.Write(resp.Body)
		default:
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
	setTrailers(w, p, resp.Trailer)
	return p.status
}

// writeDecodedStream writes the gzip-encoded stream body, cut in pieces,
// decoded, flushing what each piece decodes to; with RecordedTiming each
// piece is decoded at its recorded time after start.
func (h *Handler) writeDecodedStream(w http.ResponseWriter, r *http.Request, body []byte, pieces []piece, start time.Time) {
	src := gunzip.StreamReader(h.pacedStream(r.Context(), body, pieces, start))
	rc := http.NewResponseController(w)
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if _, err := w.Write(buf[:n]); err != nil {
				return // the client went away
			}
			rc.Flush()
		}
		if err != nil {
			return
		}
	}
}

// pacedStream returns body handed out piece by piece: each Read gives no
// more than the rest of a piece, and, with RecordedTiming, the first bytes
// of a piece at its recorded time after start.
func (h *Handler) pacedStream(ctx context.Context, body []byte, pieces []piece, start time.Time) *pacedBody {
	sleep := h.sleep
	if !h.cfg.timing {
		sleep = func(context.Context, time.Duration) bool { return true }
	}
	return &pacedBody{ctx: ctx, body: body, pieces: pieces, start: start, sleep: sleep}
}

// decodedFor returns the length of the body of ex decoded, and whether it
// is to be sent decoded, for a request r that refuses gzip (Python's
// urllib asks for identity), when ex's answer, prepared in hdr and p, is
// gzip-encoded and its request did not refuse gzip: the API would have
// answered r in the identity encoding. Not for an answer to a HEAD or
// without a body, a 206 (a range of the gzip), or a body that does not
// decode. An API that sent gzip to a client refusing it, as recorded,
// sends it again. The body is decoded to be measured, then again as it is
// sent ([gunzip.NewReader]), never kept whole: one that expands a
// thousandfold costs no memory. A body in a body file is measured by
// openBodyFor.
func decodedFor(r *http.Request, ex *library.Exchange, hdr http.Header, p prepared) (int64, bool) {
	if ex.Response.BodyFile != "" || !toDecode(r, ex, hdr, p) {
		return 0, false
	}
	if p.pieces != nil {
		return gunzip.DecodedStreamLen(ex.Response.Body) // a stream the client stopped is cut off
	}
	return gunzip.DecodedLen(ex.Response.Body)
}

// toDecode reports whether the body of ex, prepared in hdr and p, is to
// be sent decoded to r if it decodes (see decodedFor).
func toDecode(r *http.Request, ex *library.Exchange, hdr http.Header, p prepared) bool {
	return p.withBody && p.status != http.StatusPartialContent &&
		gunzip.Encoded(hdr) && gunzip.Refuses(r.Header) && !refusedGzip(ex.Request)
}

// openBodyFor opens the body file of ex, the answer to r, and returns
// what to send of it and its length: decoded as it is read, with decoded
// true, when decode says r refuses the gzip it holds (see toDecode) and it
// decodes, else as recorded; and fileSize, the length of the file. The file is measured decoded as
// it is read from disk ([gunzip.DecodedLenOf]), up to as much as a body
// in a cassette, then read again from its start as it is sent, never held
// whole in memory: from the one opening, so that the body sent is the one
// measured, though the library be saved again (a new file renamed over
// it) or the file removed in between. An error fails the test (see
// openBody).
func (h *Handler) openBodyFor(r *http.Request, ex *library.Exchange, decode bool) (body io.ReadCloser, n, fileSize int64, decoded bool, err error) {
	f, size, err := h.openBody(r, ex)
	if err != nil || !decode {
		return f, size, size, false, err
	}
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		return f, size, size, false, nil
	}
	n, decoded = gunzip.DecodedLenOf(bufio.NewReader(rs))
	if decoded {
		measured(ex.Response.BodyFile)
	}
	if _, err := rs.Seek(0, io.SeekStart); err != nil {
		f.Close()
		err = fmt.Errorf("replayserver: %s %s: the recorded response's body file %s cannot be read again from its start (%w); record it again or fix the cassette's body_file", r.Method, h.redact.URL(r.URL), ex.Response.BodyFile, err)
		h.failf("%v", err)
		return nil, 0, 0, false, err
	}
	if decoded {
		return gunzip.Reader(f), n, size, true, nil
	}
	return f, size, size, false, nil
}

// measured is called by openBodyFor with the body file it has measured
// decoded, before it is sent: a test's hook.
var measured = func(string) {}

// refusedGzip reports whether the recorded request refused gzip. An empty
// Accept-Encoding does not: it is what a Go caller of the in-process
// recorder may have set, and http.Transport then asked for gzip on the
// wire all the same (the recorder stores the caller's header).
func refusedGzip(req library.Request) bool {
	h := canonical(req.Header) // a hand-written "accept-encoding" too
	return h.Get("Accept-Encoding") != "" && gunzip.Refuses(h)
}

// setDecoded sets hdr for a body decoded by decodedFor, n bytes long: no
// Content-Encoding, nor the digests of the gzip (Content-Digest,
// Repr-Digest, Digest, Content-MD5), which a client checking them would
// find wrong, and its length: unless trailers follow over HTTP/1.1 or
// the body is a stream (it is then chunked, as prepare made it), and
// wherever prepare kept the recorded one (over HTTP/2, with trailers).
func setDecoded(hdr http.Header, p prepared, n int64) {
	for _, k := range []string{"Content-Encoding", "Content-Digest", "Repr-Digest", "Digest", "Content-Md5"} {
		delete(hdr, k)
	}
	if _, kept := hdr["Content-Length"]; kept || !p.trailers && p.pieces == nil {
		hdr["Content-Length"] = []string{strconv.FormatInt(n, 10)}
	}
}

// hopByHop reports whether the response header field k describes the
// connection it came on, not the answer: Connection, Keep-Alive,
// Proxy-Connection, Upgrade, TE, and the fields the header h names in
// Connection (as httputil.ReverseProxy removes them; an Upgrade field
// would also make an HTTP/2 answer malformed).
func hopByHop(k string, h http.Header) bool {
	switch k {
	case "Connection", "Keep-Alive", "Proxy-Connection", "Upgrade", "Te":
		return true
	}
	for _, v := range h["Connection"] {
		for f := range strings.SplitSeq(v, ",") {
			if f = textproto.TrimString(f); f != "" && http.CanonicalHeaderKey(f) == k {
				return true
			}
		}
	}
	return false
}

// reportBad fails the test when p, prepared to answer r, says the
// recorded header or trailers hold a hand-edited field that would break
// the client's parsing of the whole response (sent mended or left out),
// saying where.
func (h *Handler) reportBad(r *http.Request, p prepared) {
	if p.bad != "" {
		h.failf("replayserver: the recorded response to %s %s has %s; edit the cassette", r.Method, h.redact.URL(r.URL).RequestURI(), p.bad)
	}
}

// refusal returns, when ex, the exchange to answer r with, holds an
// interim status (1xx: only there by hand, or from a HAR's WebSocket
// upgrade), the message of the 502 that answers r instead, having failed
// the test with it; "" for a final status. Sent, an interim answer would
// be followed by a 200 of no body, or, for a 101, leave the client
// waiting on the connection. cassette is the name of the cassette that
// holds ex, if known.
func (h *Handler) refusal(r *http.Request, ex *library.Exchange, cassette string) string {
	status := ex.Response.StatusCode
	if !interim(status) {
		return ""
	}
	if cassette == "" {
		cassette = h.cassetteOf(ex)
	}
	which := "the cassette answering it"
	if cassette != "" {
		which = "cassette " + h.lib.File(cassette)
	}
	msg := fmt.Sprintf("replayserver: %s %s: %s holds status %d %s, an interim response, which cannot end an exchange: "+
		"a cassette must hold a final status (200-599); edit the cassette, or delete it and record it again",
		r.Method, h.redact.URL(r.URL).RequestURI(), which, status, http.StatusText(status))
	h.failf("%s", msg)
	return msg
}

// interim reports whether status is an interim (1xx) one.
func interim(status int) bool { return status >= 100 && status <= 199 }

// cassetteOf returns the name of the cassette served that holds ex, or ""
// if it is not kept (see served). It looks through every cassette served:
// only failure messages need it.
func (h *Handler) cassetteOf(ex *library.Exchange) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, s := range h.hits {
		if !s.kept {
			continue
		}
		for i := range s.c.Exchanges {
			if &s.c.Exchanges[i] == ex {
				return s.c.Name
			}
		}
	}
	return ""
}

// plainAnswer returns the header and body of a plain-text answer saying
// msg, as http.Error writes it, with its length.
func plainAnswer(msg string) (http.Header, []byte) {
	body := []byte(msg + "\n")
	return http.Header{
		"Content-Type":           {"text/plain; charset=utf-8"},
		"X-Content-Type-Options": {"nosniff"},
		"Content-Length":         {strconv.Itoa(len(body))},
	}, body
}

// setTrailers sets the recorded trailers of the response p was prepared
// for in w's header, once the body is written, as prepare announced them
// (see sentTrailer), or unannounced (see prepared.unannounced). The body
// is flushed first, as httputil.ReverseProxy (the recording proxy) does:
// net/http's HTTP/2 server would otherwise give a body it holds whole a
// Content-Length the API did not send (grpc-go shows it in its metadata).
// A recorded trailer that HTTP forbids but a client takes (see
// unannouncedOnly) is never announced, as net/http's HTTP/1.1 server
// would not send it then: over HTTP/1.1 it goes unannounced, as the
// recording proxy sent it; over HTTP/2 not at all, as net/http's HTTP/2
// server dropped it when recording (it would log each one it drops).
func setTrailers(w http.ResponseWriter, p prepared, trailer http.Header) {
	if !p.trailers {
		return
	}
	http.NewResponseController(w).Flush()
	hdr := w.Header()
	prefix := ""
	if p.unannounced {
		prefix = http.TrailerPrefix
	}
	for k, v := range canonical(trailer) {
		v, ok := sentTrailer(k, v)
		switch {
		case !ok:
		case !unannouncedOnly(k):
			hdr[prefix+k] = v
		case !p.http2:
			hdr[http.TrailerPrefix+k] = v
		}
	}
}

// grpcAnswer reports whether hdr, a recorded response header in canonical
// form, is a gRPC answer over HTTP/2 (application/grpc, +proto, +json...),
// whose trailers the server does not announce; gRPC-Web's and Connect's
// are not.
func grpcAnswer(hdr http.Header) bool {
	v := hdr["Content-Type"]
	if len(v) == 0 {
		return false
	}
	ct := strings.ToLower(strings.TrimSpace(v[0]))
	if !strings.HasPrefix(ct, "application/grpc") {
		return false
	}
	rest := ct[len("application/grpc"):]
	return rest == "" || rest[0] == '+' || rest[0] == ';'
}

// sentTrailer returns the values of the recorded trailer k (its name in
// canonical form), v, as they are sent, mended by fieldValues, and whether
// it is sent at all: not if HTTP forbids it as a trailer, or its name.
func sentTrailer(k string, v []string) ([]string, bool) {
	if forbiddenTrailer(k) || !validFieldName(k) {
		return nil, false
	}
	v, _ = fieldValues(v)
	return v, true
}

// forbiddenTrailer reports whether HTTP forbids the field named k (in
// canonical form) as a trailer: a client rejects the whole response for it.
func forbiddenTrailer(k string) bool {
	switch k {
	case "Content-Length", "Transfer-Encoding", "Trailer", "Host":
		return true
	}
	return false
}

// unannouncedOnly reports whether the field named k (in canonical form)
// is one HTTP forbids as a trailer (see ownheader.Forbidden: Content-Type,
// Authorization, If-Match...) that a client still takes, which an API may
// send unannounced (a Go API, with http.TrailerPrefix) and a client then
// got through the recording proxy over HTTP/1.1: net/http's servers never
// send it announced, and its HTTP/2 server not at all.
func unannouncedOnly(k string) bool {
	return !forbiddenTrailer(k) && ownheader.Forbidden(k)
}

// announced returns the values vv of a Trailer header written by hand
// (or imported) as they are sent: without the names of fields HTTP
// forbids as trailers (see ownheader.Forbidden), names that are no field
// name (see validFieldName: "X Bad", a quoted "X-Sum", X-Sum;q=1), a name
// listed before in any case, or, once one of those goes, empty entries;
// vv itself when it has none of them (vv is never modified). bad says
// what the first name left out that makes a client refuse the answer
// (see forbiddenTrailer), or that is no field name, was, for the failure
// message; it is "" when there is none. A name that is no field name was
// announced to the client, which then had a trailer of that name, empty,
// and no recorded trailer can fill it (one of such a name is left out).
// Sent, each broke the answer or changed it: Go's HTTP/1.1 client
// refuses a chunked answer announcing Content-Length, Transfer-Encoding
// or Trailer ("bad trailer key"); net/http's servers announce no
// forbidden trailer (a trailer Content-Type or If-Match is sent
// unannounced: see unannouncedOnly), over HTTP/2 logging each one; and
// net/http's HTTP/1.1 server sends a trailer's values once for each time
// it is announced (X-Sum: [1 1]).
func announced(vv []string) (out []string, bad string) {
	if !toClean(vv) {
		return vv, ""
	}
	var names []string // those kept, one a value
	for _, v := range vv {
		var kept []string
		for f := range strings.SplitSeq(v, ",") {
			switch f = textproto.TrimString(f); {
			case f == "":
			case ownheader.Forbidden(f):
				if k := http.CanonicalHeaderKey(f); bad == "" && forbiddenTrailer(k) {
					bad = "a Trailer header naming " + k + ", which HTTP does not allow as a trailer: it was left out of it"
				}
			case !validFieldName(f):
				if bad == "" {
					bad = fmt.Sprintf("a Trailer header naming %q, which is no field name (a name is letters, digits and !#$%%&'*+-.^_`|~): it was left out of it", f)
				}
			case headerkey.Lists(names, f):
			default:
				kept = append(kept, f)
				names = append(names, f)
			}
		}
		if len(kept) > 0 {
			out = append(out, strings.Join(kept, ", "))
		}
	}
	return out, bad
}

// toClean reports whether the values vv of a Trailer header name a field
// HTTP forbids as a trailer, one that is no field name, or one field
// twice (see announced).
func toClean(vv []string) bool {
	for i, v := range vv {
		for start := 0; start <= len(v); {
			end := strings.IndexByte(v[start:], ',')
			if end < 0 {
				end = len(v)
			} else {
				end += start
			}
			f := textproto.TrimString(v[start:end])
			if f != "" && (ownheader.Forbidden(f) || !validFieldName(f) || headerkey.Lists(vv[:i], f) || headerkey.Lists([]string{v[:start]}, f)) {
				return true
			}
			start = end + 1
		}
	}
	return false
}

// canonical returns h with its names in canonical form, as net/http
// reads them (Header.Get, and the server's own fields: a "content-length"
// written by hand would be sent beside the true Content-Length): h itself
// when they all are, which costs no allocation; otherwise a copy where the
// values of the names that differ only in case are merged, those of the
// canonical name first, then the others' in the order of their names.
func canonical(h http.Header) http.Header {
	odd := false
	for k := range h {
		if http.CanonicalHeaderKey(k) != k {
			odd = true
			break
		}
	}
	if !odd {
		return h
	}
	out := make(http.Header, len(h))
	var others []string
	for k, v := range h {
		if http.CanonicalHeaderKey(k) != k {
			others = append(others, k)
			continue
		}
		out[k] = v
	}
	slices.Sort(others)
	for _, k := range others {
		ck := http.CanonicalHeaderKey(k)
		// Clipped: appending never writes into the recorded header.
		out[ck] = append(slices.Clip(out[ck]), h[k]...)
	}
	return out
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
// sent: each control character HTTP forbids in a field value (all but tab,
// line breaks included, which net/http's server would turn into spaces
// without a word) replaced by a space. bad reports whether there was any;
// vv itself is never modified.
func fieldValues(vv []string) (out []string, bad bool) {
	for i, v := range vv {
		forbidden := strings.IndexFunc(v, forbiddenInValue) >= 0
		if !forbidden && textproto.TrimString(v) == v {
			continue
		}
		if out == nil {
			out = slices.Clone(vv)
		}
		bad = bad || forbidden
		if forbidden {
			v = strings.Map(func(r rune) rune {
				if forbiddenInValue(r) {
					return ' '
				}
				return r
			}, v)
		}
		out[i] = textproto.TrimString(v) // as net/http writes it
	}
	if out == nil {
		return vv, false
	}
	return out, bad
}

// forbiddenInValue reports whether r is a control character HTTP forbids
// in a field value.
func forbiddenInValue(r rune) bool {
	return r < ' ' && r != '\t' || r == 0x7f
}

// writeBodyFile writes a response whose body is in a body file, copying
// it from disk as the client takes it (the body is never held in memory):
// the file's size is the Content-Length. A gzip-encoded body that r
// refuses is decoded as it is copied, with its decoded length, as a body
// in the cassette is (see openBodyFor). A body file that cannot be
// read fails the test and answers 500. It returns the status it sent.
func (h *Handler) writeBodyFile(w http.ResponseWriter, r *http.Request, ex *library.Exchange, p prepared) int {
	hdr := w.Header()
	f, size, fileSize, decoded, err := h.openBodyFor(r, ex, toDecode(r, ex, hdr, p))
	if err != nil {
		clear(hdr) // the recorded header is not this answer's
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return http.StatusInternalServerError
	}
	defer f.Close()
	if v, ok := hdr["Content-Length"]; ok && p.trailers && !(len(v) == 1 && isLength(v[0], int(fileSize))) {
		// Kept beside trailers over HTTP/2 (see prepare), it is not the
		// file's: the answer goes without one, as one from a cassette.
		delete(hdr, "Content-Length")
	}
	if decoded {
		setDecoded(hdr, p, size)
	} else {
		setBodyFileLength(hdr, p, size)
	}
	w.WriteHeader(p.status)
	if _, err := io.Copy(w, f); err != nil {
		return p.status // the client went away
	}
	setTrailers(w, p, ex.Response.Trailer)
	return p.status
}

// setBodyFileLength sets the Content-Length of hdr, prepared for ex, to
// size, the length of its body file, and reports whether it did: a
// response with trailers has a chunked body, of no length given.
func setBodyFileLength(hdr http.Header, p prepared, size int64) bool {
	if p.trailers {
		return false
	}
	hdr["Content-Length"] = []string{strconv.FormatInt(size, 10)}
	return true
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

// A prepared response says how writeExchange (and, in process,
// responseFor) sends an exchange whose header is set: the status, and how
// to write the body.
type prepared struct {
	status   int
	withBody bool
	pieces   []piece // nil: the body in one write
	trailers bool    // some recorded trailer is sent (see setTrailers; over HTTP/2, one HTTP forbids is not): the body is chunked
	// unannounced: the trailers are sent without a Trailer header, as a
	// gRPC server sends them over HTTP/2 (grpc-go shows that header in
	// its metadata); HTTP/1.1 answers announce them, for net/http's
	// server sends unannounced ones only in a body it already chunks
	unannounced bool
	http2       bool   // the answer goes over HTTP/2, where a trailer HTTP forbids (see unannouncedOnly) is not sent
	bad         string // what in the recorded header or trailers HTTP forbids, mended or left out, for the failure message
}

// prepare sets the header of the response to ex in hdr and returns how to
// send the rest. The recorded names are read in canonical form (see
// canonical), as a client reads them; the fields the server would not send
// without a body (Content-Length, and a 304's Content-Type) are left out.
// A plain exchange's header is prepared once and kept (see reply); the
// others' for each request: copying the recorded header into hdr is the
// work a cache would save, and a cache costs a lookup, memory per exchange
// and, with a large library, cache misses (see bench/RESULTS.md). head
// says the request is a HEAD, http2 that the answer goes over HTTP/2, where
// a gRPC answer's trailers are not announced.
func prepare(hdr http.Header, ex *library.Exchange, head, http2 bool) prepared {
	resp := &ex.Response
	p := prepared{status: resp.StatusCode, http2: http2}
	if p.status == 0 {
		p.status = http.StatusOK
	}
	rh := canonical(resp.Header)
	rt := canonical(resp.Trailer)
	p.unannounced = http2 && len(rt) > 0 && grpcAnswer(rh)
	for k, v := range rh {
		if k == "Trailer" && p.unannounced {
			continue // a hand-written or imported announcement
		}
		if k == "Transfer-Encoding" {
			// The framing is the replay server's own (the body's true
			// length, or chunks): a recorded Transfer-Encoding (a HAR
			// keeps it; hop by hop, it is no part of the answer) would
			// contradict it.
			continue
		}
		if hopByHop(k, rh) {
			// The API's connection is not the replay server's: its
			// Keep-Alive timeout would mislead a client. The recording
			// proxy did not pass these on either.
			continue
		}
		if !validFieldName(k) {
			p.bad = fmt.Sprintf("a header named %q, which HTTP does not allow (a name is letters, digits and !#$%%&'*+-.^_`|~): it was left out", k)
			continue // as net/http's server leaves it out
		}
		v, bad := fieldValues(v) // v itself when it needs no mending: net/http only reads it
		if bad {
			p.bad = "a control character in header " + k + ", which HTTP does not allow: it was sent as a space"
		}
		if k == "Trailer" {
			// Written by hand or imported: recordings hold none (Go's
			// client removes it from a chunked answer).
			var bad string
			if v, bad = announced(v); bad != "" {
				p.bad = bad
			}
			if len(v) == 0 {
				continue
			}
		}
		hdr[k] = v
	}
	for _, k := range slices.Sorted(maps.Keys(rt)) { // one Trailer header, the same on every replay
		v := rt[k]
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
		p.trailers = true
		if p.unannounced || unannouncedOnly(k) {
			continue // see setTrailers
		}
		// Clipped: appending never writes into the recorded header. Not
		// twice: a Trailer header written by hand (or imported) may
		// announce it already, and net/http's HTTP/1.1 server would send
		// the trailer once for each time it is announced.
		if !headerkey.Lists(hdr["Trailer"], k) {
			hdr["Trailer"] = append(slices.Clip(hdr["Trailer"]), k)
		}
	}
	if len(hdr["Trailer"]) > 0 && !validLength(hdr["Content-Length"]) {
		// Announced by hand with no value recorded: a trailer that never
		// comes, which a client still finds in resp.Trailer, empty, as
		// after a chunked body from the API (HTTP/1.1 sends trailers only
		// after one). Not beside a recorded length: the API sent the body
		// with it (as net/http's server does when a handler sets both),
		// so no trailer could follow, and a client kept the length and
		// the Trailer field in the header; it replays so.
		p.trailers = true
	}
	p.withBody = !head && bodyAllowed(p.status)
	if head && bodyAllowed(p.status) {
		// A HEAD answer keeps its recorded length, that of the GET; one
		// edited to be no length would make the client refuse the whole
		// answer.
		if v, ok := hdr["Content-Length"]; ok && !validLength(v) {
			delete(hdr, "Content-Length")
			p.bad = fmt.Sprintf("a Content-Length %q, which is no length: it was left out", v)
		}
	}
	if !bodyAllowed(p.status) {
		// As net/http's server leaves them out (and http.Transport then
		// gives none): no length without a body, and no type for a 304.
		delete(hdr, "Content-Length")
		if p.status == http.StatusNotModified {
			delete(hdr, "Content-Type")
		}
	}
	if _, ok := hdr["Content-Type"]; !ok && p.withBody {
		// The upstream sent none: net/http would sniff one and add it.
		hdr["Content-Type"] = nil
	}
	if p.withBody {
		p.pieces = streamPieces(resp, rh)
		if p.pieces == nil && !p.trailers && resp.BodyFile == "" {
			// The true length, even for a hand-edited body; the recorded
			// one, already in hdr, when it is true.
			if v := hdr["Content-Length"]; len(v) != 1 || !isLength(v[0], len(resp.Body)) {
				hdr["Content-Length"] = []string{strconv.Itoa(len(resp.Body))}
			}
		} else if v := hdr["Content-Length"]; !(http2 && p.pieces == nil && len(v) == 1 &&
			(resp.BodyFile == "" && isLength(v[0], len(resp.Body)) || resp.BodyFile != "" && validLength(v))) {
			// Streamed, or trailers: chunked. Over HTTP/2 a length and
			// trailers go together: a recorded one that is true is kept
			// (a body file's is checked once the file is open: see
			// writeBodyFile).
			delete(hdr, "Content-Length")
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
// line); other bodies, and an event stream with a content coding (its
// events are in the decoded bytes), follow their recorded chunks. hdr is resp's header
// with canonical names (see canonical).
func streamPieces(resp *library.Response, hdr http.Header) []piece {
	valid := resp.ChunksValid()
	if isEventStream(hdr) && len(resp.Body) > 0 && contentEncoded(hdr) {
		// Its events are in the decoded bytes, not in these (gzip from a
		// compressing proxy): the recorded chunks, as they arrived, are
		// its pieces, or the whole body one.
		if !valid {
			return []piece{{end: len(resp.Body)}}
		}
	} else if isEventStream(hdr) && len(resp.Body) > 0 {
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

// contentEncoded reports whether the header h gives the body a content
// coding (gzip, br...), other than identity.
func contentEncoded(h http.Header) bool {
	for _, v := range h["Content-Encoding"] {
		for c := range strings.SplitSeq(v, ",") {
			if c = textproto.TrimString(c); c != "" && !strings.EqualFold(c, "identity") {
				return true
			}
		}
	}
	return false
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

// isEventStream reports whether h, a header with canonical names, is an
// event stream's.
func isEventStream(h http.Header) bool {
	var ct string
	if v := h["Content-Type"]; len(v) > 0 { // as Get would
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

// validLength reports whether the values of a Content-Length header are
// one length, as net/http's client reads them: digits, without a sign, the
// same in every value.
func validLength(v []string) bool {
	if len(v) == 0 {
		return false
	}
	s := textproto.TrimString(v[0])
	if _, err := strconv.ParseUint(s, 10, 63); err != nil {
		return false
	}
	for _, o := range v[1:] {
		if textproto.TrimString(o) != s {
			return false
		}
	}
	return true
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
