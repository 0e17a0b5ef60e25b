package replayserver

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"github.com/cassette-go/cassette/internal/endcut"
	"github.com/cassette-go/cassette/internal/headerkey"
	"github.com/cassette-go/cassette/internal/ownheader"
	"github.com/cassette-go/cassette/internal/testlog"
)

// A Server is a replay server started for a test: an [httptest.Server]
// (srv.URL, srv.Client() and srv.Close() work as usual) answering from a
// cassette library. srv.Client() sends requests for any URL to the server
// (see [Server.Transport]): its Transport is that RoundTripper, not the
// *http.Transport of a plain httptest.Server (for a TLS server's
// certificate, use srv.Certificate()). It is closed in t.Cleanup. It is safe for concurrent
// use, except that routes are added to its [Server.Router] before the
// requests they answer, not while it serves.
type Server struct {
	*httptest.Server
	h         *Handler
	t         testing.TB
	transport *hostRouter

	closeMu sync.Mutex // held while closing
	closed  bool
}

// New starts a replay server on the library at path: a path with a .json,
// .yaml or .yml extension is a single-file library, any other path a
// directory library with one file per cassette.
//
// A request that no cassette answers gets status 404 with a plain-text
// report (the request, the name computed for it, the nearest recorded
// cassettes with a diff), the name also in its X-Cassette-Miss header,
// and fails the test with the same report. A library
// that does not exist, in replay mode or in the default once mode with no
// [Upstream] (or under CI), fails the test at once with a message saying how
// to record it.
//
// When the test ends (or at [Server.Close]) the server is closed and what
// was recorded is saved. When the test ends, with [Strict], every cassette
// that was never used fails it, unless it skipped itself without failing first.
// Requests still open then are waited for while one awaits its answer;
// then those whose response bodies the test never read to their end nor
// closed are cut off once nothing more was sent for a second (or, for a
// stream that trickles on, after five seconds).
func New(t testing.TB, path string, opts ...Option) *Server {
	t.Helper()
	h := newTestHandler(t, path, false, append([]Option{asServer}, opts...))
	var watch endcut.Watch
	ts := httptest.NewUnstartedServer(watch.Handler(h))
	ts.Config.ErrorLog = log.New(logWriter{h.tlog}, "", 0)
	// OPTIONS * (a request for the server as a whole) is the handler's,
	// as any request: http.Server would answer it itself, 200 and empty,
	// so that its cassette was never used, nor recorded.
	ts.Config.DisableGeneralOptionsHandler = true
	if h.cfg.tls {
		ts.EnableHTTP2 = true
		ts.StartTLS()
	} else {
		// HTTP/1.1, and HTTP/2 for clients that speak it from the
		// start (h2c with prior knowledge: grpc-go with insecure
		// credentials).
		ts.Config.Protocols = new(http.Protocols)
		ts.Config.Protocols.SetHTTP1(true)
		ts.Config.Protocols.SetUnencryptedHTTP2(true)
		ts.Start()
	}
	u, _ := url.Parse(ts.URL)
	s := &Server{Server: ts, h: h, t: t, transport: &hostRouter{base: ts.Client().Transport, server: u, secret: h.secret, http2: h.cfg.tls}}
	ts.Client().Transport = s.transport
	t.Cleanup(func() {
		t.Helper() // failures at the end point at the line that called New
		// From the end on (even if this panics), a handler still running
		// logs to the standard logger: calling t then panics.
		defer h.tlog.End()
		// Requests still open when the test ends are waited for while
		// they make progress; one whose body the test never read to its
		// end nor closed (an endless stream, a body larger than the
		// connection's buffers) is cut off once it stalls. One being
		// recorded is stored as when its client leaves.
		if n := watch.Cut(s.CloseClientConnections); n > 0 {
			h.logf("replayserver: the test ended without reading to its end or closing the response body of %d request(s): cut off (close each response body)", n)
		}
		s.Close()
		if h.mode == ModeRerecord {
			// Only now is it known whether the test passed: a failure
			// after Close (a later cleanup, a parallel subtest) keeps
			// the old library.
			save(t, h)
		}
		// Strict mode is applied here, not in Close: the failures point
		// at the line that called New (a deferred Close would point at
		// the end of the test function), and a test that skipped itself
		// after a deferred Close is known to have skipped.
		checkStrict(t, h)
	})
	return s
}

// Close shuts the server down, as httptest.Server.Close does (waiting for
// the requests still open), then saves what was recorded, as the end of
// the test does, so that a server on the same library made next in the
// same test replays it. In rerecord mode it only stops the server: whether
// the new recording replaces the library depends on the test passing,
// known when it ends, which is when that happens. With [Strict], the
// cassettes never used fail the test when it ends, as without Close,
// reported at the line that called New. The end of the test calls it too;
// calls after the first do nothing.
func (s *Server) Close() {
	s.t.Helper()
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	s.Server.Close()
	if s.h.mode != ModeRerecord {
		save(s.t, s.h)
	}
}

// newTestHandler builds a handler for test t: logs go to t.Logf, and what
// the handler reports as a failure fails the test.
func newTestHandler(t testing.TB, path string, forTransport bool, opts []Option) *Handler {
	t.Helper()
	tl := testlog.New(t)
	all := append([]Option{func(c *config) { c.logf = tl.Logf }}, opts...)
	h, err := newHandler(path, forTransport, all)
	if err != nil {
		t.Fatalf("%v", err)
	}
	// A failure during the test (a miss) is reported from the server's
	// goroutine, where t.Helper cannot point at the test's line: it says
	// where the server was made.
	where := ""
	if _, file, line, ok := runtime.Caller(2); ok { // the caller of New or NewTransport
		where = fmt.Sprintf("\n(%s: this server was made at %s:%d)", t.Name(), filepath.Base(file), line)
	}
	h.fail = func(msg string) { tl.Errorf("%s%s", msg, where) }
	h.tlog = tl
	h.testName = t.Name()
	return h
}

// finish saves what h recorded and applies strict mode.
func finish(t testing.TB, h *Handler) {
	t.Helper()
	save(t, h)
	checkStrict(t, h)
}

// save saves what h recorded (in rerecord mode, replacing the library only
// if t passed) and closes h.
func save(t testing.TB, h *Handler) {
	t.Helper()
	if h.mode == ModeRerecord {
		if why := notPassed(t); why != "" {
			h.keepOldLibrary(why)
		}
	}
	if h.fwd != nil {
		if c, ok := h.fwd.rt.(interface{ CloseForgotten() }); ok {
			// The test is over: the bodies it left open (NewTransport's)
			// are closed now, and stored, as recorder.NewTransport does.
			c.CloseForgotten()
		}
	}
	if err := h.Close(); err != nil && !h.told.has(err) {
		t.Errorf("%v", err)
	}
}

// checkStrict fails t for each cassette h never used, with [Strict]. A test
// that skipped itself (and had not failed) is not failed: it is told which
// were not used. The cassettes used but not to their last exchange are
// logged, not failed, unless the run may have left subtests out.
func checkStrict(t testing.TB, h *Handler) {
	t.Helper()
	if !h.cfg.strict || h.mode == ModePassthrough {
		return // passthrough serves nothing from cassettes
	}
	_, isBench := t.(*testing.B)
	// Not when the run may have left subtests out (go test -run
	// TestAPI/create): those would have replayed the exchanges said never
	// replayed, which the log would tell to delete.
	if lines := h.unreplayed(); len(lines) > 0 && !skippedOnly(t) && filtersBelow(t.Name(), isBench) == "" {
		// Not a failure: the contract of Strict is unused cassettes.
		t.Logf("replayserver: strict mode: %d cassette(s) in %s answered requests but not from all their recorded exchanges (this does not fail the test; if it no longer makes those requests, record the cassette again or delete those exchanges; see README \"Unused cassettes\"):\n\t%s",
			len(lines), h.lib.Path(), strings.Join(lines, "\n\t"))
	}
	if unused := h.Unused(); len(unused) > 0 {
		if skippedOnly(t) {
			t.Logf("replayserver: strict mode: the test was skipped, so the %d cassette(s) in %s it never used do not fail it", len(unused), h.lib.Path())
			return
		}
		if f := filtersBelow(t.Name(), isBench); f != "" {
			// Its subtests left out by the run (go test -run TestAPI/create)
			// would have used them: they are no stale cassettes.
			var b bytes.Buffer
			h.ReportUnused(&b)
			t.Logf("replayserver: strict mode: this run may have left subtests of %s out (%s), so the %d cassette(s) in %s it never used do not fail it (run it whole for strict mode):\n\t%s",
				t.Name(), f, len(unused), h.lib.Path(), strings.ReplaceAll(strings.TrimSpace(b.String()), "\n", "\n\t"))
			return
		}
		var b bytes.Buffer
		h.ReportUnused(&b)
		// xargs rm takes the lines of a directory library, which are its
		// files; those of a single-file library are cassette names, which
		// only cassette prune can remove from the file.
		how := "cassette prune, or xargs rm on Server.ReportUnused's list"
		if !h.lib.IsDir() {
			how = "cassette prune with Server.ReportUnused's list, or by hand: they are cassettes inside the file, which xargs rm cannot remove"
		}
		t.Errorf("replayserver: strict mode: %d cassette(s) in %s never used:\n\t%s\n"+
			"if no test needs them, delete them (%s; see README \"Unused cassettes\")",
			len(unused), h.lib.Path(), strings.ReplaceAll(strings.TrimSpace(b.String()), "\n", "\n\t"), how)
	}
}

// notPassed says why t did not pass ("the test failed", "the test was
// skipped"), or "" if it has not failed so far. A testing.TB of the
// caller's own (a fake that embeds a nil testing.TB) may lack Skipped or
// Failed: it counts as passed.
func notPassed(t testing.TB) (why string) {
	defer func() {
		if recover() != nil {
			why = ""
		}
	}()
	switch {
	case t.Skipped():
		return "the test was skipped"
	case t.Failed():
		return "the test failed"
	case panicking():
		// The testing package runs the cleanups of a test that panicked
		// before it marks the test failed.
		return "the test panicked"
	}
	return ""
}

// skippedOnly reports whether t was skipped without failing first; a
// testing.TB of the caller's own that lacks Skipped (see notPassed) was
// not.
func skippedOnly(t testing.TB) (yes bool) {
	defer func() {
		if recover() != nil {
			yes = false
		}
	}()
	return t.Skipped() && !t.Failed()
}

// panicking reports whether the calling goroutine is panicking: a test's
// cleanup, run while its test panics, has the panic's frame below it.
func panicking() bool {
	buf := make([]byte, 64<<10)
	n := runtime.Stack(buf, false)
	return bytes.Contains(buf[:n], []byte("\npanic("))
}

// Router returns the router that serves hand-written routes before the
// recorded ones. A request no route matches goes to the cassettes, and a
// miss gets the miss report: the router's NotFoundHandler and
// MethodNotAllowedHandler are not used. Add routes before sending the
// requests they answer: as
// any [mux.Router], it must not be changed while it serves requests.
//
// A request that [Server.Transport] (srv.Client()) sent for another host
// comes to the routes as a proxy request does: its URL is absolute, with
// the scheme and host it was meant for, so that Schemes("https") and
// Host("api.example.com") match https://api.example.com/x sent to a
// server without TLS (and Schemes("http") an http URL sent to a [TLS]
// one); its Host header is the caller's, and r.TLS says how it reached
// the server. Any other request comes as it was sent.
func (s *Server) Router() *mux.Router { return s.h.Router() }

// Unused returns the names of the cassettes never used so far, sorted
// (every one in passthrough mode, which uses no cassette: see
// [Handler.Unused]).
func (s *Server) Unused() []string { return s.h.Unused() }

// ReportUnused writes one line per unused cassette, sorted: for a
// directory library the cassette's file path relative to the library
// folder (so `cd testdata/api && xargs rm < unused.log` prunes them), for a
// single-file library its name.
func (s *Server) ReportUnused(w io.Writer) error { return s.h.ReportUnused(w) }

// ReportUnreplayed writes one line per cassette that answered requests
// but not from all of its recorded exchanges, sorted, naming the file
// (directory library) or cassette (file library) and the exchanges never
// replayed: see [Handler.ReportUnreplayed].
func (s *Server) ReportUnreplayed(w io.Writer) error { return s.h.ReportUnreplayed(w) }

// logWriter sends the http.Server's error log to the test log.
type logWriter struct{ l *testlog.Log }

func (w logWriter) Write(p []byte) (int, error) {
	w.l.Logf("replayserver: %s", strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// Transport returns a RoundTripper that sends every request to the server,
// whatever its URL: a client with hard-coded URLs such as
// https://api.example.com/v1/x is answered from the cassettes recorded from
// that host (and, in record mode, forwarded to it, whether or not
// [Upstream] is set). The host is the URL's, as [NewTransport] names a
// request: a Host header that names another (a virtual host served at
// the URL's address) is sent on with it to that address, and seen by the
// routes of [Server.Router]. A host that is not ASCII
// (http://bücher.example/x) is the URL's as written too, though Go's
// client sends it in punycode (xn--bcher-kva.example), which is what the
// upstream gets. srv.Client() uses it.
//
// It carries the scheme, the Host header and a host that is not ASCII to
// the server in headers of the server's own (X-Cassette-Scheme,
// X-Cassette-Host, X-Cassette-Url-Host), with a secret drawn
// for each server (X-Cassette-Secret); the server removes them before
// the routes, the upstream, the cassettes or a miss report see the
// request. The same headers sent by any other client are dropped unread;
// set by the caller of Transport, under any spelling of their keys, they
// are dropped before it sets its own, and so are they as trailers. A header field set under several spellings of its key (Set("X-Key"),
// then h["x-key"]) is sent under its canonical key alone, with the values
// a server reads over HTTP/1.1 (see Headers in naming.Rules): over HTTP/2 (a [TLS]
// server) Go's client would send them in a random order, and the server
// would name the request another way on each run. A User-Agent so set is
// sent with the one value a significant User-Agent counts with (see
// Headers in naming.Rules), none when it counts as absent. Host and
// Transfer-Encoding set in the header, under any spelling of their keys
// (req.Header["host"]), are not sent, as [NewTransport] sends them not:
// Go's client would send them as a second Host line, which the server
// answers 400, and as framing the body lacks. To a [TLS] server (HTTP/2)
// a TE field other than "TE: trailers", under any spelling, is not sent
// either: the server would answer it 400 (a proxy does not pass TE on,
// and no name counts it).
//
// A request for another host whose Host (req.Host, or its URL's host)
// Go's client refuses to send (a space, '@', '/', a control character) is
// an error at once, as from Go's HTTP/2 client, over HTTP/1.1 too, where
// Go's client would send it with an empty Host. A request for the
// server's own URL goes as Go's client sends it (an empty Host over
// HTTP/1.1, an error over HTTP/2).
//
// To a [TLS] server, which it speaks HTTP/2 to, a request whose URL Go's
// HTTP/2 server refuses (a control character in its path or query, a
// malformed %-escape in URL.Opaque) is an error at once: sent, it would
// be reset by the server and sent again by Go's client until its context
// ends.
func (s *Server) Transport() http.RoundTripper { return s.transport }

// sentHeader returns h with each field set under several keys under its
// canonical key alone, a User-Agent with the one value naming counts (see
// headerkey.Merged and headerkey.MergedUserAgent), over HTTP/2 without a
// Connection field under a key not in canonical form nor the fields it
// names, under any number of such keys (see withoutConnection), and
// without a TE field but "TE: trailers" (see withoutTE), and whether it
// is a copy: h is not modified.
func sentHeader(h http.Header, http2 bool) (http.Header, bool) {
	copied := false
	if http2 {
		// Before merging: merged, several spellings of Connection would
		// be one canonical field, which Go's HTTP/2 client refuses.
		h, copied = withoutConnection(h)
		var noTE bool
		h, noTE = withoutTE(h)
		copied = copied || noTE
	}
	m, merged := headerkey.Merged(h)
	if ua, ok := headerkey.MergedUserAgent(m); ok {
		return ua, true
	}
	return m, merged || copied
}

// withoutTE returns h without its TE fields, under any spelling, and
// true, when they hold anything but one "trailers"; else h and false. Go's
// HTTP/2 client sends a TE field as it is, and Go's HTTP/2 server, the
// replay server's, answers a TE other than "trailers" with a bare 400
// before any route or cassette is looked at (no miss report, no failed
// test), where NewTransport, which names a request without its hop-by-hop
// fields, replays it. A proxy does not pass TE on, so the field counts in
// no name nor reaches the API; "TE: trailers" (Go's client sends it for
// gRPC) is kept as one field.
func withoutTE(h http.Header) (http.Header, bool) {
	var vs []string
	n := 0
	for k, v := range h {
		if len(k) == len("TE") && strings.EqualFold(k, "TE") {
			vs = append(vs, v...)
			n++
		}
	}
	if n == 0 || n == 1 && len(h["Te"]) == 1 && h["Te"][0] == "trailers" {
		return h, false
	}
	out := h.Clone()
	for k := range out {
		if len(k) == len("TE") && strings.EqualFold(k, "TE") {
			delete(out, k)
		}
	}
	if len(vs) > 0 && !slices.ContainsFunc(vs, func(v string) bool { return v != "trailers" }) {
		out["Te"] = []string{"trailers"}
	}
	return out, true
}

// withoutConnection returns h without its Connection fields under keys not
// in canonical form ("connection") and without the fields they name but
// for hop-by-hop ones, and true; h and false when it has none. Go's
// HTTP/2 client drops such a field but sends the fields it names, which the server then reads as the
// request's own, where naming.Name (NewTransport) leaves them out as
// HTTP/1.1 has them: a request naming one significant would miss over
// HTTP/2 alone. (Under its canonical key, naming a field, Go's HTTP/2
// client refuses the request: so does srv.Client(). A canonical
// Connection: close or keep-alive beside such keys, which it accepts,
// is kept as it is, not merged with them into a field it refuses.)
func withoutConnection(h http.Header) (http.Header, bool) {
	var listed, keys []string
	for k, vs := range h {
		if len(k) == len("Connection") && k != "Connection" && strings.EqualFold(k, "Connection") {
			listed = append(listed, vs...)
			keys = append(keys, k)
		}
	}
	if keys == nil {
		return h, false
	}
	out := h.Clone()
	for k := range out {
		// A hop-by-hop field named stays: Go's HTTP/2 client deals with
		// it as it does unnamed (it sends "TE: trailers", which a proxy
		// passes on, and refuses an Upgrade), and so does the server.
		if slices.Contains(keys, k) || (!headerkey.HopByHop(k) && headerkey.Lists(listed, k)) {
			delete(out, k)
		}
	}
	return out, true
}

// hostRouter sends requests for any URL to the server, keeping the host
// they were meant for in the Host header and their scheme in schemeHeader.
// That host is the URL's, which names the request as [NewTransport] names
// it; a Host header of the caller's own that names another (a virtual
// host served at that address) goes in hostHeader, and on to the upstream;
// a URL's host that is not ASCII, which Go's client sends in punycode, in
// urlHostHeader.
// The server's secret goes in secretHeader: the server honours the three
// only with it (see Handler.ownHeaders).
// Over HTTP/2, a request whose URL the server would refuse is an error at
// once (see h2TargetError), not sent.
type hostRouter struct {
	base   http.RoundTripper // the httptest client's transport
	server *url.URL
	secret string // the handler's secret
	http2  bool   // base speaks HTTP/2 to the server (a TLS server)
}

var _ http.RoundTripper = (*hostRouter)(nil)

func (t *hostRouter) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL == nil {
		return nil, noURL(req)
	}
	if req.URL.Host == t.server.Host {
		if err := t.refused(req); err != nil {
			return nil, err
		}
		// Over HTTP/2 the server would read the values of a field set
		// under several keys in random order, and name the request
		// another way on each run; Host and Transfer-Encoding under
		// another spelling are left out (see below).
		h, merged := sentHeader(req.Header, t.http2)
		if m := headerkey.WithoutMoved(h); len(m) != len(h) {
			h, merged = m, true
		}
		if merged {
			r := req.Clone(req.Context())
			r.Header = h
			r.Trailer = req.Trailer // the caller's, filled as its body ends (see below)
			resp, err := t.base.RoundTrip(r)
			if resp != nil {
				resp.Request = req
			}
			return resp, err
		}
		return t.base.RoundTrip(req)
	}
	if err := hostError(req); err != nil {
		if req.Body != nil {
			req.Body.Close() // as a RoundTripper does
		}
		return nil, err
	}
	r := req.Clone(req.Context())
	// The caller's map, which it fills as its body ends, not Clone's
	// copy of it, taken before, whose values would stay empty: a
	// transport reads a request's trailers once its body has ended.
	r.Trailer = req.Trailer
	// As for the server's own URL.
	r.Header, _ = sentHeader(r.Header, t.http2)
	// Host and Transfer-Encoding set in the header under another
	// spelling (req.Header["host"]), which Go's client would send as a
	// second Host line (which the server answers 400) and as framing the
	// body lacks (the server would wait for chunks that never come), are
	// left out, as NewTransport and the recorder leave them out, and as
	// names leave them out (Go's client ignores the canonical keys).
	r.Header = headerkey.WithoutMoved(r.Header)
	if r.Header == nil { // as http.NewRequest would have made it
		r.Header = make(http.Header)
	}
	r.Host = req.URL.Host
	// The caller's own, under any spelling of their keys: one not in
	// canonical form would reach the server beside those set here (over
	// HTTP/2 before them, as often as not), and name the request. Set
	// as trailers, they are dropped too (the server would drop them).
	ownheader.Delete(r.Header)
	r = ownheader.WithoutTrailers(req, r)
	if req.Host != "" && req.Host != req.URL.Host {
		r.Header.Set(hostHeader, req.Host)
	}
	if !isASCII(req.URL.Host) {
		// Sent in punycode, which is not how NewTransport names it.
		r.Header.Set(urlHostHeader, req.URL.Host)
	}
	r.Header.Set(schemeHeader, req.URL.Scheme)
	r.Header.Set(secretHeader, t.secret)
	r.URL.Scheme, r.URL.Host = t.server.Scheme, t.server.Host
	if err := t.refused(r); err != nil {
		return nil, err
	}
	resp, err := t.base.RoundTrip(r)
	if resp != nil {
		resp.Request = req
	}
	return resp, err
}

// refused returns the error of a request r, as it is to be sent, that the
// server would refuse over HTTP/2 (see h2TargetError), having closed its
// body as a RoundTripper does; nil for every other request.
func (t *hostRouter) refused(r *http.Request) error {
	if !t.http2 {
		return nil
	}
	err := h2TargetError(r)
	if err != nil && r.Body != nil {
		r.Body.Close()
	}
	return err
}

// isASCII reports whether s holds only ASCII characters: a host that
// does, Go's client sends as it is; one that does not, in punycode.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// hostError returns the error of a request for another host whose Host
// (req.Host, or its URL's host when it has none) Go's client would refuse
// to send (see validHostHeader), nil for any other. Carried in a header of
// the server's own (hostHeader), such a Host would reach a route, and the
// upstream, where Go's client sends none.
func hostError(req *http.Request) error {
	host, field := req.Host, "req.Host"
	if host == "" {
		host, field = req.URL.Host, "the URL's host"
	}
	if i := invalidHostByte(host); i >= 0 {
		// The value is not shown: it may hold a user's password
		// (user:password@host).
		return fmt.Errorf("replayserver: srv.Client(): invalid Host header (%s): it holds %q at byte %d, which Go's client refuses in a Host; "+
			"give a host name or address, with a port if need be (api.example.com:8443, [::1]:8080), or leave req.Host empty to send the URL's host",
			field, host[i], i)
	}
	return nil
}

// invalidHostByte returns the index of the first byte of h that Go's
// client refuses in a Host header, or -1 if it sends h: the bytes of a
// host name, an IP address (IPv6 in brackets, with a zone) and a port,
// those RFC 3986 allows in a host, and the bytes of a name that is not
// ASCII, valid UTF-8, which it sends in punycode (as
// golang.org/x/net/http/httpguts.ValidHostHeader, after PunycodeHostPort).
// A space, '@', '/', '?', '#', '"' or a control character are refused.
func invalidHostByte(h string) int {
	for i := 0; i < len(h); i++ {
		c := h[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(h[i:])
			if r == utf8.RuneError && size <= 1 {
				return i // not UTF-8: no punycode
			}
			i += size - 1
			continue
		}
		if !hostChar[c] {
			return i
		}
	}
	return -1
}

// hostChar tells the ASCII characters Go's client sends in a Host header.
var hostChar = func() (t [utf8.RuneSelf]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for _, c := range "!$%&'()*+,-.:;=[]_~" {
		t[c] = true
	}
	return t
}()

// CloseIdleConnections closes the idle connections of the underlying
// transport.
func (t *hostRouter) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
