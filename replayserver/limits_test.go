package replayserver_test

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// storedNames returns the names of the cassettes in the library at path,
// none if it was never written.
func storedNames(t *testing.T, path string) []string {
	t.Helper()
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if !lib.Exists() {
		return nil
	}
	names, err := lib.Names()
	if err != nil {
		t.Fatalf("Names() of %s: %v", path, err)
	}
	return names
}

func TestRecordModeMaxBodySize(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	big := bytes.Repeat([]byte("0123456789abcdef"), 4<<10/16+1) // just over 4 KiB
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/big" {
			w.Write(big)
			return
		}
		io.WriteString(w, "small")
	}))
	defer api.Close()
	path := filepath.Join(t.TempDir(), "lib.json")
	ft := newFakeTB(t)
	ft.do(func() {
		srv := replayserver.New(ft, path, replayserver.WithMode(replayserver.ModeRecord),
			replayserver.Upstream(api.URL), replayserver.MaxBodySize(4<<10))
		if got := do(t, rawClient(), srv.URL, call{"GET", "/big", ""}); !bytes.Equal(got.Body, big) {
			t.Errorf("GET /big in record mode: client got %d bytes, want all %d", len(got.Body), len(big))
		}
		if got := do(t, rawClient(), srv.URL, call{"GET", "/small", ""}); string(got.Body) != "small" {
			t.Errorf("GET /small in record mode = %q, want %q", got.Body, "small")
		}
	})
	ft.finish()
	want := "response body is larger than the 4 KiB limit, so it was not stored; raise it with recorder.MaxBodySize (or replayserver.MaxBodySize)"
	if got := ft.errors(); strings.Count(got, want) != 1 {
		t.Errorf("the test failed with:\n%s\nwant one failure saying:\n%s", got, want)
	}
	if got := storedNames(t, path); len(got) != 1 || !strings.Contains(got[0], "small") {
		t.Errorf("library holds %q, want only the cassette of /small", got)
	}
}

// faultyAPI is an upstream that fails each request as its path says:
// /reset resets the connection before answering, /reset-mid-body after the
// headers and a first chunk (once the test sends on seen), /hang never
// answers until the test ends.
func faultyAPI(t *testing.T) (api *httptest.Server, seen chan<- struct{}) {
	ch := make(chan struct{}, 1)
	release := make(chan struct{})
	api = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hang" {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		if r.URL.Path == "/reset-mid-body" {
			buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n")
			buf.Flush()
			select {
			case <-ch:
			case <-time.After(time.Minute): // a bound, not a synchronization
				t.Error("the client never saw the headers")
			}
		}
		conn.(*net.TCPConn).SetLinger(0) // reset, not an orderly close
		conn.Close()
	}))
	t.Cleanup(api.Close)
	t.Cleanup(func() { close(release) }) // runs first
	return api, ch
}

func TestForwardingFaultsStoreNothing(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	api, seen := faultyAPI(t)
	refused := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return "http://" + l.Addr().String()
	}()
	for _, mode := range []replayserver.Mode{replayserver.ModeRecord, replayserver.ModeRerecord, replayserver.ModePassthrough} {
		for _, tc := range []struct {
			name     string
			upstream string
			path     string
			status   int // 0: the body breaks off
		}{
			{"connection refused is 502", refused, "/refused", http.StatusBadGateway},
			{"reset before the headers is 502", api.URL, "/reset", http.StatusBadGateway},
			{"reset mid-body breaks the body off", api.URL, "/reset-mid-body", 0},
			{"header timeout is 504", api.URL, "/hang", http.StatusGatewayTimeout},
		} {
			t.Run(string(mode)+"/"+tc.name, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "lib")
				ft := newFakeTB(t)
				ft.do(func() {
					opts := []replayserver.Option{replayserver.WithMode(mode), replayserver.Upstream(tc.upstream), replayserver.Logf(func(string, ...any) {})}
					if tc.status == http.StatusGatewayTimeout {
						opts = append(opts, replayserver.UpstreamTimeout(time.Millisecond))
					}
					srv := replayserver.New(ft, path, opts...)
					resp, err := rawClient().Get(srv.URL + tc.path)
					if err != nil {
						t.Fatalf("GET %s = %v, want an answer", tc.path, err)
					}
					if tc.status == 0 {
						seen <- struct{}{}
					}
					body, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					switch {
					case tc.status == 0 && (resp.StatusCode != http.StatusOK || err == nil):
						t.Errorf("GET %s = %d %q, %v; want 200 and a failing body read", tc.path, resp.StatusCode, body, err)
					case tc.status != 0 && resp.StatusCode != tc.status:
						t.Errorf("GET %s = %d %q, want %d", tc.path, resp.StatusCode, body, tc.status)
					}
				})
				ft.finish()
				if got := storedNames(t, path); len(got) != 0 {
					t.Errorf("library holds %q, want nothing stored", got)
				}
			})
		}
	}
}

func TestTransportRecordModeTimeout(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	api, _ := faultyAPI(t)
	path := filepath.Join(t.TempDir(), "lib.json")
	ft := newFakeTB(t)
	ft.do(func() {
		rt := replayserver.NewTransport(ft, path, replayserver.WithMode(replayserver.ModeRecord),
			replayserver.UpstreamTimeout(time.Millisecond))
		resp, err := (&http.Client{Transport: rt}).Get(api.URL + "/hang")
		if err == nil {
			resp.Body.Close()
			t.Fatalf("GET /hang through the transport in record mode succeeded, want a timeout")
		}
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("GET /hang = %v, want a timeout error", err)
		}
	})
	ft.finish()
	if got := storedNames(t, path); len(got) != 0 {
		t.Errorf("library holds %q, want nothing stored", got)
	}
}
