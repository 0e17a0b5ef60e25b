package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cassette-go/cassette/internal/detach"
	"github.com/cassette-go/cassette/internal/forwarded"
)

// shutdownTimeout bounds how long a stopping server waits for the requests
// in flight before it closes their connections; tests shorten it.
var shutdownTimeout = 10 * time.Second

// cutGrace bounds how long a server that closed the connections of the
// requests in flight waits for their handlers to return, so that what they
// recorded is saved.
const cutGrace = 5 * time.Second

type stopNowKey struct{}

// withStopNow returns a copy of ctx telling the servers that stop when ctx
// is done to stop at once when now is done, cutting off the requests in
// flight rather than waiting up to shutdownTimeout for them: main makes a
// second interrupt end now.
func withStopNow(ctx, now context.Context) context.Context {
	return context.WithValue(ctx, stopNowKey{}, now)
}

// stopNow returns the context set by withStopNow, nil if none.
func stopNow(ctx context.Context) context.Context {
	now, _ := ctx.Value(stopNowKey{}).(context.Context)
	return now
}

// listen listens on addr for serveUntilDone, saying on stderr, with
// prefix, why it cannot.
func listen(addr string, stderr io.Writer, prefix string) (net.Listener, bool) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prefix, err)
		return nil, false
	}
	return ln, true
}

// serveUntilDone serves h on ln until ctx is done, then shuts
// down gracefully: it waits for the requests in flight for up to
// shutdownTimeout, or until the context of withStopNow is done, then
// closes their connections, calling cutting first. Once serving it calls
// started with the server's base URL. It returns the number of requests
// cut off. The server's own errors and its stopping are logged to stderr
// with prefix. gaveUp, called once the caller has closed h, returns how
// many responses whose client had left it stopped reading at a second
// interrupt, before their end: they were not recorded.
//
// The caller listens first (see listen), so that an address it cannot
// listen on stops it before it changes anything: a rerecord that never
// served would replace the library with nothing, and -unused would name
// every cassette.
func serveUntilDone(ctx context.Context, ln net.Listener, h http.Handler, stderr io.Writer, prefix string, started func(baseURL string), cutting func()) (cut int, gaveUp func() int, err error) {
	var abandoned atomic.Int64
	gaveUp = func() int { return int(abandoned.Load()) }
	var open inflight
	// Cutting requests off ends those a recording proxy goes on reading
	// after their client left, too; a stop that cuts nothing off leaves
	// them to end by themselves (the caller's Close waits for them), or
	// to a second interrupt.
	var kept struct {
		ctx context.Context
		cut context.CancelFunc // called when requests are cut off, or on a second interrupt
	}
	kept.ctx, kept.cut = context.WithCancel(context.Background())
	base, cutAll := context.WithCancel(detach.WithStop(context.WithoutCancel(ctx), kept.ctx))
	defer cutAll()
	// giveUpKept ends the reads of responses whose client left, counting
	// and saying those it gives up.
	var giveUp sync.Mutex
	giveUpKept := func() {
		giveUp.Lock()
		defer giveUp.Unlock()
		if n := detach.Reading(base); n > 0 {
			abandoned.Add(int64(n))
			fmt.Fprintf(stderr, "%s: giving up %d response(s) whose client left, still coming from the upstream\n", prefix, n)
		}
		kept.cut()
	}
	srv := &http.Server{
		Handler:           open.wrap(h),
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          log.New(stderr, prefix+": ", 0),
		BaseContext:       func(net.Listener) context.Context { return base },
		// OPTIONS * (a request for the server as a whole) is h's, as any
		// request: http.Server would answer it itself, 200 and empty, so
		// that serve never replayed its cassette nor record recorded it.
		DisableGeneralOptionsHandler: true,
		// HTTP/1.1, and HTTP/2 for clients that speak it from the start
		// (h2c with prior knowledge: grpc-go, grpcurl -plaintext).
		Protocols: new(http.Protocols),
	}
	srv.Protocols.SetHTTP1(true)
	srv.Protocols.SetUnencryptedHTTP2(true)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	started(baseURL(ln.Addr()))

	select {
	case err := <-served:
		return 0, gaveUp, err // Serve never returns nil
	case <-ctx.Done():
	}
	now := stopNow(ctx)
	if n := open.count(); n > 0 {
		again := ""
		if now != nil {
			again = "; Ctrl-C again stops at once"
		}
		also := ""
		if k := detach.Reading(base); k > 0 {
			also = fmt.Sprintf(", and for %d response(s) whose client left, still coming from the upstream, to record them", k)
		}
		fmt.Fprintf(stderr, "%s: stopping: waiting up to %v for %d open request(s) to end%s%s\n", prefix, shutdownTimeout, n, also, again)
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if now != nil {
		defer context.AfterFunc(now, cancel)()
	}
	// Shutdown waits for the connections, open.idle for the handlers, of
	// hijacked connections too (a WebSocket).
	srv.Shutdown(sctx) // returns when sctx is done, at the latest
	select {
	case <-open.idle():
	case <-sctx.Done():
	}
	if cut = open.count(); cut > 0 {
		if cutting != nil {
			cutting()
		}
		why := fmt.Sprintf("after waiting %v", shutdownTimeout)
		if now != nil && now.Err() != nil {
			why = "at once"
		}
		fmt.Fprintf(stderr, "%s: stopped %s, cutting off %d open request(s)\n", prefix, why, cut)
		giveUpKept()
		cutAll() // ends hijacked connections, that Close leaves open
	}
	srv.Close()
	if cut > 0 {
		select {
		case <-open.idle():
		case <-time.After(cutGrace):
			fmt.Fprintf(stderr, "%s: %d request(s) still running %v after their connections were closed; saving without them\n", prefix, open.count(), cutGrace)
		}
	}
	if now != nil {
		// From here on (the requests are done or cut off), a second
		// interrupt ends the reads of bodies whose client left, which the
		// caller's Close waits for.
		context.AfterFunc(now, giveUpKept)
	}
	if n := detach.Reading(base); n > 0 {
		again := ""
		if now != nil && now.Err() == nil {
			again = "; Ctrl-C again stops at once"
		}
		fmt.Fprintf(stderr, "%s: waiting for %d response(s) still coming from the upstream, whose client left before their end, to record them%s\n", prefix, n, again)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return cut, gaveUp, err
	}
	return cut, gaveUp, nil
}

// reportCut tells on stderr what became of the cut requests cut off by a
// stop, stored of which were stored nonetheless (a stream, as far as it
// had come), by a server that records if recording. It returns the exit
// status this calls for: exitError when requests were not recorded.
func reportCut(stderr io.Writer, prefix string, cut, stored int, recording bool) int {
	if cut == 0 {
		return exitOK
	}
	if !recording {
		fmt.Fprintf(stderr, "%s: %d request(s) cut off by the stop\n", prefix, cut)
		return exitOK
	}
	stored = min(stored, cut) // requests that ended meanwhile may have been stored too
	lost := cut - stored
	them := "them"
	if lost == 1 {
		them = "it"
	}
	switch {
	case lost == 0 && stored == 1:
		fmt.Fprintf(stderr, "%s: 1 request(s) cut off by the stop, stored as far as it had come (a stream: replay ends it there)\n", prefix)
		return exitOK
	case lost == 0:
		fmt.Fprintf(stderr, "%s: %d request(s) cut off by the stop, stored as far as they had come (streams: replay ends them there)\n", prefix, cut)
		return exitOK
	case stored == 0:
		fmt.Fprintf(stderr, "%s: %d request(s) cut off by the stop and not recorded (the log above says why); record %s again and let %s end before stopping\n", prefix, cut, them, them)
	case stored == 1:
		fmt.Fprintf(stderr, "%s: %d request(s) cut off by the stop: 1 stored as far as it had come (a stream), %d not recorded (the log above says why); record %s again and let %s end before stopping\n", prefix, cut, lost, them, them)
	default:
		fmt.Fprintf(stderr, "%s: %d request(s) cut off by the stop: %d stored as far as they had come (streams), %d not recorded (the log above says why); record %s again and let %s end before stopping\n", prefix, cut, stored, lost, them, them)
	}
	return exitError
}

// An inflight counts the requests a handler is serving. It is safe for
// concurrent use; the zero value is ready to use.
type inflight struct {
	mu    sync.Mutex    // guards n and empty
	n     int           // requests in the handler
	empty chan struct{} // closed when n drops to 0; nil while it is 0
}

// wrap returns h counting its requests in f.
func (f *inflight) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		if f.n == 0 {
			f.empty = make(chan struct{})
		}
		f.n++
		f.mu.Unlock()
		defer func() {
			f.mu.Lock()
			defer f.mu.Unlock()
			if f.n--; f.n == 0 {
				close(f.empty)
				f.empty = nil
			}
		}()
		h.ServeHTTP(w, r)
	})
}

// count returns the number of requests in the handler.
func (f *inflight) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n
}

// idle returns a channel closed when no request is in the handler.
func (f *inflight) idle() <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.empty == nil {
		c := make(chan struct{})
		close(c)
		return c
	}
	return f.empty
}

// baseURL returns the URL clients use to reach a server listening on a.
// An unspecified address (":8080") is reached on loopback.
func baseURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		if ip.To4() != nil {
			host = "127.0.0.1"
		} else {
			host = "::1"
		}
	}
	return "http://" + net.JoinHostPort(host, port)
}

// checkUpstream reports whether s is an absolute http or https URL.
func checkUpstream(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("-upstream %q: want an absolute http or https URL such as https://api.example.com", forwarded.Redacted(s))
	}
	return nil
}

// checkNoCredentials refuses an -upstream URL s, valid, that holds
// credentials (user:password@), for the commands that forward a client's
// requests: they send the client's own, and would print these.
func checkNoCredentials(s string) error {
	if u, _ := url.Parse(s); u.User != nil {
		return fmt.Errorf("-upstream %s holds credentials (user:password@), which are not sent to the API: send them in the client's requests (an Authorization header, which is redacted before it is stored)", forwarded.Redacted(s))
	}
	return nil
}
