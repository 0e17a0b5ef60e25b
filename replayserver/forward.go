package replayserver

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cassette-go/cassette/internal/bodiless"
	"github.com/cassette-go/cassette/internal/detach"
	"github.com/cassette-go/cassette/internal/forwarded"
	"github.com/cassette-go/cassette/internal/ownheader"
	"github.com/cassette-go/cassette/internal/trailer"
	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

// A forwarder sends requests on to the API they stand for: recording them
// (record and rerecord modes) or not (passthrough).
type forwarder struct {
	rt    http.RoundTripper      // recording, or plain in passthrough mode
	proxy *httputil.ReverseProxy // rt behind a reverse proxy, for the server

	mu        sync.Mutex      // guards forwarded
	forwarded map[string]bool // names of requests forwarded to be recorded
}

// noteForwarding notes that a request named name is forwarded to be
// recorded, before the recorder stores it: from then on its cassette is
// one being recorded, which record mode forwards again rather than
// replays, even while its first exchange is in the library but not yet
// reported recorded.
func (f *forwarder) noteForwarding(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.forwarded == nil {
		f.forwarded = map[string]bool{}
	}
	f.forwarded[name] = true
}

// isForwarded reports whether a request named name was forwarded to be
// recorded.
func (f *forwarder) isForwarded(name string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.forwarded[name]
}

// targetKey is the context key of the URL a forwarded request goes to.
type targetKey struct{}

// ownKey is the context key that marks a forwarded request sent to the
// server's own address (not for another host, through Server.Transport).
type ownKey struct{}

// callerBodyKey is the context key of the client's request body, as a
// forwarded request carries it (see callerBody).
type callerBodyKey struct{}

// serve forwards r to target and streams the answer to w. own tells that
// r was sent to the server's own address.
func (f *forwarder) serve(w http.ResponseWriter, r *http.Request, target *url.URL, own bool) {
	ctx := context.WithValue(r.Context(), targetKey{}, target)
	if own {
		ctx = context.WithValue(ctx, ownKey{}, true)
	}
	var body *callerBody
	if r.Body != nil && r.Body != http.NoBody {
		body = &callerBody{ReadCloser: r.Body}
		ctx = context.WithValue(ctx, callerBodyKey{}, body)
	}
	r = r.WithContext(ctx)
	if body != nil {
		r.Body = body
	}
	// No Content-Type the upstream did not send, as replay sends none; the
	// header of an answer that has no body goes with its end, in one
	// HTTP/2 frame, as replay sends it (see bodiless).
	f.proxy.ServeHTTP(bodiless.Writer(forwarded.Unsniffed(w), r))
}

// A callerBody is a client's request body forwarded as it comes
// (passthrough and rerecord do not read it first), which remembers that a
// read of it failed (a malformed chunk, a client's reader failing): the
// forwarding then failed by the client's fault, not the upstream's.
//
// For a request sent through [NewTransport], want is the ContentLength
// its caller gave (0 when it gave none): a body that ends before it, or
// goes on past it, is the caller's mistake too, which http.Transport
// refuses to send ("http: ContentLength=10 with Body length 4").
type callerBody struct {
	io.ReadCloser
	want int64       // the length the caller gave, if > 0
	read int64       // bytes read so far (by one reader at a time)
	bad  atomic.Bool // a read failed (a transport reads it on a goroutine of its own)
}

func (b *callerBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.read += int64(n)
	switch {
	case err != nil && err != io.EOF,
		b.want > 0 && b.read > b.want,
		b.want > 0 && err == io.EOF && b.read < b.want:
		b.bad.Store(true)
	}
	return n, err
}

// callerBodyFailed reports whether the forwarding of r (as the server
// forwards it, or as the transport sends it) failed as its client's
// request body failed to be read.
func callerBodyFailed(r *http.Request) bool {
	b, ok := r.Body.(*callerBody)
	if !ok {
		b, _ = r.Context().Value(callerBodyKey{}).(*callerBody)
	}
	return b != nil && b.bad.Load()
}

// startForwarding builds the forwarder of h's mode. Rerecording goes to a
// staging library that replaces the real one at Close.
func (h *Handler) startForwarding(forTransport bool) error {
	if h.mode == ModeRerecord {
		dir, err := os.MkdirTemp("", "cassette-rerecord-*")
		if err != nil {
			return fmt.Errorf("replayserver: rerecord: %w", err)
		}
		staging, err := library.Open(filepath.Join(dir, "staging"), library.WithFormat(h.lib.Format()))
		if err != nil {
			os.RemoveAll(dir)
			return fmt.Errorf("replayserver: rerecord: %w", err)
		}
		h.dest, h.lib, h.stagingDir = h.lib, staging, dir
	}
	// What is stored is what the upstream sent: the server does not
	// decompress. The in-process transport sends as its caller would.
	// Both wait for response headers as long as UpstreamTimeout says.
	base := h.cfg.transport
	if base == nil {
		base = http.DefaultTransport
	}
	if dt, ok := base.(*http.Transport); ok {
		t := dt.Clone()
		if !forTransport {
			t.DisableCompression = true // the server stores what the upstream sent
		}
		t.ResponseHeaderTimeout = h.cfg.upstreamTimeout()
		base = t
	}
	rt := base
	if h.mode != ModePassthrough {
		rt = recorder.NewRoundTripper(h.lib, append(h.cfg.recorderOptions(),
			recorder.Transport(base),
			recorder.Logf(h.logf),
			recorder.OnRecord(func(name string, _ library.Exchange) { h.noteRecorded(name) }),
			recorder.OnBrokenBody(h.noteBroken),
			recorder.OnError(func(err error) {
				h.told.add(err)
				h.noteUnstored(err)
				where := ""
				if h.mode == ModeRerecord {
					// The path in err is the staging library's, which
					// the user did not name.
					where = fmt.Sprintf(" (a rerecord stores what it records in a staging library in the system's temporary folder, %s, then replaces %s with it when the test ends: point %s at a writable folder with room)", os.TempDir(), h.dest.Path(), tempDirVar(runtime.GOOS))
				}
				h.failf("replayserver: storing a recorded exchange: %v%s", err, where)
			}),
		)...)
	}
	h.fwd = &forwarder{rt: rt, proxy: &httputil.ReverseProxy{
		Rewrite:       rewriteToTarget,
		Transport:     bodiless.Transport(rt), // for bodiless.Empty, below
		FlushInterval: -1,                     // stream as it arrives: event streams, chunked answers
		ModifyResponse: func(resp *http.Response) error {
			h.noteAway(resp)
			bodiless.Empty(resp)         // an answer that ended with its header is sent so
			return trailer.Unsized(resp) // the client waits for the trailers, and the end
		},
		// Errors after the headers, such as a body broken off.
		ErrorLog: log.New(detach.ProxyLog(h.logf), "", 0),
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			msg := fmt.Sprintf("replayserver: forwarding %s %s: %v", r.Method, h.redact.URL(r.URL), err)
			code := http.StatusBadGateway
			bodyFailed := callerBodyFailed(r)
			if bodyFailed {
				// The client's request body failed as it was sent: its
				// fault, as when the body is read before forwarding.
				code = http.StatusBadRequest
			} else if isTimeout(err) && r.Context().Err() == nil {
				code = http.StatusGatewayTimeout
				if strings.Contains(err.Error(), "awaiting response headers") {
					msg += fmt.Sprintf(" (none within %v; raise it with replayserver.UpstreamTimeout)", h.cfg.upstreamTimeout())
				}
			}
			var cerr *tls.CertificateVerificationError
			if errors.As(err, &cerr) {
				msg += " (the upstream's certificate is not trusted here: for a test server, pass its Client().Transport with replayserver.UpstreamTransport)"
			}
			h.logf("%s", msg)
			if !callerEnded(r, err) && !bodyFailed { // the upstream failed, not the client
				h.noteForwardFailure(fmt.Sprintf("%s %s: %v", r.Method, h.redact.URL(r.URL), err))
			}
			http.Error(w, msg, code)
		},
	}}
	return nil
}

// callerEnded reports whether the forwarding of r failed with err because
// its caller ended the request (canceled it, or its http.Client timed out,
// which may close r.Cancel before the context's deadline is seen), not
// because the upstream did not answer.
func callerEnded(r *http.Request, err error) bool {
	if strings.Contains(err.Error(), "awaiting response headers") {
		return false // UpstreamTimeout, though it says it is a DeadlineExceeded
	}
	if r.Context().Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		strings.Contains(err.Error(), "net/http: request canceled") {
		return true
	}
	select {
	case <-r.Cancel: //lint:ignore SA1019 http.Client with a Timeout still closes it
		return true
	default:
		return false
	}
}

// isTimeout reports whether err is a timeout: a network timeout (such as
// the transport's ResponseHeaderTimeout) or a deadline exceeded.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// rewriteToTarget points the outgoing request at the target in its
// context.
func rewriteToTarget(pr *httputil.ProxyRequest) {
	// A client that closes a body of known length unread drops its
	// connection: the recorder may still read the rest.
	// The request's trailers come with the end of its body, which the
	// transport reads after this: ReverseProxy's clone of the map, made
	// before, would stay empty, and the upstream get the trailers without
	// their values. The incoming request's map is filled as its body ends
	// (without the server's own: see ownheader.WithoutTrailers).
	pr.Out.Trailer = pr.In.Trailer
	pr.Out = detach.Request(pr.Out)
	forwarded.Keep(pr) // ReverseProxy removed the client's
	// An h2c upgrade made would splice the connection through, past the
	// server: the upstream answers over HTTP/1.1 without it.
	forwarded.DropH2C(pr.Out.Header)
	ownheader.Delete(pr.Out.Header)
	target, _ := pr.In.Context().Value(targetKey{}).(*url.URL)
	if target == nil {
		return
	}
	u := *target
	pr.Out.URL = &u
	pr.Out.Host = u.Host
	if vh := pr.In.Header.Get(hostHeader); vh != "" {
		pr.Out.Host = vh // the caller's own Host (see hostRouter)
	}
}

// tempDirVar returns the environment variable that names the system's
// temporary folder (os.TempDir) on the system goos: TMP on Windows (then
// TEMP), TMPDIR on Unix.
func tempDirVar(goos string) string {
	if goos == "windows" {
		return "TMP"
	}
	return "TMPDIR"
}
