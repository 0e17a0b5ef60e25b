package replayserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/mux"

	"github.com/cassette-go/cassette/internal/forwarded"
	"github.com/cassette-go/cassette/internal/gunzip"
	"github.com/cassette-go/cassette/internal/ownheader"
	"github.com/cassette-go/cassette/internal/redact"
	"github.com/cassette-go/cassette/internal/slowbody"
	"github.com/cassette-go/cassette/internal/testlog"
	"github.com/cassette-go/cassette/library"
)

// A Handler answers HTTP requests from a cassette library. It is the core
// of [Server] and [NewTransport] and knows nothing of package testing:
// cmd/cassette serves it with a plain [http.Server]. It is safe for
// concurrent use. A server of one's own serving it sets
// [http.Server.DisableGeneralOptionsHandler], as [New] and cmd/cassette
// do: otherwise the server answers OPTIONS * itself, and its cassette is
// neither recorded nor replayed.
type Handler struct {
	cfg          config
	mode         Mode
	lib          *library.Library
	dest         *library.Library // when rerecording: the library lib replaces at Close
	upstream     *url.URL         // nil when no upstream was given
	router       *mux.Router      // user routes; cassettes are its NotFoundHandler
	fwd          *forwarder       // forwards requests; nil in replay mode
	stagingDir   string           // when rerecording: where lib lives until Close
	keepOld      string           // when rerecording: why Close keeps the old library ("" to replace it)
	fail         func(report string)
	hint         string                                          // how to record what is missing, for reports
	forTransport bool                                            // the handler answers NewTransport
	asked        Mode                                            // the mode asked for (option or CASSETTE_MODE), before once is resolved
	tlog         *testlog.Log                                    // the test's log, for a handler made for a test
	testName     string                                          // the test using the handler, for reports; "" outside tests
	redact       redact.Rules                                    // applied to requests before they are named
	sleep        func(ctx context.Context, d time.Duration) bool // waits for RecordedTiming
	routed       atomic.Bool                                     // Router was called: routes may exist
	own          atomic.Pointer[ownAddr]                         // the last Host found to be the server's own address
	namesOff     atomic.Bool                                     // the memory of names was dropped (see Handler.remember)
	namesSkipped atomic.Int64                                    // requests since it was dropped
	misses       atomic.Int64                                    // requests no cassette answered
	away         awayNote                                        // an answer that may send the client past the server (see noteAway)
	secret       string                                          // what Server.Transport's requests carry in secretHeader (see ownHeaders)
	usagePath    string                                          // the library's absolute path, taken as h was made: what its use counts for (see noteUsage)

	namesReadHeaders bool  // the naming rules read request headers other than Content-Type
	bodyLimit        int64 // MaxBodySize: the most of a request body read to name it; 0 or less: no limit

	told toldErrors // storage errors already reported

	mu        sync.Mutex                // guards the fields below
	hits      map[string]*served        // each cassette served or recorded, by name; a pointer, so a hit costs one map lookup
	slab      []served                  // where servedOf takes new ones from
	recorded  map[string]bool           // cassettes recorded by this handler
	hostless  *hostIndex                // the cassettes by name without host; nil until a lookup needs it
	picks     map[string]picked         // name of a request to any host whose own name is no cassette's -> the cassette it gets; reset when one is recorded
	hosts     hostBinder                // which recorded host a request's host stands for, when several answer it
	names     map[nameKey]*namedRequest // the names of requests already named (see nameKey); at most maxNames
	namesUse  int                       // hits in names once it was full
	namesMiss int                       // requests not in names once it was full
	closed    bool                      // Close was called
	fwdFailed int                       // requests the upstream did not answer, or not whole (see noteForwardFailure)
	firstFail string                    // the first of them, and why
	noUpFail  int                       // of them, requests sent to the server's own address with no Upstream (see noUpstream)
	unstored  int                       // exchanges recorded that could not be stored (see noteUnstored)
	lacking   []string                  // what the cassettes that lack an answer say, in order (see noteBroken)
	firstUns  error                     // the first of them
	untaken   int                       // places given back by untake and not taken since, in all served.back
}

// NewHandler returns a handler answering from the library at path (see
// package library for the path rule). In replay mode the library must
// exist ([ErrNoLibrary] otherwise). Record, rerecord and passthrough
// forward requests sent to the handler's own address to [Upstream] (such a
// request, without Upstream, is answered 502) and requests for another
// host (proxy requests; see [Server.Transport]) to their own URL.
func NewHandler(path string, opts ...Option) (*Handler, error) {
	return newHandler(path, false, opts)
}

// newHandler builds a handler; forTransport makes it forward through a
// recording RoundTripper to each request's own URL instead of a proxy to
// the upstream.
func newHandler(path string, forTransport bool, opts []Option) (*Handler, error) {
	var cfg config
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	mode, err := resolveMode(cfg.mode)
	if err != nil {
		return nil, fmt.Errorf("replayserver: %w", err)
	}
	if err := cfg.rules.Validate(); err != nil {
		return nil, fmt.Errorf("replayserver: naming rules: %w", err)
	}
	var libOpts []library.Option
	if cfg.format != "" {
		libOpts = append(libOpts, library.WithFormat(cfg.format))
	}
	lib, err := library.Open(path, libOpts...)
	if err != nil {
		return nil, fmt.Errorf("replayserver: %w", err)
	}
	abs, err := filepath.Abs(path) // as library.Open takes it: now, before the working folder may change
	if err != nil {
		abs = path
	}
	h := &Handler{
		cfg:      cfg,
		mode:     mode,
		lib:      lib,
		hits:     map[string]*served{},
		recorded: map[string]bool{},
		redact:   cfg.redaction(),
		sleep:    sleepCtx,
		secret:   newSecret(),

		namesReadHeaders: readsHeaders(cfg.rules),
		bodyLimit:        cfg.bodyLimit(),
		usagePath:        abs,
	}
	if cfg.upstream != "" {
		u, err := forwarded.Upstream(cfg.upstream)
		if err != nil {
			return nil, fmt.Errorf("replayserver: %w", err)
		}
		h.upstream = u
	}
	if cfg.format != "" && !lib.IsDir() && lib.Format() != cfg.format {
		// The Python library's file_format won over a file's extension;
		// say so rather than write another format without a word.
		h.logf("replayserver: Format(%s) is ignored for %s: the extension of a single-file library gives its format, %s; to store it in %s, give its path a .%s extension (Format chooses the files of a directory library)",
			cfg.format, path, lib.Format(), cfg.format, cfg.format)
	}
	for _, k := range h.redact.SignificantRedacted(cfg.rules) {
		h.logf("replayserver: naming: %s, or keep its value %s", redact.SignificantWarning(k), redact.KeepHint(k, cfg.redactHeaders, cfg.noDefaultRedaction))
	}
	if inCI() && envMode() == "" && (mode == ModeRecord || mode == ModeRerecord || mode == ModePassthrough) {
		// Only once never records in CI: a WithMode left in a test
		// reaches the real API there, which should not go unseen.
		h.logf("replayserver: CI is set, and WithMode(%q) forwards requests to the upstream all the same: only the default mode, once, replays in CI. If this test is not meant to reach the API in CI, remove WithMode and record with CASSETTE_MODE=%s", mode, mode)
	}
	h.hint = recordHint(forTransport, h.upstream)
	h.forTransport = forTransport
	h.asked = mode
	// List the library now, so that an unreadable one (or a folder at a
	// file library's path) fails here rather than at the first request.
	if _, err := lib.Names(); err != nil {
		return nil, fmt.Errorf("replayserver: %w", err)
	}
	if twins, err := lib.CaseTwins(); err == nil {
		for _, g := range twins {
			h.logf("replayserver: %s holds cassettes whose names differ only in case: %s. A clone on macOS or Windows, whose file systems ignore case, keeps one file of them: rename or delete the others (cassette ls lists them)",
				lib.Path(), strings.Join(g, ", "))
		}
	}
	h.mode = effectiveMode(mode, lib.Exists(), h.upstream != nil || forTransport)
	if h.mode == ModeReplay && !lib.Exists() {
		hint := h.hint
		if cfg.server && h.upstream == nil {
			// Not yet known how the requests will come: those sent
			// through srv.Client() for another host need no Upstream.
			// A handler of NewHandler has no srv.Client() (and
			// cassette serve refuses CASSETTE_MODE=record without
			// -upstream), so its error does not point at one.
			hint += "; requests sent through srv.Client() or srv.Transport() (their own URLs, another host) need only " + EnvMode + "=record: they go to their own host"
		}
		return nil, fmt.Errorf("replayserver: %w: %s\n\tto record it, %s", ErrNoLibrary, path, hint)
	}
	if h.mode != ModeReplay {
		// Without Upstream, requests for another host (through
		// Server.Transport, or a proxy request) still go to their own
		// URL; one sent to the server's own address is refused (see
		// noUpstream).
		if err := h.startForwarding(forTransport); err != nil {
			return nil, err
		}
	}
	// Hand-written routes come first; what they do not match goes to the
	// cassettes without another pass through the router (see ServeHTTP),
	// so a hit costs one map lookup whatever the size of the library.
	h.router = mux.NewRouter()
	h.router.SkipClean(true) // replay paths as sent: no redirect for "//" or ".."
	return h, nil
}

// hostlessNames returns the names of the cassettes whose name without
// host is k, sorted. The index is built on first use, from the library's
// names and those recorded since: only a request whose host says nothing
// about the API, and whose own name is not a cassette's, needs it. h.mu
// must be held.
func (h *Handler) hostlessNames(k string) []string {
	if h.hostless == nil {
		names, _ := h.lib.Names() // an error was reported when h was made
		for n := range h.recorded {
			names = append(names, n)
		}
		h.hostless = newHostIndex(names)
	}
	return h.hostless.names(k)
}

// ServeHTTP answers r from the hand-written routes of [Handler.Router]
// first, then from the cassettes. The headers that [Server.Transport] adds
// (X-Cassette-Scheme, X-Cassette-Host, X-Cassette-Url-Host,
// X-Cassette-Secret) are honoured only with the handler's secret, which
// only the transport of the [Server] that [New] made around it knows:
// sent by any other client (to a handler of [NewHandler], by every
// client), they are dropped unread, under any spelling of their keys (a
// request made in process may hold r.Header["x-cassette-host"]), and none
// reaches a route, the upstream or a cassette. Sent as trailers of the
// request, by any client, they are dropped too.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Those another client sent are dropped, and any sent as trailers.
	r = ownheader.WithoutTrailers(r, h.ownHeaders(r))
	if h.routed.Load() {
		rr, c := forRoutes(r)
		var m mux.RouteMatch
		// A match with an error is the router's NotFoundHandler or
		// MethodNotAllowedHandler: the request is the cassettes'.
		if h.router.Match(rr, &m) && m.MatchErr == nil {
			if c != nil {
				// The route's handler sees the request without the
				// headers the server's transport added.
				rr.Header = r.Header.Clone()
				ownheader.Delete(rr.Header)
			}
			h.router.ServeHTTP(w, rr)
			return
		}
		if c != nil {
			// No route has it (nothing refers to it any more): the next
			// request sent through Server.Transport reuses it, so that
			// the cassettes' requests cost no allocation here.
			*c = routesCopy{}
			routesCopies.Put(c)
		}
	}
	h.serveCassette(w, r)
}

// forRoutes returns r as its client sent it to a route, which stands for
// the API. A request that [Server.Transport] sent for another host (see
// hostRouter) gets a URL made absolute with the scheme and host it was
// meant for, as a proxy request's is: gorilla/mux's Schemes matcher reads
// r.URL.Scheme, and its Host matcher r.URL.Host when the URL is absolute,
// so that a route made with Schemes("https") matches an https URL sent
// to a server without TLS (and Schemes("http") an http URL sent to one
// with TLS); r.TLS still says how it came. Its Host header is the one of
// the caller's own that hostHeader carried, if any, else the URL's host.
// Such a request is a copy, returned in c too, whose header is still r's:
// ServeHTTP gives it one without the headers the server's transport added
// once a route matches it (the matchers may see them). Any other request
// is r as it came, and c is nil.
func forRoutes(r *http.Request) (rr *http.Request, c *routesCopy) {
	_, viaTransport := r.Header[schemeHeader]
	vh := r.Header.Get(hostHeader)
	if !viaTransport && vh == "" {
		return r, nil
	}
	c = routesCopies.Get().(*routesCopy)
	c.r = *r // a shallow copy, as r.WithContext makes
	if vh != "" {
		c.r.Host = vh
	}
	if viaTransport {
		c.u = *r.URL
		c.u.Scheme, c.u.Host = schemeOf(r), c.r.Host
		c.r.URL = &c.u
	}
	return &c.r, c
}

// A routesCopy is the copy of a request that forRoutes makes, and its
// URL, in one object.
type routesCopy struct {
	r http.Request
	u url.URL
}

// routesCopies holds the copies that no route matched, for the next
// requests (see ServeHTTP).
var routesCopies = sync.Pool{New: func() any { return new(routesCopy) }}

// Router returns the router that serves hand-written routes before the
// recorded ones. A request no route matches goes to the cassettes, and a
// miss gets the miss report: the router's NotFoundHandler and
// MethodNotAllowedHandler are not used. Add routes before sending the
// requests they answer: as
// any [mux.Router], it must not be changed while it serves requests (a
// route added during traffic is a data race).
//
// A request that [Server.Transport] (srv.Client()) sent for another host
// comes to the routes as a proxy request does: its URL is absolute, with
// the scheme and host it was meant for, so that Schemes("https") and
// Host("api.example.com") match https://api.example.com/x sent to a
// server without TLS (and Schemes("http") an http URL sent to a [TLS]
// one); its Host header is the caller's, and r.TLS says how it reached
// the server. Any other request comes as it was sent.
func (h *Handler) Router() *mux.Router {
	h.routed.Store(true)
	return h.router
}

// Mode returns the mode in force: after CASSETTE_MODE, and with
// [ModeOnce] resolved to [ModeReplay] or [ModeRecord].
func (h *Handler) Mode() Mode { return h.mode }

// Library returns the library the handler answers from.
func (h *Handler) Library() *library.Library { return h.lib }

// Misses returns how many requests no cassette answered so far: each got
// a 404 with a miss report. The server of [New] fails its test on each (a
// miss through [NewTransport] is a [*MissError] that leaves the test to its
// caller); a server of one's own, such as cassette serve -strict, may fail
// on them at the end.
func (h *Handler) Misses() int { return int(h.misses.Load()) }

// Unused returns the names of the cassettes that were never served, sorted.
// In passthrough mode, which answers nothing from cassettes, that is every
// one: it says nothing of which are stale ([Strict] and cassette serve
// -strict do not fail on them, and [ReportUnusedIn] counts them as used).
func (h *Handler) Unused() []string {
	names, err := h.lib.Names()
	if err != nil {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, n := range names {
		if s := h.hits[n]; s == nil || !s.used() {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// ReportUnused writes one line per unused cassette, sorted: for a
// directory library the cassette's file path relative to the library
// folder (so that `xargs rm < unused.log` run there prunes them), for a
// file library its name.
func (h *Handler) ReportUnused(w io.Writer) error {
	return writeReport(w, h.lib, h.Unused())
}

// writeReport writes the report of the cassettes names of lib: the file
// of each (see [library.Library.File]), one per line, the lines sorted.
// Sorted names do not make sorted file names: GET_x_80_a-b.json comes
// before GET_x_80_a.json, as '-' comes before '.'.
func writeReport(w io.Writer, lib *library.Library, names []string) error {
	lines := make([]string, len(names))
	for i, n := range names {
		lines[i] = lib.File(n)
	}
	sort.Strings(lines)
	var buf bytes.Buffer
	for _, l := range lines {
		buf.WriteString(l)
		buf.WriteByte('\n')
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// Close saves what was recorded; after a rerecord it replaces the library
// on disk with what was recorded, unless a request got no answer from the
// upstream (it was down, or broke the connection), or not a whole one (it
// broke off a response body, which was not stored, and no retry of it
// was), or an exchange recorded could not be stored (over [MaxBodySize]):
// the library is then left unchanged, and Close returns an error saying
// so, which wraps the recorder's error for the last case. A handler made
// by NewHandler that recorded nothing in rerecord mode (a server stopped
// before any request came) leaves the library unchanged, and says so. In record mode
// Close saves what was recorded and returns an error when the upstream
// broke off a response body, which is not in the library, and, for a
// handler made by NewHandler, when an exchange recorded could not be
// stored (over [MaxBodySize], say: the error wraps the recorder's, which
// wraps recorder.ErrBodyTooLarge then; [New] and [NewTransport] fail the
// test as it happens). It counts the cassettes used for
// [ReportUnusedIn]. It does not close the server serving h: stop that
// server first (http.Server.Shutdown, httptest.Server.Close), so that no
// request is still being recorded, as New and the cassette command do.
// Close does not wait for a request still open: in record mode what it
// records is saved in the background as it ends, after Close returned; a
// rerecord has replaced the library without it. Calls after the first do
// nothing.
func (h *Handler) Close() error {
	var all []string
	if h.mode == ModePassthrough {
		// Passthrough cannot tell which cassettes its requests would have
		// used: it counts them all as used, so that ReportUnusedIn after a
		// run in passthrough does not list the whole library for pruning.
		all, _ = h.lib.Names()
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil
	}
	h.closed = true
	noteUsage(h.usagePath, h.hits, all)
	h.mu.Unlock()
	h.reportAway()
	if h.fwd != nil {
		if c, ok := h.fwd.rt.(interface{ CloseIdleConnections() }); ok {
			c.CloseIdleConnections() // of the transport to the upstream
		}
		if c, ok := h.fwd.rt.(io.Closer); ok {
			// The recorder saves in the background: wait for it.
			if err := c.Close(); err != nil {
				if h.mode != ModeRerecord {
					return fmt.Errorf("replayserver: %w", err)
				}
				// The staging library could not be saved (TMPDIR on a
				// full disk): the old library stays, and the error says
				// so and where the staging library is.
				h.mu.Lock()
				if h.keepOld == "" {
					h.keepOld = "what was recorded could not all be saved"
				}
				h.mu.Unlock()
			}
		}
	}
	switch h.mode {
	case ModeRecord:
		if err := h.lib.Save(); err != nil {
			return fmt.Errorf("replayserver: save %s: %w", h.lib.Path(), err)
		}
		n, first := h.brokenLost()
		h.mu.Lock()
		nu, firstU := h.unstored, h.firstUns
		h.mu.Unlock()
		var errs []error
		if n > 0 {
			errs = append(errs, fmt.Errorf("replayserver: record %s: %d cassette(s) lack an answer, as the upstream broke off its body and no request of theirs was recorded whole after it (the first: %s); record them again once the upstream answers whole", h.lib.Path(), n, first))
		}
		if nu > 0 && h.fail == nil {
			// A test was failed by each already (see failf).
			errs = append(errs, fmt.Errorf("replayserver: record %s: %d exchange(s) recorded could not be stored (the first: %w)", h.lib.Path(), nu, firstU))
		}
		return errors.Join(errs...)
	case ModeRerecord:
		if h.keepOld != "" {
			return h.dropRerecorded()
		}
		h.mu.Lock()
		n, first, noUp := h.fwdFailed, h.firstFail, h.noUpFail
		h.mu.Unlock()
		nb, firstB := h.brokenLost()
		if n == 0 {
			first = firstB
		}
		if n += nb; n > 0 {
			// Replacing would drop the cassettes of what the upstream
			// did not answer (an upstream down: the whole library), or
			// did not answer whole and was not recorded on a retry.
			h.keepOld = fmt.Sprintf("%d request(s) got no answer, or not a whole one, from the upstream (the first: %s)", n, first)
			if err := h.dropRerecorded(); err != nil {
				return err
			}
			return fmt.Errorf("replayserver: rerecord %s: %s, so the library is left unchanged; %s", h.dest.Path(), h.keepOld, rerecordRemedy(n, noUp))
		}
		h.mu.Lock()
		nu, firstU := h.unstored, h.firstUns
		h.mu.Unlock()
		if nu > 0 {
			// Replacing would drop the cassettes of what was not stored.
			h.keepOld = fmt.Sprintf("%d exchange(s) recorded could not be stored (the first: %v)", nu, firstU)
			if err := h.dropRerecorded(); err != nil {
				return err
			}
			return fmt.Errorf("replayserver: rerecord %s: %d exchange(s) recorded could not be stored (the first: %w), so the library is left unchanged", h.dest.Path(), nu, firstU)
		}
		h.mu.Lock()
		none := len(h.recorded) == 0
		h.mu.Unlock()
		if none && h.fail == nil {
			// Outside a test (cassette serve stopped before any request
			// came), a rerecording of nothing is no reason to empty the
			// library. A test that makes no request, and passes, does
			// rerecord it empty.
			h.keepOld = "the server recorded no request"
			if err := h.dropRerecorded(); err != nil {
				return err
			}
			return fmt.Errorf("replayserver: rerecord %s: nothing was recorded, so the library is left unchanged", h.dest.Path())
		}
		return h.replaceLibrary()
	}
	return nil
}

// rerecordRemedy says what to do after a rerecording kept the old
// library because n requests got no whole answer, noUp of them for lack
// of an Upstream (sent to the server's own address): waiting for the
// upstream to answer does not help those.
func rerecordRemedy(n, noUp int) string {
	const setUpstream = "set replayserver.Upstream(url) to the real API for the requests sent to the server's own address (or send them with the API's own URLs through srv.Client()) and rerecord"
	switch {
	case noUp == 0:
		return "rerecord once the upstream answers"
	case noUp == n:
		return setUpstream
	}
	return setUpstream + " once the upstream answers"
}

// recordHint says how to record a missing library or cassette.
func recordHint(forTransport bool, upstream *url.URL) string {
	switch {
	case forTransport:
		return "run the test with " + EnvMode + "=record: requests then go to their own URL and are stored"
	case upstream != nil:
		return "run with " + EnvMode + "=record (cassette serve: -mode record): requests then go to " + upstream.Redacted() + " and are stored"
	}
	return "run with " + EnvMode + "=record and replayserver.Upstream(url) set to the real API (cassette serve: -mode record -upstream URL)"
}

// otherHostHint is the hint of recordHint for a request the server got
// for another host (through Server.Client, or as a proxy): it needs no
// Upstream.
const otherHostHint = "run the test with " + EnvMode + "=record: a request for another host (sent through srv.Client() or srv.Transport()) then goes to that host and is stored (cassette serve: -mode record -upstream URL)"

func (h *Handler) logf(format string, args ...any) {
	if h.cfg.logf != nil {
		h.cfg.logf(format, args...)
	}
}

func (h *Handler) failf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if h.fail != nil {
		h.fail(msg)
		return
	}
	h.logf("%s", msg)
}

// noteForwardFailure notes a request that got no answer from the upstream
// (what says what and why): a rerecording then keeps the old library.
func (h *Handler) noteForwardFailure(what string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fwdFailed == 0 {
		h.firstFail = what
	}
	h.fwdFailed++
}

// noteBroken notes a cassette that lacks an answer, as the recorder tells
// when it is closed: the upstream broke off a response body of it (err
// says which, and why), and no request of it sent after that was recorded
// whole. A rerecording then keeps the old library, and a recording
// reports it at Close.
func (h *Handler) noteBroken(name string, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lacking = append(h.lacking, strings.TrimPrefix(err.Error(), "recorder: "))
}

// brokenLost returns how many cassettes lack an answer (see noteBroken),
// and what the first of them says.
func (h *Handler) brokenLost() (n int, first string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.lacking) == 0 {
		return 0, ""
	}
	return len(h.lacking), h.lacking[0]
}

// noteUnstored notes an exchange recorded that could not be stored (err
// says which, and why): a handler made for no test reports it at Close.
func (h *Handler) noteUnstored(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.unstored == 0 {
		h.firstUns = err
	}
	h.unstored++
}

func (h *Handler) noteRecorded(name string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.recorded[name] {
		h.recorded[name] = true
		if h.hostless != nil {
			h.hostless.add(name)
		}
		h.picks = nil // a request may now get the new cassette
		h.names = nil // (they remember the cassettes found)
	}
	s := h.servedOf(name)
	s.n++
	s.kept, s.replies = false, nil // the cassette changed: read it again
}

// A served is what the handler knows of a cassette it served or
// recorded: how many times, and the cassette itself when it is small, so
// that the next hit needs no look in the library.
type served struct {
	// The fields a hit reads come first, side by side in memory: with a
	// large library each place read is likely a cache miss, and those of
	// one object are fetched together, where a pointer to another object
	// is one more miss, after the first.
	kept    bool             // c is set: the cassette is small (large ones the library may drop from memory) and unchanged since
	oneUsed bool             // one and oneKV were written: a request may still be reading them, so they are never written again
	n       int              // times served or recorded
	replies []reply          // when kept, and every exchange is plain: one for each (see reply)
	one     [1]reply         // where replies is for a cassette of one exchange, saving an object; written once
	oneKV   [oneKVs]string   // where the kv of one is, when its header is small, saving another
	c       library.Cassette // the cassette as last read from the library, when kept
	// back holds the places in the cassette's order (as take counts them,
	// below n) given back by untake and not taken since, in increasing
	// order: the next takes serve them first. A hit reads it only while
	// Handler.untaken counts places given back, which only requests whose
	// body broke off give.
	back []int
	// exchanges is how many exchanges the cassette had when a request
	// last read it from the library (c has them when kept): for the
	// strict report of exchanges never replayed.
	exchanges int
}

// used reports whether s's cassette was served or recorded: taken more
// times than given back.
func (s *served) used() bool { return s.n > len(s.back) }

// oneKVs is the room in a served for the names and values of the header
// of a cassette of one exchange: two fields of one value each, as a JSON
// answer's Content-Type and Content-Length.
const oneKVs = 4

// keep keeps c, small, in s with its replies, unless a request kept it
// meanwhile, and returns the copy of pick (see repliesOf), or pick. h.mu
// is held.
func (h *Handler) keep(s *served, c library.Cassette, pick string) string {
	if s.kept {
		return pick
	}
	buf, kvBuf := s.one[:], s.oneKV[:]
	if s.oneUsed {
		buf, kvBuf = nil, nil
	}
	var keys [2]string
	s.c, s.kept = c, true
	s.replies, keys = repliesOf(c, buf, kvBuf, pick)
	if len(s.replies) > 0 && &s.replies[0] == &s.one[0] {
		s.oneUsed = true
	}
	if keys[0] != "" && h.hits[keys[0]] == s {
		// Keyed by the copy of the name beside the replies' headers: a hit
		// compares the name there, and reads the header next to it.
		delete(h.hits, keys[0])
		h.hits[keys[0]] = s
	}
	if keys[1] != "" {
		return keys[1]
	}
	return pick
}

// servedOf returns the state of the cassette called name, adding it if
// needed. h.mu must be held.
func (h *Handler) servedOf(name string) *served {
	s := h.hits[name]
	if s == nil {
		if len(h.slab) == cap(h.slab) {
			// Allocated by the slab: a library of 100,000 cassettes
			// walked by a test would otherwise add as many objects.
			h.slab = make([]served, 0, 64)
		}
		h.slab = append(h.slab, served{})
		s = &h.slab[len(h.slab)-1]
		h.hits[name] = s
	}
	return s
}

// inMemory reports whether r's body is in memory, as http.NewRequest makes
// it of a bytes or strings reader: it sets both GetBody and the length
// (GetBody alone may reopen a file or a stream).
func inMemory(r *http.Request) bool { return r.GetBody != nil && r.ContentLength > 0 }

// readBody reads the body of r to name r: whole, unless it is larger than
// [MaxBodySize] (see overlimit.go), when over is true and body is what was
// read of it, the limit and one byte (nothing when its Content-Length
// says it is over), the rest left in r.Body. A body that has not ended
// after [slowbody.After] is logged (a full-duplex stream waits for ever).
func (h *Handler) readBody(r *http.Request) (body []byte, over bool, err error) {
	limit := h.bodyLimit
	if inMemory(r) && (limit <= 0 || r.ContentLength <= limit) {
		// It ends, and is not watched.
		body, err = io.ReadAll(r.Body)
		return body, limit > 0 && int64(len(body)) > limit, err
	}
	if limit > 0 && r.ContentLength > limit {
		return nil, true, nil
	}
	rd := io.Reader(r.Body)
	if limit > 0 {
		rd = io.LimitReader(rd, limit+1)
	}
	body, err = slowbody.ReadAll(rd, slowbody.After, func(read int64) {
		h.logf("replayserver: %s", slowbody.Message(r.Method+" "+h.redact.URL(r.URL).String(), slowbody.After, read))
	})
	return body, limit > 0 && int64(len(body)) > limit, err
}

// serveCassette answers r from the library, or forwards it, or reports a
// miss.
func (h *Handler) serveCassette(w http.ResponseWriter, r *http.Request) {
	if h.mode != ModeReplay {
		h.noteArrival(r)
	}
	// A CONNECT asks for a tunnel (the client was given the server as its
	// HTTPS proxy): no mode forwards it, for a proxy's tunnel is no
	// request to the API, and what would pass through it is encrypted. It
	// is a miss, whose report says so (see missError).
	tunnel := h.tunnel(r)
	if (h.mode == ModePassthrough || h.mode == ModeRerecord) && !tunnel {
		// Forwarded with the body as it comes: nothing here names the
		// request, and the recorder of rerecord holds no more of the body
		// than MaxBodySize (an upload of gigabytes is not read whole
		// into memory first).
		if h.noUpstream(w, r) {
			return
		}
		target, own := h.target(r)
		h.fwd.serve(w, r, target, own)
		return
	}
	var body []byte
	over := false // the body is over MaxBodySize: body holds what was read of it
	if r.Body != nil && r.Body != http.NoBody {
		b, o, err := h.readBody(r)
		if err != nil {
			http.Error(w, "replayserver: reading request body: "+err.Error(), http.StatusBadRequest)
			return
		}
		body, over = b, o
		if over {
			r.Body = prefixed(body, r.Body) // forwarded as it comes, or dropped
		} else {
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
	}
	m, named := h.lookupBody(r, body, over)
	if tunnel && m.found != "" {
		// A cassette of its name answers a CONNECT sent through
		// srv.Client() or NewTransport, which asked for no tunnel (see
		// Handler.tunnel), never a tunnel: the client would take the
		// answer for one opened, and speak TLS to this server.
		if m.taken && m.ok {
			h.untake(&m) // counted by lookup: not served after all
		}
		m.found, m.cassette, m.taken, m.ex, m.ok, m.reply = "", library.Cassette{}, false, nil, false, nil
	}
	if m.found != "" && !(h.mode == ModeRecord && h.isRecorded(m.found)) {
		if ex, ok := h.take(&m); ok {
			if over && !h.drained(w, r, body) {
				h.untake(&m) // not answered: the client's next try gets it
				return
			}
			var status int
			if m.reply != nil && r.Method != http.MethodHead && !h.cfg.timing && !(m.reply.gzip && gunzip.Refuses(r.Header)) {
				writeReply(w, m.reply)
				status = m.reply.status // ex is not read: one place less in memory
			} else {
				status = h.writeExchange(w, r, ex)
			}
			if h.cfg.logHits {
				h.logf("hit  %s %s -> %d from %s", r.Method, h.redact.URL(r.URL).RequestURI(), status, m.found)
			}
			return
		}
	}
	if h.mode == ModeRecord && !tunnel {
		if h.noUpstream(w, r) {
			return
		}
		if named {
			h.fwd.noteForwarding(m.name)
		}
		// A body over the limit goes as it comes: the recorder says its
		// exchange was not stored.
		h.fwd.serve(w, r, m.target, h.isOwnAddress(r))
		return
	}
	if over && !h.drained(w, r, body) {
		return
	}
	miss := h.missError(r, body, over, m)
	if tunnel {
		what := "a tunnel"
		if forwarded.HandOver(r) != "" {
			what = "a connection handed over to another protocol"
		}
		h.logf("miss CONNECT %s (name %s): %s, which no mode forwards", forwarded.ConnectTarget(r), m.name, what)
	} else if named {
		h.logf("miss %s %s (name %s)", r.Method, h.redact.URL(r.URL).RequestURI(), m.name)
	} else {
		h.logf("miss %s %s (its body, part of its name, is over MaxBodySize)", r.Method, h.redact.URL(r.URL).RequestURI())
	}
	h.failf("%s", miss.Report)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if named {
		w.Header().Set("X-Cassette-Miss", m.name)
	}
	w.WriteHeader(http.StatusNotFound)
	io.WriteString(w, miss.Report)
}

// tunnel reports whether r asks the server for a tunnel, or to hand its
// connection over to another protocol (see forwarded.HandOver): a CONNECT
// that [Server.Transport] did not bring. One it brought (srv.Client()) is a
// request the caller sent for the API's own URL, with the method of its
// choice, and goes where any other does, as it does through
// [NewTransport]: a client's transport sends the CONNECT of its proxy
// itself, to the proxy, never through its RoundTripper.
func (h *Handler) tunnel(r *http.Request) bool {
	if r.Method != http.MethodConnect || h.forTransport {
		return false
	}
	_, viaTransport := r.Header[schemeHeader]
	return !viaTransport
}

// noUpstream answers r, to be forwarded, with 502 and fails the test if
// r was sent to the server's own address and no [Upstream] says where it
// goes; it reports whether it did.
func (h *Handler) noUpstream(w http.ResponseWriter, r *http.Request) bool {
	if h.upstream != nil || !h.isOwnAddress(r) {
		return false
	}
	msg := fmt.Sprintf("replayserver: %s %s: mode %s forwards this request, but it was sent to the server's own address and no replayserver.Upstream(url) says where to (cassette serve: -upstream URL): "+
		"set Upstream to the real API, or send requests with the API's own URLs through srv.Client()", r.Method, h.redact.URL(r.URL).RequestURI(), h.mode)
	h.failf("%s", msg)
	// No API answered it: a rerecording keeps the old library, which
	// replacing would empty of this request's cassette (of every one, when
	// no request had an Upstream), even for a testing.TB that cannot say
	// the test failed, or a handler of one's own.
	h.noteForwardFailure(fmt.Sprintf("%s %s: sent to the server's own address with no Upstream to forward it to", r.Method, h.redact.URL(r.URL).RequestURI()))
	h.mu.Lock()
	h.noUpFail++
	h.mu.Unlock()
	http.Error(w, msg, http.StatusBadGateway)
	return true
}

func (h *Handler) isRecorded(name string) bool {
	if h.fwd != nil && h.fwd.isForwarded(name) {
		return true // being recorded, maybe not reported yet
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.recorded[name]
}

func bodyAllowed(status int) bool {
	return !(status >= 100 && status < 200) && status != http.StatusNoContent && status != http.StatusNotModified
}
