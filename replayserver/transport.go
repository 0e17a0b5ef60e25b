package replayserver

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/cassette-go/cassette/library"
)

// NewTransport returns a RoundTripper that answers from the library at path
// in process, without sockets, with the same options, hit tracking and
// strict mode as [New]. Requests are named by their own URL. A request no
// cassette answers is an error from RoundTrip: a [*MissError] carrying the
// same report as [New]'s 404 answer, which unwraps to [ErrNoMatch] (the
// report is also logged to the test). In record, rerecord and passthrough
// modes requests go to their own URL through [http.DefaultTransport].
// Strict mode and saving apply when the test ends.
func NewTransport(t testing.TB, path string, opts ...Option) http.RoundTripper {
	t.Helper()
	h := newTestHandler(t, path, true, opts)
	t.Cleanup(func() { finish(t, h) })
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
		return h.fwd.rt.RoundTrip(withBody(req, body))
	}
	m := h.lookup(req, body)
	if m.found != "" && !(h.mode == ModeRecord && h.isRecorded(m.found)) {
		if ex, ok := h.take(m.found); ok {
			h.logf("hit  %s %s -> %d from %s", req.Method, req.URL, ex.Response.StatusCode, m.found)
			return responseFor(req, ex), nil
		}
	}
	if h.mode == ModeRecord {
		return h.fwd.rt.RoundTrip(withBody(req, body))
	}
	miss := h.missError(req, body, m)
	h.logf("%s", miss.Report)
	return nil, miss
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
// are copied, so a client changing them does not change the library.
func responseFor(req *http.Request, ex library.Exchange) *http.Response {
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
	if req.Method != http.MethodHead && bodyAllowed(status) && len(ex.Response.Body) > 0 {
		resp.Body = io.NopCloser(bytes.NewReader(ex.Response.Body))
		resp.ContentLength = int64(len(ex.Response.Body))
	}
	return resp
}
