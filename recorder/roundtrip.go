package recorder

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cassette-go/cassette/internal/brokenset"
	"github.com/cassette-go/cassette/internal/detach"
	"github.com/cassette-go/cassette/internal/diskerr"
	"github.com/cassette-go/cassette/internal/gunzip"
	"github.com/cassette-go/cassette/internal/headerkey"
	"github.com/cassette-go/cassette/internal/ownheader"
	"github.com/cassette-go/cassette/internal/redact"
	"github.com/cassette-go/cassette/internal/slowbody"
	"github.com/cassette-go/cassette/internal/spill"
	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
)

// NewRoundTripper returns a recording RoundTripper without a test around
// it: it sends each request with the configured transport and appends the
// exchange to lib when the response body has been read to its end (or
// closed: see "Bodies the client stops reading" in the package
// documentation), in the order the answers of its cassette arrived (each
// once the earlier ones are stored or given up); the library is saved in
// the background after each exchange. The RoundTripper is also an [io.Closer]: Close waits until
// what was recorded so far is saved, bodies still being read to their end
// after the client closed them included; a body the caller has neither
// read to its end nor closed is stored only once it is, and Close logs it;
// the exchanges of its cassette that wait for it are stored by Close
// without waiting, and it after them.
// When that save fails for the disk's sake (a full disk, a quota, a file
// size limit, a read-only file system, no permission), Close returns its
// error and gives up what lib could not save ([library.Library.Discard]:
// also what lib holds unsaved from other writers, such as the caller's
// own Put), removing the body files written for it, which no cassette
// file names; after another error, lib keeps it for a later Save. Close
// then tells
// [OnBrokenBody] of the cassettes that lack an answer so far. It is safe
// for concurrent use.
//
// With naming rules that [naming.Rules.Validate] refuses (see [Naming]),
// each RoundTrip returns that error and sends nothing.
//
// A request body is read to its end before the request is sent; one that
// has not ended when the request's context ends is closed, as
// [http.Transport] closes it, and RoundTrip returns the context's error
// ([context.Cause] of it, as [http.Transport] returns it),
// having sent and stored nothing (also when the body, closed, then ends
// as if whole).
//
// Without [Transport] it sends through a transport of its own, a clone of
// [http.DefaultTransport]; an [http.Client] using it closes that
// transport's idle connections with CloseIdleConnections. Gzip is asked
// for and decoded as by [NewTransport], and stored as the server sent it.
func NewRoundTripper(lib *library.Library, opts ...Option) http.RoundTripper {
	cfg := newConfig(opts)
	rt := newRoundTripper(lib, cfg, clientTransport(cfg))
	rt.takeOverGzip()
	return rt
}

// clientTransport returns the default transport of a recording
// RoundTripper: a clone of [http.DefaultTransport] that waits for response
// headers as long as cfg says, or http.DefaultTransport itself when a
// Transport option names another (it is not used) or when it is not an
// [*http.Transport] (it cannot be cloned).
func clientTransport(cfg config) http.RoundTripper {
	dt, ok := http.DefaultTransport.(*http.Transport)
	if cfg.transport != nil || !ok {
		return http.DefaultTransport
	}
	t := dt.Clone()
	t.ResponseHeaderTimeout = max(cfg.timeout, 0)
	return t
}

// roundTripper is the recording core shared by the proxy and the
// transport: it sends a request, hands the response body on as it is read
// and stores the exchange once the body has ended.
type roundTripper struct {
	next   http.RoundTripper
	lib    *library.Library
	cfg    config
	redact redact.Rules  // from cfg
	saver  *saver        // saves lib after each exchange, in the background
	gzip   bool          // ask for gzip and decode it, as http.Transport does (see takeOverGzip)
	drains pending       // bodies read to their end after the client closed them (see capture.Close)
	lost   brokenset.Set // bodies the upstream broke off, until a later request of their cassette is stored (see reportLost)
	bad    error         // the naming rules are invalid: every RoundTrip returns it, sending nothing

	// mu serializes Append on lib and guards lines: the exchanges of a
	// cassette are appended in the order their answers arrived (see
	// order.go).
	mu    sync.Mutex
	lines map[string]*line // by cassette name: the places of its answers not yet settled

	openMu sync.Mutex            // guards open
	open   map[*capture]struct{} // bodies whose exchange has not ended (see endStopped)

	secretsMu     sync.Mutex      // guards secretsLogged
	secretsLogged map[string]bool // the cassettes and secret fields logged (see firstSecretLog)
}

var _ http.RoundTripper = (*roundTripper)(nil)

// CloseIdleConnections closes the idle connections of the transport the
// round tripper sends through, if it has such a method; [http.Client]
// calls it.
func (rt *roundTripper) CloseIdleConnections() {
	if c, ok := rt.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// newRoundTripper returns a recording round tripper sending through
// cfg.transport, or def when it is nil.
func newRoundTripper(lib *library.Library, cfg config, def http.RoundTripper) *roundTripper {
	next := cfg.transport
	if next == nil {
		next = def
	}
	rt := &roundTripper{next: next, lib: lib, cfg: cfg, redact: cfg.redaction(), bad: cfg.rulesError()}
	rt.saver = newSaver(lib, func(err error) {
		cfg.storeFailed(fmt.Errorf("recorder: save %s: %w", lib.Path(), err))
	})
	return rt
}

// takeOverGzip keeps the answers of an [*http.Transport] that would
// decode gzip transparently as the server sent them: rt sends through a
// clone of it with compression off, and itself asks for gzip and decodes
// it for its caller exactly when the transport would have. What the
// caller gets is unchanged; what is stored is the gzip the server sent.
// It reports whether rt now owns the transport it sends through.
func (rt *roundTripper) takeOverGzip() bool {
	t, ok := rt.next.(*http.Transport)
	if !ok || t.DisableCompression {
		return false
	}
	c := t.Clone()
	c.DisableCompression = true
	rt.next, rt.gzip = c, true
	return true
}

// sendFailed logs that req could not be sent, so nothing was recorded:
// the caller of a recording transport gets the error, and the log says
// why the library lacks the exchange. A proxy's request is left to the
// proxy, which answers 502 and logs it.
func (rt *roundTripper) sendFailed(req *http.Request, err error) {
	if detach.Proxied(req.Context()) {
		return
	}
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	msg := fmt.Sprintf("recorder: %s %s: not recorded: %v", method, rt.redact.URL(req.URL), err)
	if strings.Contains(err.Error(), "awaiting response headers") {
		msg += " (none within the transport's ResponseHeaderTimeout: raise it with UpstreamTimeout, or on a transport of your own)"
	}
	rt.cfg.logError("%s", msg)
}

// Close ends the exchanges whose request's context has ended (see
// endStopped), waits for the bodies the recorder is still reading after
// their client closed them (see capture.Close), then for the exchanges
// recorded so far to be saved, and saves what is left (see end). The
// round tripper can still be used afterwards.
func (rt *roundTripper) Close() error {
	rt.reportOpen()
	err := rt.end()
	rt.reportLost()
	return err
}

// end saves what was recorded, as the recording ends. What cannot be
// saved then for the disk's sake (a full disk) never will be: it is given
// up, with the body files written for it (see library.Library.Discard), so
// that none is left behind that no cassette names. After another error
// (a cassette another writer left unreadable, say) the library keeps it:
// the caller of NewRoundTripper or NewProxy, whose library it is, may
// save it later. The exchanges waiting for an earlier answer of their
// cassette whose body is still open are stored first (see release).
func (rt *roundTripper) end() error {
	err := rt.saveAll(true)
	if err != nil && diskerr.Is(err) {
		if derr := rt.lib.Discard(); derr != nil {
			rt.cfg.logError("recorder: %v", derr)
		}
	}
	return err
}

// reportLost tells OnBrokenBody of each cassette whose response body the
// upstream broke off, and that no request sent after it made up for (see
// package brokenset), once.
func (rt *roundTripper) reportLost() {
	for _, b := range rt.lost.Take() {
		if rt.cfg.onBroken != nil {
			rt.cfg.onBroken(b.Name, b.Err)
		}
	}
}

// reportOpen logs the bodies the caller has neither read to their end
// nor closed: their exchanges are not lost, but not saved either, and
// Close saying nothing of them would let the caller think so.
func (rt *roundTripper) reportOpen() {
	rt.openMu.Lock()
	open := make([]*capture, 0, len(rt.open))
	for c := range rt.open {
		if c.ctx.Err() == nil && !detach.Left(c.ctx) && (c.caller == nil || c.caller.Err() == nil) {
			open = append(open, c)
		}
	}
	rt.openMu.Unlock()
	for _, c := range open {
		rt.cfg.logError("recorder: %s %s: the response body is still open, so its exchange is not saved yet: it is stored once the body is read to its end or closed (then Close saves it)",
			c.req.Method, rt.redact.URL(c.url))
	}
}

// save is Close without reportOpen: what the proxies call, whose open
// bodies are being sent to their clients. An exchange waiting for an
// earlier answer of its cassette whose body is still open keeps waiting,
// and the log says so: it is stored in its place once that one ends.
func (rt *roundTripper) save() error { return rt.saveAll(false) }

// saveAll is save; ending, the recording ends: the exchanges that wait
// for a body still open are stored first (see release).
func (rt *roundTripper) saveAll(ending bool) error {
	rt.endStopped()
	rt.drains.wait()
	if ending {
		rt.release()
	} else {
		rt.logWaiting()
	}
	if err := rt.saver.flush(); err != nil {
		return fmt.Errorf("recorder: save %s: %w", rt.lib.Path(), err)
	}
	return nil
}

// RoundTrip reads the request body, sends the request and returns the
// response with a body that records what is read from it. A transport
// error is returned as is and nothing is stored. The request sent and the
// response returned are not redacted; the name is that of the redacted
// request, and the exchange is redacted when it is stored.
func (rt *roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := rt.roundTrip(req)
	if resp != nil {
		resp.Request = req // the caller's, as http.Transport returns it, not the copy sent
	}
	return resp, err
}

// roundTrip is RoundTrip, but for the request of the response.
func (rt *roundTripper) roundTrip(req *http.Request) (*http.Response, error) {
	if rt.bad != nil {
		if req.Body != nil {
			req.Body.Close() // as a RoundTripper must, even on an error
		}
		return nil, rt.bad
	}
	caller := req
	if req.Header == nil {
		// A request built by hand without a header map: sent and
		// stored as one with an empty header, as the replay server
		// takes it, rather than panicking where a header is set.
		r := *req
		r.Header = http.Header{}
		req = &r
	}
	if h := headerkey.WithoutMoved(ownheader.Without(req.Header)); len(h) != len(req.Header) {
		// The replay server's own headers, which it honours only from
		// its srv.Client() and drops from any other request: dropped
		// here too, under any spelling of their keys, so that they go
		// neither upstream nor into a cassette, nor name the request,
		// as through the replay server. So are Host and
		// Transfer-Encoding under any spelling: Go's client sends
		// neither from the header, but req.Header["host"] as a second
		// Host line (which a server refuses, 400) and
		// req.Header["transfer-encoding"] as framing the body does not
		// have (a server waits for chunks that never come); no request
		// a server gets holds them among its fields, and names leave
		// them out. The caller's request is left as it is.
		r := *req
		r.Header = h
		req = &r
	}
	// Sent as trailers, the replay server's own headers are dropped too,
	// as they come with the end of the body (the caller's req.Trailer, or
	// a proxy's client's, which net/http's server fills).
	req = ownheader.WithoutTrailers(caller, req)
	start := time.Now()
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	reqBody, out, whole, err := bufferBody(req, rt.cfg.maxBody, func(read int64) {
		rt.cfg.logError("recorder: %s", slowbody.Message(method+" "+rt.redact.URL(req.URL).String(), slowbody.After, read))
	})
	if err != nil {
		if le := (lengthError{}); errors.As(err, &le) {
			return nil, rt.lengthFailed(method, req.URL, "not sent", le)
		}
		return nil, fmt.Errorf("recorder: read request body of %s %s: %w", method, rt.redact.URL(req.URL), requestBodyError{err})
	}
	if !whole {
		// The request body is too large to store: send it as it comes
		// and hand the response on untouched. out may be req itself,
		// which RoundTrip does not modify.
		o := *out
		out = &o
		rest := out.Body
		if out.ContentLength > 0 {
			// Checked as it goes (see lengthBody): this body is not read
			// before it is sent, and a wrapped body is not one that
			// http.Transport checks before sending anything. One in
			// memory (GetBody set, as http.NewRequest sets it) ends, so
			// the end of its length can wait for its end; a stream's
			// writer may wait for the answer before it ends it.
			rest = &lengthBody{ReadCloser: rest, want: out.ContentLength, inMemory: req.GetBody != nil}
		}
		body := &watchedBody{ReadCloser: rest}
		out.Body = body
		resp, err := rt.next.RoundTrip(out)
		if err != nil {
			if le := (lengthError{}); errors.As(err, &le) {
				// Not as long as it said: the caller's fault.
				rt.sendFailed(out, le)
				return nil, rt.lengthFailed(method, req.URL, "broken off", le)
			}
			if body.failed() {
				// The client's body failed as it was sent: its fault.
				err = fmt.Errorf("recorder: read request body of %s %s: %w", method, rt.redact.URL(req.URL), requestBodyError{err})
			}
			rt.sendFailed(out, err)
			return nil, err
		}
		rt.cfg.storeFailed(rt.tooLarge("request", method, out.URL))
		return resp, nil
	}
	name := naming.Name(rt.redact.Request(out), rt.redact.Body(out.Header, reqBody), rt.cfg.rules)
	send := out
	askedGzip := rt.gzip && gunzip.Asks(out)
	if askedGzip {
		// As http.Transport would, on the wire only: the request stored
		// and named is the caller's.
		o := *out
		o.Header = out.Header.Clone()
		o.Header.Set("Accept-Encoding", "gzip")
		send = &o
	}
	// A proxy's request comes detached (see package detach). A caller's is
	// detached here, so that ending its context after it closed a body of
	// known length does not end the reading of the rest (see
	// capture.Close): http.Client does so whenever it has a Timeout.
	inProcess := !detach.Proxied(send.Context())
	var callerCtx context.Context // the caller's context, before it is detached
	if inProcess {
		callerCtx = send.Context()
		send = detach.Request(send)
	}
	resp, err := rt.next.RoundTrip(send)
	if err != nil {
		if inProcess {
			detach.Release(send.Context())
		}
		rt.sendFailed(out, err)
		return nil, err
	}
	if resp.StatusCode == http.StatusSwitchingProtocols {
		// A protocol upgrade (WebSocket) is not an exchange that can be
		// stored; its body must stay writable for httputil.ReverseProxy.
		return resp, nil
	}
	c := &capture{
		rt:        rt,
		body:      resp.Body,
		resp:      resp,
		ctx:       send.Context(),
		caller:    callerCtx,
		inProcess: inProcess,
		cancel:    send.Cancel, //lint:ignore SA1019 http.Client with a Timeout still closes it
		length:    resp.ContentLength,
		name:      name,
		start:     start,
		url:       out.URL,
		limit:     rt.cfg.maxBody,
		req: library.Request{
			Method: method,
			URL:    out.URL.String(),
			Header: storedHeader(out.Header, inProcess),
			Body:   reqBody,
		},
		header: resp.Header.Clone(),
		// A body without a length is a stream (chunked, event stream):
		// keep how it arrived.
		streamed: resp.ContentLength < 0 && !resp.Uncompressed,
		// Its place among the answers of its cassette: the exchange is
		// stored in it, once those before it are settled.
		place: rt.placeFor(name),
	}
	if complete(resp, method) {
		// Nothing to wait for (204, 304, HEAD, Content-Length: 0 with
		// no trailers to follow): the exchange is complete and stored
		// now, whether or not the client ever closes the body.
		c.mu.Lock()
		c.done = true
		c.end()
		c.mu.Unlock()
		if inProcess {
			detach.Release(c.ctx)
		}
		return resp, nil
	}
	switch n := resp.ContentLength; {
	case c.limit > 0 && n > c.limit:
		c.tooLarge = true // known at once: keep no copy
	case n > spillSize:
		c.toFile = true // straight to a body file
	case n > 0:
		c.buf.Grow(int(n))
	}
	rt.track(c)
	if c.length > 0 && !c.tooLarge {
		if inProcess {
			// The caller ending its request while it reads stops the
			// reading at once; once it closed the body, the rest is
			// read while it keeps coming (see Close).
			c.keepAtClose = true
		} else {
			// Through a recording proxy, a client that closes the body
			// before its end leaves: read the rest while it keeps coming.
			detach.Keep(c.ctx, &c.arrived, leftPause, rt.cfg.timeout)
		}
	}
	resp.Body = c
	if askedGzip {
		gunzip.Decode(resp)
	}
	return resp, nil
}

// complete reports whether resp, the answer to a request of method, is
// complete as it arrives, to be stored at once: its body is none at all
// (nil, or [http.NoBody], as net/http's HTTP/1.1 transport gives a
// bodiless answer), it answers a HEAD, or its body is empty (a
// Content-Length of 0) and no trailers can follow it.
//
// Trailers can follow an empty body over HTTP/2: a server may send the
// header, then the trailers, announced or not (net/http's does so for a
// handler that sets trailers and writes nothing), and the client reads a
// ContentLength of 0 and gets the trailers at the end of the body. Such an
// answer is stored when its body ends, or is closed, as any other; one
// whose header ended its stream (a plain empty answer, a gRPC
// trailers-only one) has nothing after it: Go's HTTP/2 transports give it
// a body of their own, not http.NoBody, which endedStream tells. Over
// HTTP/1.1 trailers follow only a chunked body, which has no
// Content-Length. A 204 or 304 has no body, and trailers announced alone
// are waited for.
func complete(resp *http.Response, method string) bool {
	switch {
	case resp.Body == nil || resp.Body == http.NoBody || method == http.MethodHead:
		return true
	case resp.ContentLength != 0 || len(resp.Trailer) > 0:
		return false
	}
	return resp.ProtoMajor < 2 || resp.StatusCode == http.StatusNoContent || resp.StatusCode == http.StatusNotModified ||
		endedStream(resp.Body)
}

// endedStream reports whether body is the one Go's HTTP/2 transports give
// an answer whose header ended its stream: net/http's bundled one, and
// golang.org/x/net/http2's (its package, as the other, named http2). That
// body is an empty value of an unexported type, which only its name
// tells; a body of any other type is waited for, as any other. An upstream
// transport that wraps the body in a type of its own (a middleware given
// to Transport) hides it: such an answer is stored when its body ends or
// is closed, as the README says.
func endedStream(body io.ReadCloser) bool {
	switch reflect.TypeOf(body).String() {
	case "http.http2noBodyReader", "http2.noBodyReader":
		return true
	}
	return false
}

// spillSize is the size above which a response body is written to a body
// file of the library (see "Body files" in package library) as it
// arrives, instead of being kept in memory: a recording holds at most this
// much of a body in memory, whatever its size. `cassette import` stores
// the bodies over this size so too (see package spill).
const spillSize = spill.Size

// bufferBody reads req.Body and returns it with a request that sends the
// same bytes; req itself is not modified. A body larger than limit bytes
// (when limit > 0) is not kept: whole is false, body nil, and the request
// returned sends what was read then the rest of req.Body as it comes. A
// body that has not ended after [slowbody.After] is told to slow.
//
// A body whose length is not the ContentLength req gives is an error (a
// [lengthError]), as http.Transport returns for it, and nothing is to be
// sent: sent, the upstream would get, and may answer, a request cut to
// that length. Only a ContentLength over limit, with which the body is
// not read here, is left for the transport to check.
func bufferBody(req *http.Request, limit int64, slow func(read int64)) (body []byte, out *http.Request, whole bool, err error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, req, true, nil
	}
	if limit > 0 && req.ContentLength > limit {
		return nil, req, false, nil
	}
	r := io.Reader(req.Body)
	if limit > 0 {
		r = io.LimitReader(r, limit+1)
	}
	// A body that has not ended when the request's context ends (a
	// stream whose writer waits for the answer, a tunnel's) is given up
	// then, as http.Transport gives it up: closed, so that a Read waiting
	// on it returns, and the caller gets the context's error rather than
	// waiting for ever.
	stop := context.AfterFunc(req.Context(), func() { req.Body.Close() })
	if req.GetBody != nil && req.ContentLength > 0 {
		// In memory, as http.NewRequest makes a bytes or strings reader
		// (GetBody alone may reopen a file or a stream): it ends, and is
		// not watched.
		body, err = io.ReadAll(r)
	} else {
		body, err = slowbody.ReadAll(r, slowbody.After, slow)
	}
	if !stop() {
		// The context ended while the body was read: closed then (once,
		// as http.Transport closes it: a body's second Close may fail or
		// panic), the body may have ended with io.EOF, cut short, rather
		// than an error, and is not sent nor stored either way.
		return nil, nil, false, context.Cause(req.Context()) // as http.Transport returns it
	}
	if err != nil {
		req.Body.Close()
		return nil, nil, false, err
	}
	o := *req
	if limit > 0 && int64(len(body)) > limit {
		if req.ContentLength > 0 {
			// Its length, at most limit, is less than the body's: read on
			// to tell how much more, as http.Transport does, until the
			// context ends, as above.
			stop := context.AfterFunc(req.Context(), func() { req.Body.Close() })
			rest, err := io.Copy(io.Discard, req.Body)
			if !stop() {
				return nil, nil, false, context.Cause(req.Context()) // closed once, then
			}
			req.Body.Close()
			if err != nil {
				return nil, nil, false, err
			}
			return nil, nil, false, lengthError{req.ContentLength, int64(len(body)) + rest}
		}
		o.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), req.Body), req.Body}
		o.GetBody = nil
		return nil, &o, false, nil
	}
	if err := req.Body.Close(); err != nil {
		return nil, nil, false, err
	}
	if req.ContentLength > 0 && int64(len(body)) != req.ContentLength {
		return nil, nil, false, lengthError{req.ContentLength, int64(len(body))}
	}
	o.Body = io.NopCloser(bytes.NewReader(body))
	o.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return body, &o, true, nil
}

// capture is a response body that hands bytes on as they arrive and keeps
// a copy: in memory, or past spillSize in a body file. At the clean end of
// the body it stores the exchange, once. When the client stops reading
// early, a stream is stored as far as it arrived, and a body of known
// length is read to its end by the recorder (see Close); after an
// upstream error nothing is stored. Either way a body that is not stored
// is logged.
type capture struct {
	rt   *roundTripper
	body io.ReadCloser   // the upstream body
	resp *http.Response  // for its trailers, filled at the end of body
	ctx  context.Context // the request's as sent, detached (see package detach): when it ends, the client has stopped
	// caller is the caller's context of an in-process request, before it
	// was detached: ctx ends after it, in a goroutine of its own.
	caller context.Context
	// inProcess: a caller's request, not a proxy's, detached by the
	// round tripper. keepAtClose: one whose body has a length: Close
	// keeps its detached request going (see detach.Keep).
	inProcess, keepAtClose bool
	// cancel is the request's Request.Cancel (nil if none): http.Client
	// with a Timeout closes it for a RoundTripper it does not know, and
	// the transport then ends the request without the context ending.
	cancel <-chan struct{}
	length int64 // the Content-Length received; -1: a stream
	name   string
	place  *place // in the line of its cassette (see order.go)
	start  time.Time
	url    *url.URL // the request's URL, for errors (redacted there)
	req    library.Request
	header http.Header // the response header as received
	limit  int64       // MaxBodySize; 0 or less: none

	closed    atomic.Bool   // the client closed the body
	arrived   atomic.Int64  // bytes of the body arrived so far (for package detach)
	closeOnce sync.Once     // closes body, once (see closeBody)
	closeErr  error         // what closing body returned
	ended     chan struct{} // closed when the exchange has ended (see roundTripper.track)

	// mu guards the fields below; it is held while reading body. Once
	// done is set by Close, a drain owns them (see capture.Close).
	mu       sync.Mutex
	buf      bytes.Buffer // the body read so far, when kept in memory
	file     *library.BodyWriter
	toFile   bool   // the copy goes to a body file (file, once created)
	size     int64  // bytes of the body read so far
	done     bool   // the exchange was stored or abandoned, or a drain owns it
	note     string // how far a stopped stream was stored, for the log line
	tooLarge bool   // the body is over limit: the copy is dropped
	failed   bool   // the body file could not be written: the copy is dropped

	streamed bool            // the body has no Content-Length: keep chunks
	chunks   []library.Chunk // how the body arrived, when streamed and in memory
}

// A read of a streamed body is merged into the chunk before it when that
// chunk already holds chunkBulk bytes and the read came less than
// chunkMerge after it: a bulk download is not stored read by read, while
// an event stream, whose events are small, keeps one chunk per read.
const (
	chunkMerge = time.Millisecond
	chunkBulk  = 16 << 10
)

// addChunk appends a read of n bytes at time at, or merges it into the
// last chunk (see chunkMerge).
func addChunk(chunks []library.Chunk, n int, at time.Duration) []library.Chunk {
	if k := len(chunks); k > 0 && chunks[k-1].Size >= chunkBulk && at-chunks[k-1].At < chunkMerge {
		chunks[k-1].Size += n
		chunks[k-1].At = at
		return chunks
	}
	return append(chunks, library.Chunk{Size: n, At: at})
}

var _ io.ReadCloser = (*capture)(nil)

// Read reads from the upstream body, keeping a copy of what it returns.
// A read that fails because the client stopped (it closed the body from
// another goroutine, or its request's context ended) ends the exchange as
// [capture.stopped] says; any other error is the upstream's, and nothing
// is stored.
func (c *capture) Read(p []byte) (int, error) {
	if c.closed.Load() {
		return c.readClosed()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed.Load() {
		// Closed while this Read waited for the lock.
		c.stopIfOpen("the client closed the body")
		return 0, errClosedBody
	}
	n, err := c.body.Read(p)
	if c.done {
		return n, err
	}
	c.keep(p[:n])
	if err == nil && !c.closed.Load() {
		return n, nil
	}
	// The body ended, or the client closed it during this Read (from
	// another goroutine, whose Close waits for this).
	c.done = true
	switch {
	case err == io.EOF || c.whole():
		c.end()
		if c.inProcess {
			// Over: a caller that never closes the body leaves nothing
			// registered on its context.
			detach.Release(c.ctx)
		}
	case c.closed.Load() || c.clientStopped():
		c.stopped(c.stopCause())
	default:
		c.broken(err)
	}
	c.rt.forget(c)
	return n, err
}

// whole reports whether the body read so far is all its Content-Length
// announced. An error after that (an HTTP/2 stream whose end, or
// trailers, the client did not wait for: its request's context is then
// canceled) leaves the exchange complete, and it is stored. c.mu is held.
func (c *capture) whole() bool {
	return c.length >= 0 && c.size == c.length && !c.tooLarge && !c.failed
}

// keep adds p, just read, to the copy: in memory, or in the body file once
// the body is larger than spillSize. c.mu is held.
func (c *capture) keep(p []byte) {
	c.arrived.Add(int64(len(p)))
	if len(p) == 0 || c.tooLarge || c.failed {
		return
	}
	c.size += int64(len(p))
	if c.limit > 0 && c.size > c.limit {
		c.tooLarge = true
		c.dropCopy()
		return
	}
	if !c.toFile && c.size > spillSize {
		c.toFile = true
	}
	if !c.toFile {
		c.buf.Write(p)
		if c.streamed {
			c.chunks = addChunk(c.chunks, len(p), time.Since(c.start))
		}
		return
	}
	if c.file == nil {
		// The body goes on disk from here on; a body file is replayed as
		// a plain stream, without its chunks.
		f, err := c.rt.lib.NewBody()
		if err != nil {
			c.fail(err)
			return
		}
		c.file = f
		c.chunks = nil
		if _, err := c.file.Write(c.buf.Bytes()); err != nil {
			c.fail(err)
			return
		}
		c.buf = bytes.Buffer{}
	}
	if _, err := c.file.Write(p); err != nil {
		c.fail(err)
	}
}

// fail gives up the copy after a body file could not be written, and
// reports it. c.mu is held.
func (c *capture) fail(err error) {
	c.failed = true
	c.dropCopy()
	c.rt.cfg.storeFailed(fmt.Errorf("recorder: %s %s: %w; the exchange was not stored", c.req.Method, c.rt.redact.URL(c.url), err))
}

// dropCopy gives up the copy of the body. c.mu is held.
func (c *capture) dropCopy() {
	c.buf = bytes.Buffer{}
	c.chunks = nil
	if c.file != nil {
		c.file.Abort()
		c.file = nil
	}
}

// end ends a body read without error: it stores the exchange, or reports
// it too large to store. c.mu is held.
func (c *capture) end() {
	switch {
	case c.tooLarge:
		c.rt.cfg.storeFailed(c.rt.tooLarge("response", c.req.Method, c.url))
		c.abandon()
	case c.failed:
		c.abandon() // reported
	default:
		c.store()
	}
}

// abandon settles the place of an exchange that is not stored, so that
// the later ones of its cassette need not wait for it (see order.go).
func (c *capture) abandon() { c.rt.settle(c.place, nil) }

// store builds the exchange from the complete body, redacts it and stores
// it in its place: appended at once, or once the earlier answers of its
// cassette are settled (see order.go). c.mu is held.
func (c *capture) store() {
	ex := library.Exchange{
		Request: c.req,
		Response: library.Response{
			StatusCode: c.resp.StatusCode,
			Header:     c.header,
			Trailer:    trailers(c.resp.Trailer),
			Body:       c.buf.Bytes(),
			Chunks:     c.chunks,
		},
		Latency:    time.Since(c.start),
		RecordedAt: time.Now().UTC(),
	}
	committed := "" // the body file committed, released unless stored
	if c.file != nil {
		path, err := c.file.Commit()
		if err != nil {
			c.fail(err)
			c.abandon()
			return
		}
		ex.Response.Body, ex.Response.BodyFile = nil, path
		committed = path
	}
	if len(c.rt.redact.Hooks) > 0 {
		// The transport may still be reading the request body it sent
		// (an upstream may answer before reading it all): hooks get a
		// copy they may change in place.
		ex.Request.Body = bytes.Clone(ex.Request.Body)
	}
	sent := sentBody{coding: contentCoding(ex.Response.Header), body: ex.Response.Body, file: committed}
	if len(c.rt.redact.Hooks) > 0 && len(sent.body) > 0 && sent.coding != "" {
		// A hook may rewrite the body in place (append to Body[:0]):
		// checkEncoding compares with, and decodes, what was sent.
		sent.body = bytes.Clone(sent.body)
	}
	err := c.rt.redactExchange(&ex)
	if err == nil && len(c.rt.redact.Hooks) > 0 {
		err = checkEncoding(&ex.Response, sent)
	}
	if err != nil {
		c.rt.cfg.storeFailed(fmt.Errorf("recorder: store %s %s as %s: before save: %w", ex.Request.Method, ex.Request.URL, c.name, err))
		c.rt.releaseBody(committed)
		c.abandon()
		return
	}
	c.rt.settle(c.place, &waitingStore{name: c.name, ex: ex, note: c.note, sent: c.start, committed: committed})
}

// releaseBody gives up the body file path, committed for an exchange that
// was not stored: the library removes it unless something else may use
// it (see [library.Library.ReleaseBody]), so that a body a hook kept out
// of the library is not left on disk. An empty path is no body file.
func (rt *roundTripper) releaseBody(path string) {
	if path == "" {
		return
	}
	if err := rt.lib.ReleaseBody(path); err != nil {
		rt.cfg.storeFailed(fmt.Errorf("recorder: %w (the body of an exchange that was not stored; remove it by hand, or with cassette prune -force)", err))
	}
}

// redactExchange redacts ex and runs the BeforeSave hooks on it (see
// [redact.Rules.Exchange]). A hook that panics fails as one that returns
// an error, its stack in the error: it runs in the client's Read of the
// body (through a proxy, in the handler, whose panic only cuts the
// client's connection) or in a goroutine of the recorder reading a body
// the client closed, where a panic would end the program.
func (rt *roundTripper) redactExchange(ex *library.Exchange) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v\n%s", v, debug.Stack())
		}
	}()
	return rt.redact.Exchange(ex)
}

// trailers returns a copy of the trailers, or nil when there are none. A
// trailer the API announced and never sent, which net/http's client holds
// with no value, is kept with none (an empty list), so that its replay
// announces it too: its client finds it in resp.Trailer with no value, as
// the API's did.
func trailers(t http.Header) http.Header {
	var out http.Header
	for k, v := range t {
		if out == nil {
			out = http.Header{}
		}
		out[k] = append([]string{}, v...)
	}
	return out
}

// clientStopped reports whether the client ended its request: its
// context (as detached) ended, or it closed Request.Cancel.
func (c *capture) clientStopped() bool {
	if c.ctx.Err() != nil {
		return true
	}
	select {
	case <-c.cancel:
		return true
	default:
		return false
	}
}

// A lengthBody is a request body sent as it comes that fails, with a
// [lengthError], when it is not as long as its request's ContentLength
// says: one that ends short fails before the upstream has the length, and
// one that goes on past it fails at the read after the length, which
// http.Transport makes (on a goroutine of its own, while it waits for the
// answer) to tell that the body ended there. A body in memory holds back
// the read that would complete the length until the body is seen to end
// with it, so that the upstream never has a request cut to that length,
// to answer as if whole (http.Transport sends nothing of a body in memory
// of the wrong length). A stream cannot: its writer may wait for the
// answer before it ends the body (a full-duplex client, a pipe closed
// once answered), and the upstream answers only once it has the whole
// length; so, as from http.Transport, the upstream has the length of a
// stream that goes on past it, and may answer before the round trip
// fails.
type lengthBody struct {
	io.ReadCloser
	want     int64 // the ContentLength, more than 0
	read     int64 // bytes read so far
	inMemory bool  // the body ends: the read that completes the length waits for its end
}

func (b *lengthBody) Read(p []byte) (int, error) {
	left := b.want - b.read
	if left <= 0 {
		return 0, b.end()
	}
	if int64(len(p)) > left {
		p = p[:left]
	}
	n, err := b.ReadCloser.Read(p)
	b.read += int64(n)
	switch {
	case err == io.EOF && b.read < b.want:
		return n, lengthError{b.want, b.read}
	case err == nil && b.read == b.want && b.inMemory:
		// The last bytes of the length: handed on only once the body
		// is seen to end with them.
		if err := b.end(); err != io.EOF {
			return 0, err
		}
		return n, io.EOF
	}
	return n, err
}

// end reads the body on past its length, all of which was read: io.EOF if
// it ends there, else a lengthError counting the rest (as http.Transport
// reads it to count it), or the error reading it.
func (b *lengthBody) end() error {
	var one [1]byte
	for {
		n, err := b.ReadCloser.Read(one[:])
		if n > 0 {
			rest, err := io.Copy(io.Discard, b.ReadCloser)
			if err != nil {
				return err
			}
			return lengthError{b.want, b.read + int64(n) + rest}
		}
		if err != nil {
			return err
		}
	}
}

// lengthFailed returns the error of a request whose body is not as long
// as its ContentLength says (see lengthError), what became of it told by
// what.
func (rt *roundTripper) lengthFailed(method string, u *url.URL, what string, le lengthError) error {
	return fmt.Errorf("recorder: %s %s: %s: %w (a request's ContentLength is the length of its body, or 0 when it is not known)",
		method, rt.redact.URL(u), what, requestBodyError{le})
}

// A lengthError is a request body whose length is not the ContentLength
// of its request: the caller's mistake, said as http.Transport says it.
type lengthError struct{ contentLength, bodyLength int64 }

func (e lengthError) Error() string {
	return fmt.Sprintf("http: ContentLength=%d with Body length %d", e.contentLength, e.bodyLength)
}

// A requestBodyError is the client's request body failing as it is read:
// the client's fault, not the upstream's (see Proxy.badGateway).
type requestBodyError struct{ err error }

func (e requestBodyError) Error() string { return e.err.Error() }
func (e requestBodyError) Unwrap() error { return e.err }

// A watchedBody is a request body sent as it comes, which remembers its
// first read error (io.EOF aside): the transport's error is then the
// client's, not the upstream's.
type watchedBody struct {
	io.ReadCloser
	bad atomic.Bool // a read failed (the transport reads on a goroutine of its own)
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		b.bad.Store(true)
	}
	return n, err
}

// failed reports whether a read of the body failed.
func (b *watchedBody) failed() bool { return b.bad.Load() }

// storedHeader returns the header of a request to store, sent with h. A
// proxy (httputil.ReverseProxy) passes on no hop-by-hop field but the
// Connection: Upgrade and Upgrade of a request asking for a protocol
// upgrade (WebSocket, h2c), which concern the connection; an upgrade that
// took place (101) is not stored, so a stored request asked for one that
// did not: they are left out, under any spelling. The in-process
// transports (inProcess) store every field sent.
func storedHeader(h http.Header, inProcess bool) http.Header {
	c := h.Clone()
	if inProcess {
		return c
	}
	for k := range c {
		if strings.EqualFold(k, "Connection") || strings.EqualFold(k, "Upgrade") {
			delete(c, k)
		}
	}
	return c
}
