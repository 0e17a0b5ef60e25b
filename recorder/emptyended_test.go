package recorder_test

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cassette-go/cassette/internal/h2api"
	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

// An empty answer over HTTP/2 whose header ended its stream (Go's server
// sends so a handler that writes nothing, with Content-Length: 0) has no
// trailers to wait for: it is stored as it arrives, as over HTTP/1.1.
// Since empty HTTP/2 answers were waited for (for trailers that may follow
// one), such an answer was stored only when the client read or closed its
// body: a polling client that closes its answers with defer stored the
// final answer before the empty ones that came first, and replay gave it
// first; a body never closed was stored only at the test's end, with a
// line saying so, and through NewRoundTripper not at all.
func TestAnEmptyAnswerWhoseHeaderEndedItsStreamIsStoredAsItArrives(t *testing.T) {
	for _, kind := range h2api.Kinds {
		t.Run(kind, func(t *testing.T) {
			var (
				mu    sync.Mutex // guards polls
				polls int
			)
			srv, upstream := h2api.Start(kind, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				polls++
				n := polls
				mu.Unlock()
				if r.URL.Path == "/job" && n < 3 {
					w.WriteHeader(http.StatusAccepted) // not ready: nothing written
					return
				}
				if r.URL.Path == "/job" {
					fmt.Fprintf(w, "ready after %d", n)
				}
			}))
			defer srv.Close()
			dir := filepath.Join(t.TempDir(), "api")
			var (
				logMu sync.Mutex // guards logs
				logs  []string
			)
			t.Run("NewTransport", func(t *testing.T) {
				rt := recorder.NewTransport(t, dir, recorder.Transport(upstream), recorder.Logf(func(format string, args ...any) {
					logMu.Lock()
					defer logMu.Unlock()
					logs = append(logs, fmt.Sprintf(format, args...))
				}))
				c := &http.Client{Transport: rt}
				func() {
					for {
						resp, err := c.Get(srv.URL + "/job")
						if err != nil {
							t.Fatal(err)
						}
						defer resp.Body.Close() // all closed once ready, the last first
						if resp.ProtoMajor != 2 {
							t.Fatalf("the answer came over %s, want HTTP/2", resp.Proto)
						}
						if resp.StatusCode == http.StatusOK {
							io.Copy(io.Discard, resp.Body)
							return
						}
					}
				}()
				if _, err := c.Get(srv.URL + "/empty"); err != nil { // its body never closed
					t.Fatal(err)
				}
			})
			lib := readLibrary(t, dir)
			var got []string
			for _, ex := range lib["GET_127.0.0.1_"+port(t, srv.URL)+"_job"] {
				got = append(got, fmt.Sprintf("%d %s", ex.Response.StatusCode, ex.Response.Body))
			}
			if want := []string{"202 ", "202 ", "200 ready after 3"}; strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("stored %q, want the answers in the order they came: %q", got, want)
			}
			if len(lib) != 2 {
				t.Errorf("the library holds %d cassettes, want 2: the answers of /job and /empty", len(lib))
			}
			logMu.Lock()
			if l := strings.Join(logs, "\n"); strings.Contains(l, "never closed") {
				t.Errorf("logged %q; an empty answer was stored as it came, with no body to close", l)
			}
			logMu.Unlock()

			lib2, err := library.Open(filepath.Join(t.TempDir(), "rt"))
			if err != nil {
				t.Fatal(err)
			}
			rt := recorder.NewRoundTripper(lib2, recorder.Transport(upstream))
			if _, err := (&http.Client{Transport: rt}).Get(srv.URL + "/empty"); err != nil { // never closed
				t.Fatal(err)
			}
			flush(t, rt)
			if names, err := lib2.Names(); err != nil || len(names) != 1 {
				t.Errorf("NewRoundTripper stored %q (%v), want the empty answer, its body never closed", names, err)
			}
		})
	}
}

// port returns the port of the URL u.
func port(t *testing.T, u string) string {
	t.Helper()
	i := strings.LastIndexByte(u, ':')
	if i < 0 {
		t.Fatalf("no port in %s", u)
	}
	return u[i+1:]
}
