package replayserver

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/cassette-go/cassette/internal/gunzip"
	"github.com/cassette-go/cassette/library"
)

// NewTransport returns a RoundTripper that answers from the library at path
// in process, without sockets, with the same options, hit tracking and
// strict mode as [New]. Requests are named by their own URL. A request no
// cassette answers is an error from RoundTrip: a [*MissError] carrying the
// same report as [New]'s 404 answer, which unwraps to [ErrNoMatch]. The
// report is also logged to the test, but the miss does not fail it by
// itself: the caller gets the error, as from any transport, and may
// expect it. Like [http.Transport], it decodes a gzip-encoded answer to a
// request that set no Accept-Encoding (nor Range, and is not a HEAD); the
// library keeps the gzip the server sent. In record, rerecord and passthrough
// modes requests go to their own URL through a clone of
// [http.DefaultTransport] (or of [UpstreamTransport]'s) that waits
// [UpstreamTimeout] for response headers; a response body the test never
// closes is closed when the test ends, stored then, and logged.
// Strict mode and saving apply when the test ends.
func NewTransport(t testing.TB, path string, opts ...Option) http.RoundTripper {
	t.Helper()
	h := newTestHandler(t, path, true, opts)
	t.Cleanup(func() {
		t.Helper() // failures at the end point at the caller of NewTransport
		finish(t, h)
	})
	return &transport{h: h}
}

// transport is the in-process replay RoundTripper.
type transport struct{ h *Handler }

var _ http.RoundTripper = (*transport)(nil)

func (tr *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	h := tr.h
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	if h.mode == ModePassthrough || h.mode == ModeRerecord {
		return tr.forward(req, body)
	}
	m := h.lookup(req, body)
	if m.found != "" && !(h.mode == ModeRecord && h.isRecorded(m.found)) {
		if ex, ok := h.take(&m); ok {
			if h.cfg.logHits {
				h.logf("hit  %s %s -> %d from %s", req.Method, h.redact.URL(req.URL), ex.Response.StatusCode, m.found)
			}
			resp, err := h.responseFor(req, ex)
			if err == nil && gunzip.Asks(req) {
				// As http.Transport, which this transport stands in for,
				// would have asked for gzip and decoded it.
				gunzip.Decode(resp)
			}
			return resp, err
		}
	}
	if h.mode == ModeRecord {
		h.fwd.noteForwarding(m.name)
		return tr.forward(req, body)
	}
	miss := h.missError(req, body, m)
	h.logf("%s", miss.Report)
	return nil, miss
}

// forward sends req, whose body is body, to its own URL. In the recording
// modes the response body is tracked, so that one the test never closes
// is closed, and stored, when the test ends.
func (tr *transport) forward(req *http.Request, body []byte) (*http.Response, error) {
	resp, err := tr.h.fwd.rt.RoundTrip(withBody(req, body))
	if err != nil || tr.h.mode == ModePassthrough {
		return resp, err
	}
	return tr.h.forgotten.track(resp, req.Method+" "+tr.h.redact.URL(req.URL).String()), nil
}

// withBody returns a copy of req whose body reads body again.
func withBody(req *http.Request, body []byte) *http.Request {
	r := req.Clone(req.Context())
	if body == nil {
		r.Body = http.NoBody
	} else {
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	r.ContentLength = int64(len(body))
	return r
}

// responseFor builds the response to req from a recorded exchange. Headers
// are copied, so a client changing them does not change the library. A
// streamed body has no length and, with RecordedTiming, its pieces arrive
// at their recorded times.
func (h *Handler) responseFor(req *http.Request, ex *library.Exchange) (*http.Response, error) {
	status := ex.Response.StatusCode
	if status == 0 {
		status = http.StatusOK
	}
	resp := &http.Response{
		Status:     strconv.Itoa(status) + " " + http.StatusText(status),
		StatusCode: status,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     ex.Response.Header.Clone(),
		Trailer:    ex.Response.Trailer.Clone(),
		Request:    req,
		Body:       http.NoBody,
	}
	if resp.Header == nil {
		resp.Header = http.Header{}
	}
	// As http.Transport, which keeps the framing out of the header (see
	// prepare).
	delete(resp.Header, "Transfer-Encoding")
	body := ex.Response.Body
	if req.Method == http.MethodHead || !bodyAllowed(status) {
		// As http.Transport: a HEAD answer's length is that of its
		// Content-Length header (-1 without one); other answers without
		// a body have none.
		if req.Method == http.MethodHead && bodyAllowed(status) {
			resp.ContentLength = -1
			if n, err := strconv.ParseInt(resp.Header.Get("Content-Length"), 10, 64); err == nil && n >= 0 {
				resp.ContentLength = n
			}
		}
		return resp, nil
	}
	pieces := streamPieces(&ex.Response)
	switch {
	case pieces != nil:
		resp.Header.Del("Content-Length")
		resp.ContentLength = -1
		resp.TransferEncoding = []string{"chunked"} // as http.Transport reports a streamed HTTP/1.1 answer
		if h.cfg.timing {
			resp.Body = &pacedBody{ctx: req.Context(), body: body, pieces: pieces, start: time.Now(), sleep: h.sleep}
		} else {
			resp.Body = io.NopCloser(bytes.NewReader(body))
		}
	default:
		if h.cfg.timing && !h.sleep(req.Context(), ex.Latency) {
			return nil, req.Context().Err()
		}
		if ex.Response.BodyFile != "" {
			// Read from disk as the client reads, never whole.
			f, size, err := h.openBody(req, ex)
			if err != nil {
				return nil, err
			}
			resp.Body, resp.ContentLength = f, size
		} else {
			if len(body) > 0 {
				resp.Body = io.NopCloser(bytes.NewReader(body))
			}
			resp.ContentLength = int64(len(body))
		}
		if len(ex.Response.Trailer) > 0 {
			// Trailers come after a chunked body, of no length given.
			resp.Header.Del("Content-Length")
			resp.ContentLength = -1
			resp.TransferEncoding = []string{"chunked"}
		}
	}
	return resp, nil
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
