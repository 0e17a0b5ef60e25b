package replayserver_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/rpc"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// A client that uses the replay server as its HTTPS proxy (HTTPS_PROXY, or
// its transport's Proxy, set to srv.URL) asks it for a tunnel (CONNECT),
// through which it would speak TLS to the API: nothing in it could be
// named, stored or replayed. In every mode it is a miss (404, the report,
// the test failed), never forwarded (a CONNECT sent on as a request is
// nonsense to the API, which may answer it, an error then stored as its
// cassette) nor stored; the report says that the server opens no tunnels
// and to send the requests through srv.Client(), not to record it.
func TestATunnelIsAMissThatIsNeverForwarded(t *testing.T) {
	for _, mode := range []replayserver.Mode{replayserver.ModeReplay, replayserver.ModeRecord, replayserver.ModeRerecord, replayserver.ModePassthrough} {
		t.Run(string(mode), func(t *testing.T) {
			t.Setenv(replayserver.EnvMode, "")
			var conns atomic.Int64
			api := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, "through the tunnel")
			}))
			api.Config.ConnState = func(_ net.Conn, s http.ConnState) {
				if s == http.StateNew {
					conns.Add(1)
				}
			}
			api.StartTLS()
			defer api.Close()
			lib := filepath.Join(t.TempDir(), "api")
			if err := os.MkdirAll(lib, 0o755); err != nil {
				t.Fatal(err)
			}
			ft := newFakeTB(t)
			var status string
			var clientErr error
			ft.do(func() {
				srv := replayserver.New(ft, lib, replayserver.WithMode(mode), replayserver.Upstream(api.URL), replayserver.UpstreamTransport(api.Client().Transport))
				proxy, _ := url.Parse(srv.URL)
				tr := api.Client().Transport.(*http.Transport).Clone()
				defer tr.CloseIdleConnections()
				tr.Proxy = http.ProxyURL(proxy)
				tr.OnProxyConnectResponse = func(_ context.Context, _ *url.URL, _ *http.Request, resp *http.Response) error {
					status = resp.Status
					return nil
				}
				resp, err := (&http.Client{Transport: tr}).Get(api.URL + "/x")
				if err == nil {
					resp.Body.Close()
				}
				clientErr = err
			})
			ft.finish()
			if clientErr == nil || status != "404 Not Found" {
				t.Errorf("GET %s through the server as a proxy: CONNECT answered %q, client error %v; want 404 Not Found and an error", api.URL, status, clientErr)
			}
			if n := conns.Load(); n != 0 {
				t.Errorf("the API got %d connection(s); want none: a CONNECT is not forwarded", n)
			}
			report := ft.errors()
			for _, want := range []string{"no cassette for CONNECT", "asks this server for a tunnel", "srv.Client()"} {
				if !strings.Contains(report, want) {
					t.Errorf("the test failure does not say %q:\n%s", want, report)
				}
			}
			if strings.Contains(report, "to record it") {
				t.Errorf("the test failure says how to record a tunnel, which no mode records:\n%s", report)
			}
			l, err := library.Open(lib)
			if err != nil {
				t.Fatal(err)
			}
			if names, err := l.Names(); err != nil || len(names) != 0 {
				t.Errorf("library holds %q (%v); want nothing stored", names, err)
			}
		})
	}
}

// A CONNECT that the caller sends itself, for the API's own URL, through
// srv.Client() is a request as any other, as it is through NewTransport
// (which records and replays it): it asks for no tunnel (a client's
// transport sends its proxy's CONNECT to the proxy itself, never through
// its RoundTripper). It was a miss whose report told to send the request
// through srv.Client(), which it came through.
func TestAConnectSentThroughTheClientIsARequest(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	var got atomic.Value // the method and target the API got
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Method + " " + r.RequestURI)
		io.WriteString(w, "answered")
	}))
	defer api.Close()
	lib := filepath.Join(t.TempDir(), "api")
	connect := func(phase string, srv *replayserver.Server) {
		t.Helper()
		req, err := http.NewRequest(http.MethodConnect, api.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatalf("%s: CONNECT %s through srv.Client(): %v", phase, api.URL, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || string(body) != "answered" {
			t.Errorf("%s: CONNECT %s through srv.Client() = %d %q (%v); want 200 %q, the API's answer", phase, api.URL, resp.StatusCode, body, err, "answered")
		}
	}
	rec := replayserver.New(t, lib, replayserver.WithMode(replayserver.ModeRecord))
	connect("recording", rec)
	rec.Close()
	if want := "CONNECT " + strings.TrimPrefix(api.URL, "http://"); got.Load() != want {
		t.Errorf("the API got %v; want %q", got.Load(), want)
	}
	api.Close()
	connect("replaying", replayserver.New(t, lib, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict()))
}

// A CONNECT that names a path asks for no proxy's tunnel but to hand the
// connection over to another protocol: net/rpc's DialHTTP sends CONNECT
// /_goRPC_, HTTP/2's extended CONNECT opens a WebSocket on a stream. It is
// a miss too, never forwarded, and the log and the report say what it
// asks (the log named no target: "miss CONNECT  (name ...)"; the report
// spoke of an HTTPS proxy), and to serve it from a route.
func TestAConnectToAPathIsAMissThatSaysWhatItAsks(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	for _, tc := range []struct {
		name   string
		send   func(t *testing.T, srv *replayserver.Server)
		target string // what the log names
		asks   string // what the report says it hands the connection to
	}{
		{"net/rpc", func(t *testing.T, srv *replayserver.Server) {
			if c, err := rpc.DialHTTPPath("tcp", strings.TrimPrefix(srv.URL, "http://"), "/_goRPC_"); err == nil {
				c.Close()
				t.Errorf("rpc.DialHTTP to the replay server: no error; want the 404 of a miss")
			}
		}, "/_goRPC_", "path /_goRPC_"},
		{"extended CONNECT", func(t *testing.T, srv *replayserver.Server) {
			// As net/http's HTTP/2 server hands it on (with GODEBUG
			// http2xconnect=1).
			r := httptest.NewRequest(http.MethodConnect, "/chat", nil)
			r.Header.Set(":protocol", "websocket")
			w := httptest.NewRecorder()
			srv.Config.Handler.ServeHTTP(w, r)
			if w.Code != http.StatusNotFound {
				t.Errorf("extended CONNECT /chat = %d, want 404", w.Code)
			}
		}, "/chat", ":protocol websocket"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lib := filepath.Join(t.TempDir(), "api")
			if err := os.MkdirAll(lib, 0o755); err != nil {
				t.Fatal(err)
			}
			var (
				mu     sync.Mutex // guards logged
				logged []string
			)
			ft := newFakeTB(t)
			ft.do(func() {
				srv := replayserver.New(ft, lib, replayserver.WithMode(replayserver.ModeReplay), replayserver.Logf(func(format string, args ...any) {
					mu.Lock()
					defer mu.Unlock()
					logged = append(logged, fmt.Sprintf(format, args...))
				}))
				tc.send(t, srv)
				srv.Close()
			})
			ft.finish()
			mu.Lock()
			log := strings.Join(logged, "\n")
			mu.Unlock()
			if !strings.Contains(log, "miss CONNECT "+tc.target+" ") {
				t.Errorf("the log does not name CONNECT %s:\n%s", tc.target, log)
			}
			report := ft.errors()
			for _, want := range []string{"hand the connection over", tc.asks, "srv.Router()"} {
				if !strings.Contains(report, want) {
					t.Errorf("the test failure does not say %q:\n%s", want, report)
				}
			}
			for _, wrong := range []string{"HTTPS proxy", "to record it"} {
				if strings.Contains(report, wrong) {
					t.Errorf("the test failure says %q, of a CONNECT to a path:\n%s", wrong, report)
				}
			}
		})
	}
}

// A cassette of a CONNECT, recorded as it came through srv.Client() or
// NewTransport (or by recorder.New before it refused tunnels), does not
// answer a proxy's tunnel of the same name: its client would take the
// answer for a tunnel opened and speak TLS to the server, and the test
// would not fail. It is a miss as any tunnel, and the cassette stays
// unused.
func TestATunnelIsNotAnsweredFromACassetteOfItsName(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "answered")
	}))
	defer api.Close()
	lib := filepath.Join(t.TempDir(), "api")
	t.Run("recording", func(t *testing.T) {
		tr := replayserver.NewTransport(t, lib, replayserver.WithMode(replayserver.ModeRecord))
		req, err := http.NewRequest(http.MethodConnect, api.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	})
	api.Close()
	for _, mode := range []replayserver.Mode{replayserver.ModeReplay, replayserver.ModeRecord} {
		t.Run(string(mode), func(t *testing.T) {
			ft := newFakeTB(t)
			var status string
			var unused []string
			ft.do(func() {
				srv := replayserver.New(ft, lib, replayserver.WithMode(mode))
				proxy, _ := url.Parse(srv.URL)
				tr := &http.Transport{Proxy: http.ProxyURL(proxy)}
				defer tr.CloseIdleConnections()
				tr.OnProxyConnectResponse = func(_ context.Context, _ *url.URL, _ *http.Request, resp *http.Response) error {
					status = resp.Status
					return nil
				}
				if resp, err := (&http.Client{Transport: tr}).Get("https://" + api.Listener.Addr().String() + "/x"); err == nil {
					resp.Body.Close()
				}
				unused = srv.Unused()
			})
			ft.finish()
			if status != "404 Not Found" {
				t.Errorf("CONNECT %s through the server as a proxy answered %q; want 404 Not Found", api.Listener.Addr(), status)
			}
			report := ft.errors()
			for _, want := range []string{"asks this server for a tunnel", "of this name, answers a CONNECT the test's code sent itself"} {
				if !strings.Contains(report, want) {
					t.Errorf("the test failure does not say %q:\n%s", want, report)
				}
			}
			if strings.Contains(report, "nearest #1") {
				t.Errorf("the test failure shows the cassette of the CONNECT's name as a nearest one:\n%s", report)
			}
			if len(unused) != 1 {
				t.Errorf("Unused() = %q; want the CONNECT's cassette, which answered nothing", unused)
			}
		})
	}
}
