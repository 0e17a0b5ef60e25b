package recorder

import (
	"log"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/cassette-go/cassette/internal/detach"
	"github.com/cassette-go/cassette/internal/endcut"
	"github.com/cassette-go/cassette/internal/testlog"
	"github.com/cassette-go/cassette/library"
)

// A Recorder is a recording reverse proxy started for a test: clients use
// Recorder.URL as their base URL. It is closed, and its library saved, in
// t.Cleanup. It is safe for concurrent use.
type Recorder struct {
	*httptest.Server
	proxy  *Proxy
	t      testing.TB
	log    *testlog.Log
	broken *brokenBodies

	mu     sync.Mutex // held while closing
	closed bool
}

// New starts a recording reverse proxy to upstream (an absolute URL, such as
// "https://api.example.com", without credentials: see [NewProxy]) that
// stores every exchange in the library at path. Everything it forwarded is
// in the library when the test ends, even when the test fails.
//
// Each stored exchange is logged with t.Logf, and a failure to store one
// fails the test with t.Errorf; a response body the upstream broke off
// (so not stored) is logged, and fails the test at its end unless a later
// request of that cassette (a retry) was recorded; [Logf], [OnError] and
// [OnBrokenBody] override this. An
// invalid upstream or library path, or naming rules that
// [naming.Rules.Validate] refuses (see [Naming]), stop the test with
// t.Fatalf. In
// t.Cleanup the server is closed and the library saved. Requests still
// open then are waited for while one awaits its answer from the upstream;
// then those whose bodies the test never read to their end nor closed are
// cut off once nothing more was sent for a second (or, for a stream that
// trickles on, after five seconds), and stored as when their client
// leaves (see "Bodies the client stops reading" in the package
// documentation). Exchanges are saved in the background as they are
// recorded; see [Recorder.Save].
func New(t testing.TB, upstream, path string, opts ...Option) *Recorder {
	t.Helper()
	lib := openLibrary(t, path)
	if lib == nil {
		return nil
	}
	tl := testlog.New(t)
	bb := &brokenBodies{}
	opts = append([]Option{Logf(tl.Logf), OnError(tl.Error), OnBrokenBody(bb.add)}, opts...)
	p, err := NewProxy(upstream, lib, opts...)
	if err != nil {
		t.Fatalf("%v", err)
		return nil
	}
	p.cfg.warnSignificant()
	var watch endcut.Watch
	srv := httptest.NewUnstartedServer(watch.Handler(p))
	srv.Config.ErrorLog = log.New(detach.ProxyLog(tl.Logf), "", 0)
	// OPTIONS * (a request for the server as a whole) is forwarded and
	// recorded as any request: http.Server would answer it itself.
	srv.Config.DisableGeneralOptionsHandler = true
	srv.Start()
	r := &Recorder{Server: srv, proxy: p, t: t, log: tl, broken: bb}
	t.Cleanup(func() {
		t.Helper() // failures at the end point at the line that called New
		// Requests still open when the test ends are waited for while
		// they make progress; one whose body the test never read to its
		// end nor closed (an endless stream) is cut off once it stalls,
		// and stored as when its client leaves.
		if n := watch.Cut(srv.CloseClientConnections); n > 0 {
			tl.Logf("recorder: the test ended without reading to its end or closing the response body of %d request(s): cut off, and stored as if their client had left (close each response body)", n)
		}
		r.Close()
	})
	return r
}

// Close shuts the server down, as httptest.Server.Close does (waiting for
// the requests still open), then saves as the end of the test does: after
// it returns, the library on disk holds everything the recorder stored,
// for a replay server on it made next in the same test. The end of the
// test calls it too; calls after the first do nothing.
func (r *Recorder) Close() {
	r.t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	r.closed = true
	defer r.log.End() // from now on (even if this panics), logs go to the standard logger
	r.Server.Close()
	if err := r.proxy.Close(); err != nil && !r.log.Reported(err) {
		r.t.Errorf("%v", err)
	}
	r.broken.fail(r.t)
}

// Save waits for the exchanges recorded so far to be saved, and saves what
// is left: after it returns, the library on disk holds every exchange whose
// response was read to its end, or stopped by its client (see "Bodies the
// client stops reading" in the package documentation), but for one that
// waits for an earlier answer of its cassette whose body is still open:
// exchanges are stored in the order their answers arrived, so it is
// stored, in its place, when that one ends. The recorder saves in the background after
// each exchange and in t.Cleanup, so a test needs Save only to read the
// library while it runs.
func (r *Recorder) Save() error { return r.proxy.rt.save() }

// NewTransport returns a recording RoundTripper for a test: each request
// goes to its own URL (through a clone of [http.DefaultTransport] unless
// [Transport] names another) and the exchange is stored in the library at
// path, saved in the background as exchanges are recorded and in
// t.Cleanup. The RoundTripper is also an [io.Closer]: Close waits until
// what was recorded so far is saved.
//
// An exchange is stored when the client has read its response body to the
// end, closed it or canceled its request (see "Bodies the client stops
// reading" in the package documentation; a body the test never closed is
// closed when the test ends, which the log says, and stored then), or at
// once when the response has no body (204, 304, HEAD, Content-Length: 0);
// the exchanges of a cassette are stored in the order their answers
// arrived, each once the earlier ones are stored or given up. As
// [http.Transport] does, a request that sets no Accept-Encoding (and no
// Range, and is not a HEAD) is sent asking for gzip, and a gzip answer is
// decoded for the client; what is stored is what the server sent, gzip
// and its Content-Encoding included, so the library replays the same
// through replayserver.New and replayserver.NewTransport alike. This
// holds for the default transport and for any [*http.Transport] given
// with [Transport] (it is cloned with compression off); another
// RoundTripper is used as given.
//
// Logging and errors are handled as by [New]. Exchanges that end after the
// test are still stored, and logged with the standard logger. The idle
// connections of the transport it made are closed in t.Cleanup.
func NewTransport(t testing.TB, path string, opts ...Option) http.RoundTripper {
	t.Helper()
	cfg := newConfig(opts)
	if err := cfg.rulesError(); err != nil {
		t.Fatalf("%v", err)
		return nil
	}
	lib := openLibrary(t, path)
	if lib == nil {
		return nil
	}
	tl := testlog.New(t)
	bb := &brokenBodies{}
	opts = append([]Option{Logf(tl.Logf), OnError(tl.Error), OnBrokenBody(bb.add)}, opts...)
	cfg = newConfig(opts)
	cfg.warnSignificant()
	rt := newRoundTripper(lib, cfg, clientTransport(cfg))
	owned := rt.takeOverGzip() || cfg.transport == nil
	t.Cleanup(func() {
		t.Helper() // failures at the end point at the line that called NewTransport
		// From the end on (even if this panics), logs go to the standard
		// logger.
		defer tl.End()
		// The test is over: the bodies it left open are closed now.
		rt.CloseForgotten()
		if owned {
			rt.CloseIdleConnections()
		}
		if err := rt.Close(); err != nil && !tl.Reported(err) { // the recording ends: OnBrokenBody is told
			t.Errorf("%v", err)
		}
		bb.fail(t)
	})
	return testTransport{rt}
}

// testTransport is the RoundTripper of NewTransport: its Close, which a
// test calls to read the library while it runs, saves but does not end
// the recording (a retry after it still makes up for a body broken off
// before it); the end of the test does.
type testTransport struct{ *roundTripper }

// Close waits until what was recorded so far is saved (see
// roundTripper.Close), without ending the recording.
func (t testTransport) Close() error {
	t.reportOpen()
	return t.save()
}

// openLibrary opens the library at path and lists it, so that one that
// cannot be read (or a folder at a file library's path) fails the test
// at once rather than at the first exchange stored; nil when it failed.
func openLibrary(t testing.TB, path string) *library.Library {
	t.Helper()
	lib, err := library.Open(path)
	if err != nil {
		t.Fatalf("recorder: open library %s: %v", path, err)
		return nil
	}
	if _, err := lib.Names(); err != nil {
		t.Fatalf("recorder: %v", err) // it names the library
		return nil
	}
	return lib
}
