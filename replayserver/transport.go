package replayserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cassette-go/cassette/internal/gunzip"
	"github.com/cassette-go/cassette/internal/headerkey"
	"github.com/cassette-go/cassette/internal/ownheader"
	"github.com/cassette-go/cassette/library"
)

// NewTransport returns a RoundTripper that answers from the library at path
// in process, without sockets, with the same options, hit tracking and
// strict mode as [New]. Requests are named by their own URL; the replay
// server's own headers (see [Server.Transport]) are dropped from them,
// under any spelling of their keys, in their header and their trailers,
// unread and neither sent upstream nor stored. A request no
// cassette answers is an error from RoundTrip: a [*MissError] carrying the
// same report as [New]'s 404 answer, which unwraps to [ErrNoMatch]. The
// report is also logged to the test, but the miss does not fail it by
// itself: the caller gets the error, as from any transport, and may
// expect it. Its answers are those a Go client gets from [New]'s server:
// the same header (names in canonical form, the body's true
// Content-Length, fields HTTP forbids mended or left out, failing the
// test), and a 502 for a cassette of an interim (1xx) status, failing the
// test. Like [http.Transport], it decodes a gzip-encoded answer to a
// request that set no Accept-Encoding (nor Range, and is not a HEAD); the
// library keeps the gzip the server sent. A request whose Accept-Encoding
// refuses gzip (identity) gets the body decoded too, as the API would
// have sent it, when its recorded request took gzip, as from [New]'s
// server: with its length, or chunked when trailers follow, or, for a
// stream recorded in pieces, decoded piece by piece as it is read; a body
// in a body file is decoded as it is read from disk; a range, an answer to
// HEAD, a body of several codings and one that does not decode are sent as
// recorded. In record, rerecord and passthrough
// modes requests go to their own URL through a clone of
// [http.DefaultTransport] (or of [UpstreamTransport]'s) that waits
// [UpstreamTimeout] for response headers; a response body the test never
// closes is closed when the test ends, stored then, and logged. A
// request body is read to its end before the request is named (but in
// passthrough, which sends it as it comes, as http.Transport does); one
// that has not ended when the request's context ends is closed, and
// RoundTrip returns the context's error, having sent nothing (also when
// the body, closed, then ends as if whole). A request whose context has
// already ended gets its error, as from [http.Transport]: no cassette
// answers it, nor counts as used. The context's error is, as from
// [http.Transport], [context.Cause] of it: the cause the context was
// ended with, if one was given.
//
// A request http.Transport refuses to send gets the error http.Transport
// gives it, in every mode: no cassette answers it, nor counts as used.
// Such are a header or trailer field whose name is no token or whose
// value holds a control character (one of the replay server's own
// headers too, which http.Transport would send), a method that is no
// token, a scheme other than http and https, a URL without a host, an
// http:// request with a ContentLength and no body, and a body not as
// long as its ContentLength says (one over [MaxBodySize] when more than
// that length was read: its rest is then read to count it).
// In every mode but those that forward it (ModePassthrough, ModeRerecord),
// a URL whose address http.Transport's dial refuses before any connection
// or DNS query gets that error too: a port over 65535 ("dial tcp: address
// 99999: invalid port"), or one that is no number, which stays in the host
// name ("dial tcp: lookup h:abc: no such host").
// Strict mode and saving apply when the test ends.
func NewTransport(t testing.TB, path string, opts ...Option) http.RoundTripper {
	t.Helper()
	h := newTestHandler(t, path, true, opts)
	t.Cleanup(func() {
		t.Helper() // failures at the end point at the caller of NewTransport
		// A round trip still running (one still reading a request body
		// that never ends) logs to the standard logger from the end on,
		// even if this panics: calling t after its test ended panics.
		defer h.tlog.End()
		finish(t, h)
	})
	return &transport{h: h}
}

// transport is the in-process replay RoundTripper.
type transport struct{ h *Handler }

var _ http.RoundTripper = (*transport)(nil)

func (tr *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL == nil {
		return nil, noURL(req)
	}
	if err := unsendable(req); err != nil {
		// Refused as http.Transport refuses it, having closed its body:
		// neither named, nor answered, nor sent. Checked before the
		// replay server's own headers are dropped: http.Transport
		// sends them, and refuses them as any other.
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	out := req
	if ownheader.Has(req.Header) {
		// The replay server's own headers, which only Server.Transport
		// sends, to the server: here no more than any other client's
		// (see Handler.ownHeaders), they neither name the request nor
		// go upstream or to a cassette, under any spelling of their
		// keys (req.Header["x-cassette-host"], which no server reads
		// in that form, would otherwise be sent and stored as it is).
		out = withoutOwnHeaders(req)
	}
	// Nor do they go upstream as trailers.
	out = ownheader.WithoutTrailers(req, out)
	if out == req {
		return tr.roundTrip(req)
	}
	resp, err := tr.roundTrip(out)
	if resp != nil {
		resp.Request = req // the caller's, as http.Transport returns it
	}
	return resp, err
}

// noURL returns the error of a request without URL, as http.Transport
// refuses it, having closed its body as a RoundTripper does.
func noURL(req *http.Request) error {
	if req.Body != nil {
		req.Body.Close()
	}
	return errors.New("replayserver: nil Request.URL: a request is named and sent by its URL; make it with http.NewRequest")
}

func (tr *transport) roundTrip(req *http.Request) (*http.Response, error) {
	h := tr.h
	if h.mode == ModePassthrough || h.mode == ModeRerecord {
		// With the caller's body as it comes (see serveCassette),
		// watched: its failing is the caller's fault, not the upstream's.
		out := req
		hasBody := req.Body != nil && req.Body != http.NoBody
		// Host and Transfer-Encoding set in the header under another
		// spelling (req.Header["host"]) would go as a second Host line
		// (a 400) or as framing the body lacks (a server waiting for
		// chunks that never come): left out, as the recorder of the
		// other modes leaves them out (Go's client ignores the
		// canonical keys).
		header := headerkey.WithoutMoved(req.Header)
		if hasBody || req.Header == nil || len(header) != len(req.Header) {
			o := *req // the caller's request is not modified
			if hasBody {
				o.Body = &callerBody{ReadCloser: req.Body, want: req.ContentLength}
			}
			o.Header = header
			if o.Header == nil {
				// As http.Client makes it, and as recording takes it:
				// http.Transport refuses a request without one.
				o.Header = make(http.Header)
			}
			out = &o
		}
		return tr.forward(req, out)
	}
	if err := req.Context().Err(); err != nil {
		// As http.Transport: a request whose context has already ended
		// is not sent, so neither answered from a cassette (nor counted
		// as using it) nor recorded.
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, context.Cause(req.Context()) // as http.Transport returns it: err, or the cause it was given
	}
	if err := undialable(req.URL); err != nil {
		// An address http.Transport fails to dial, which it says before
		// any connection: the body is closed unread, as it is then.
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	var body []byte
	over := false // the body is over MaxBodySize: body holds what was read of it (see serveCassette)
	if req.Body != nil && req.Body != http.NoBody {
		// A body that has not ended when the request's context ends (a
		// stream whose writer waits for the answer, a tunnel's) is given
		// up then, as http.Transport gives it up: closed, so that a Read
		// waiting on it returns, and the caller gets the context's error
		// rather than waiting for ever.
		stop := context.AfterFunc(req.Context(), func() { req.Body.Close() })
		b, o, err := h.readBody(req)
		if !stop() {
			// The context ended while the body was read: closed then,
			// the body may have ended with io.EOF, cut short, rather
			// than an error, and is not named nor sent either way.
			// Closed by then (once, as http.Transport closes it: a
			// body's second Close may fail or panic).
			err = context.Cause(req.Context())
		} else if err != nil || !o {
			req.Body.Close()
		}
		if err != nil {
			return nil, err
		}
		body, over = b, o
	}
	// A body not as long as its ContentLength says is the caller's
	// mistake, which http.Transport refuses to send: neither answered
	// nor a miss (in record mode, a request forwarded gets that error
	// from the recorder).
	lenErr := lengthMismatch(req, body, over)
	if lenErr != nil && h.mode != ModeRecord {
		return nil, lenErr
	}
	m, named := h.lookupBody(req, body, over)
	if m.found != "" && !(h.mode == ModeRecord && h.isRecorded(m.found)) {
		if lenErr != nil {
			return nil, lenErr
		}
		if ex, ok := h.take(&m); ok {
			if over {
				// Answered in process: the rest of the body, which no
				// connection waits to carry, is not read, unless what
				// was read is already longer than its ContentLength:
				// then it is read to count it, as http.Transport counts
				// what it sends, for its error, and the cassette's
				// exchange is given back.
				if err := h.overLength(req, body); err != nil {
					h.untake(&m)
					return nil, err
				}
			}
			resp, err := h.responseFor(req, ex, m.found, m.reply)
			if err != nil {
				return nil, err
			}
			if h.cfg.logHits {
				h.logf("hit  %s %s -> %d from %s", req.Method, h.redact.URL(req.URL), resp.StatusCode, m.found)
			}
			if gunzip.Asks(req) {
				// As http.Transport, which this transport stands in for,
				// would have asked for gzip and decoded it.
				gunzip.Decode(resp)
			}
			return resp, nil
		}
	}
	if h.mode == ModeRecord {
		if over {
			// As it comes: the recorder says its exchange was not stored.
			if named {
				h.fwd.noteForwarding(m.name)
			}
			return tr.forward(req, withRest(req, body))
		}
		h.fwd.noteForwarding(m.name)
		return tr.forward(req, withBody(req, body))
	}
	if over {
		// A body already longer than its ContentLength says gets
		// http.Transport's error rather than a miss, as one read whole
		// does (see lengthMismatch).
		if err := h.overLength(req, body); err != nil {
			return nil, err
		}
	}
	miss := h.missError(req, body, over, m)
	h.logf("%s", miss.Report)
	return nil, miss
}

// forward sends out, the caller's req or a copy of it, to its own URL.
func (tr *transport) forward(req, out *http.Request) (*http.Response, error) {
	resp, err := tr.h.fwd.rt.RoundTrip(out)
	if err != nil && !callerEnded(req, err) && !callerBodyFailed(out) { // the upstream failed, not the caller
		tr.h.noteForwardFailure(fmt.Sprintf("%s %s: %v", req.Method, tr.h.redact.URL(req.URL), err))
	}
	if resp != nil {
		resp.Request = req // the caller's, as http.Transport returns it
	}
	return resp, err
}

// withBody returns a copy of req whose body reads body again. A body
// whose length the caller did not give (ContentLength 0 or -1 with a
// body) keeps it unknown, so that it goes upstream chunked, as the caller
// sent it (and as the replay server forwards it), not with a
// Content-Length it never sent. A length the caller gave is kept, even
// one the body does not have: the recorder then fails the request, as
// http.Transport would have, rather than send and store it with a length
// the caller did not give. A body that is [http.NoBody] goes as none,
// whatever the length says, as http.Transport sends it.
func withBody(req *http.Request, body []byte) *http.Request {
	r := req.Clone(req.Context())
	switch {
	case req.ContentLength > 0 && req.Body != http.NoBody:
		// Watched: a length the body does not have is the caller's
		// mistake, not the upstream's failing (see callerBody).
		r.Body = &callerBody{ReadCloser: io.NopCloser(bytes.NewReader(body)), want: req.ContentLength}
	case body == nil:
		r.Body, r.ContentLength = http.NoBody, 0
	default:
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), -1
	}
	return r
}

// responseFor builds the response to req from a recorded exchange of the
// cassette called cassette, as a Go client gets it from the replay server:
// the header prepared as writeExchange prepares it (canonical names, the
// body's true length, fields HTTP forbids mended or left out and the test
// failed), an interim status refused, the framing as http.Transport
// reports it. rep, if not nil, is ex made ready to write, used as
// serveCassette uses it. The header's values are copied, so a client
// changing them does not change the library. A streamed body has no length
// and, with RecordedTiming, its pieces arrive at their recorded times.
func (h *Handler) responseFor(req *http.Request, ex *library.Exchange, cassette string, rep *reply) (*http.Response, error) {
	head := req.Method == http.MethodHead
	// A request that http.Transport would ask gzip for (see RoundTrip)
	// is no request that refuses it, though its Accept-Encoding is "".
	refuses := !gunzip.Asks(req) && gunzip.Refuses(req.Header)
	if rep != nil && !head && !h.cfg.timing && !(rep.gzip && refuses) {
		// A plain exchange, its header prepared once (see reply).
		return rep.response(req), nil
	}
	if msg := h.refusal(req, ex, cassette); msg != "" {
		hdr, body := plainAnswer(msg)
		resp := newResponse(req, http.StatusBadGateway, hdr)
		resp.ContentLength = int64(len(body))
		if !head {
			resp.Body = newBody(body)
		}
		return resp, nil
	}
	hdr := make(http.Header, len(ex.Response.Header)+1)
	p := prepare(hdr, ex, head, false)
	h.reportBad(req, p)
	// As http.Transport: the trailers announced after a (chunked) body
	// are in resp.Trailer, not in the header; an answer without a body (to
	// a HEAD), or whose body has a length (see prepare), has none to read,
	// and keeps its Trailer header.
	announcedTrailers := hdr["Trailer"]
	if p.withBody && p.trailers {
		delete(hdr, "Trailer")
	}
	ownValues(hdr)
	resp := newResponse(req, p.status, hdr)
	if p.trailers && p.withBody {
		// As a client gets them over HTTP/1.1: every trailer announced,
		// with no value until one comes (one announced by hand may never
		// come); those HTTP forbids as trailers but a client takes
		// (Content-Type...; see unannouncedOnly) too, which the server
		// sends unannounced.
		resp.Trailer = make(http.Header, len(ex.Response.Trailer))
		for _, v := range announcedTrailers {
			for k := range strings.SplitSeq(v, ",") {
				if k = textproto.TrimString(k); k != "" {
					resp.Trailer[http.CanonicalHeaderKey(k)] = nil
				}
			}
		}
		for k, v := range canonical(ex.Response.Trailer) {
			if v, ok := sentTrailer(k, v); ok {
				resp.Trailer[k] = slices.Clone(v)
			}
		}
	}
	if !p.withBody {
		// As http.Transport: a HEAD answer's length is that of its
		// Content-Length header (-1 without one); other answers without
		// a body have none.
		if head && bodyAllowed(p.status) {
			resp.ContentLength = -1
			if n, err := strconv.ParseInt(hdr.Get("Content-Length"), 10, 64); err == nil && n >= 0 {
				resp.ContentLength = n
			}
		}
		return resp, nil
	}
	body := ex.Response.Body
	if refuses {
		if n, ok := decodedFor(req, ex, hdr, p); ok {
			// A request that refuses gzip (Accept-Encoding: identity)
			// got the identity encoding from the API, where the
			// recording's client took gzip: as from the server (see
			// writeExchange), decoded as it is read.
			setDecoded(hdr, p, n)
			if p.pieces != nil {
				// A stream: decoded piece by piece as it is read, at the
				// recorded times with RecordedTiming (see writeDecodedStream).
				resp.Body = gunzip.StreamReader(h.pacedStream(req.Context(), body, p.pieces, time.Now()))
				resp.ContentLength = -1
				resp.TransferEncoding = []string{"chunked"}
				return resp, nil
			}
			resp.Body, resp.ContentLength = gunzip.NewReader(body), n
			if p.trailers {
				resp.ContentLength = -1
				resp.TransferEncoding = []string{"chunked"}
			}
			if h.cfg.timing && !h.sleep(req.Context(), ex.Latency) {
				return nil, context.Cause(req.Context())
			}
			return resp, nil
		}
	}
	switch {
	case p.pieces != nil:
		resp.ContentLength = -1
		resp.TransferEncoding = []string{"chunked"} // as http.Transport reports a streamed HTTP/1.1 answer
		if h.cfg.timing {
			resp.Body = &pacedBody{ctx: req.Context(), body: body, pieces: p.pieces, start: time.Now(), sleep: h.sleep}
		} else {
			resp.Body = newBody(body)
		}
	default:
		if h.cfg.timing && !h.sleep(req.Context(), ex.Latency) {
			return nil, context.Cause(req.Context())
		}
		if ex.Response.BodyFile != "" {
			// Read from disk as the client reads, never whole; decoded
			// as it is read for a request that refuses gzip, as a body
			// in the cassette is (see openBodyFor).
			f, size, _, decoded, err := h.openBodyFor(req, ex, refuses && toDecode(req, ex, hdr, p))
			if err != nil {
				return nil, err
			}
			if decoded {
				setDecoded(hdr, p, size)
				resp.Body, resp.ContentLength = f, size
			} else {
				resp.Body, resp.ContentLength = f, size
				setBodyFileLength(hdr, p, size)
			}
		} else {
			if len(body) > 0 || p.trailers {
				// A chunked body is never http.NoBody from http.Transport,
				// though empty (and it decodes a gzip label on it).
				resp.Body = newBody(body)
			}
			resp.ContentLength = int64(len(body))
		}
		if p.trailers {
			// Trailers come after a chunked body, of no length given
			// (prepare left the Content-Length out).
			resp.ContentLength = -1
			resp.TransferEncoding = []string{"chunked"}
		}
	}
	return resp, nil
}

// newResponse returns the response to req of status with header hdr, and
// no body yet.
func newResponse(req *http.Request, status int, hdr http.Header) *http.Response {
	return &http.Response{
		Status:     statusLine(status),
		StatusCode: status,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     hdr,
		Request:    req,
		Body:       http.NoBody,
	}
}

// A plainResponse is the response to a hit of a plain reply (see
// reply.response): the response, its body and, when they are few, the
// copies of its header's values, in one allocation where they would take
// three.
type plainResponse struct {
	resp http.Response
	body byteBody
	vals [plainValues]string
}

// plainValues is how many header values a plainResponse holds; a reply
// with more has them copied apart.
const plainValues = 4

// response returns the response to req from rep, as responseFor returns
// it: rep's header as reply.header copies it, its body, and its length.
func (rep *reply) response(req *http.Request) *http.Response {
	p := new(plainResponse)
	var vals []string
	if n := rep.values(); n <= len(p.vals) {
		vals = p.vals[:n:n]
	} else {
		vals = make([]string, n)
	}
	resp := &p.resp
	*resp = http.Response{
		Status:        statusLine(rep.status),
		StatusCode:    rep.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        rep.header(vals),
		Request:       req,
		Body:          http.NoBody,
		ContentLength: int64(len(rep.body)),
	}
	if len(rep.body) > 0 {
		p.body.Reset(rep.body)
		resp.Body = &p.body
	}
	return resp
}

// A byteBody is a response body read from memory: a [bytes.Reader]
// (whose WriteTo lets io.Copy skip a buffer) that closes doing nothing,
// in one allocation where io.NopCloser(bytes.NewReader(b)) takes two.
type byteBody struct{ bytes.Reader }

func newBody(b []byte) *byteBody {
	body := new(byteBody)
	body.Reset(b)
	return body
}

func (*byteBody) Close() error { return nil }

// statusLines holds the Status of a response of each status from 100 to
// 599, as http.Transport sets it from the replay server's answer ("200
// OK", and "599 status code 599" for a status without a text, as a Go
// server writes it), built once rather than at every answer.
var statusLines = sync.OnceValue(func() []string {
	lines := make([]string, 600)
	for code := 100; code < len(lines); code++ {
		lines[code] = makeStatusLine(code)
	}
	return lines
})

// statusLine returns the Status of a response of status code.
func statusLine(code int) string {
	if lines := statusLines(); code >= 100 && code < len(lines) {
		return lines[code]
	}
	return makeStatusLine(code)
}

// makeStatusLine returns the Status of a response of status code as a
// client of the replay server gets it.
func makeStatusLine(code int) string {
	text := http.StatusText(code)
	if text == "" {
		text = "status code " + strconv.Itoa(code)
	}
	return strconv.Itoa(code) + " " + text
}

// ownValues gives the fields of hdr, as prepare set them, values of their
// own, in one allocation, so that a client changing them changes no
// cassette; it leaves out the fields of no value (prepare's mark that no
// type be sniffed), which a client would not get.
func ownValues(hdr http.Header) {
	n := 0
	for k, v := range hdr {
		if v == nil {
			delete(hdr, k)
		}
		n += len(v)
	}
	all := make([]string, n)
	for k, v := range hdr {
		c := copy(all, v)
		hdr[k], all = all[:c:c], all[c:]
	}
}

// pacedBody hands out a streamed body piece by piece, each at its
// recorded time.
type pacedBody struct {
	ctx    context.Context
	body   []byte
	pieces []piece
	start  time.Time
	sleep  func(context.Context, time.Duration) bool
	off    int // bytes handed out
	next   int // index of the piece being handed out
}

func (b *pacedBody) Read(p []byte) (int, error) {
	if b.next >= len(b.pieces) {
		return 0, io.EOF
	}
	pc := b.pieces[b.next]
	if b.off == 0 || b.off == b.pieces[max(b.next-1, 0)].end {
		if !b.sleep(b.ctx, pc.at-time.Since(b.start)) {
			return 0, b.ctx.Err()
		}
	}
	n := copy(p, b.body[b.off:pc.end])
	b.off += n
	if b.off == pc.end {
		b.next++
	}
	return n, nil
}

func (b *pacedBody) Close() error { return nil }
