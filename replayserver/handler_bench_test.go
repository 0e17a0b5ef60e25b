package replayserver_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// nopWriter is a ResponseWriter that keeps nothing but the header.
type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *nopWriter) WriteHeader(int)             {}

// BenchmarkHandler is the handler's own cost, without sockets: a request
// for the server's own address (with an upstream, as a test sends it)
// answered from a library of 1000 cassettes of 1 KiB, against a bare
// handler serving the same bodies from a map.
func BenchmarkHandler(b *testing.B) {
	b.Setenv("CASSETTE_MODE", "")
	bl := newBenchLib(b, b.TempDir(), 1000, 1<<10)
	h, err := replayserver.NewHandler(bl.path, replayOpts()...)
	if err != nil {
		b.Fatal(err)
	}
	la := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}
	ctx := context.WithValue(context.Background(), http.LocalAddrContextKey, la)
	reqs := make([]*http.Request, len(bl.paths))
	for i, p := range bl.paths {
		r := httptest.NewRequest("GET", p, nil).WithContext(ctx)
		r.Host = "127.0.0.1:40000"
		r.Header.Set("User-Agent", "Go-http-client/1.1")
		r.Header.Set("Accept-Encoding", "gzip")
		reqs[i] = r
	}
	bodies := map[string][]byte{}
	for i, p := range bl.paths {
		bodies[p] = bl.bodies[i]
	}
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := bodies[r.URL.Path]
		w.Header()["Content-Type"] = []string{"application/json"}
		w.Header()["Content-Length"] = []string{strconv.Itoa(len(body))}
		w.Write(body)
	})
	ord := order(len(reqs))
	for _, c := range []struct {
		name string
		h    http.Handler
	}{{"cassette", h}, {"bare", bare}} {
		b.Run(c.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				w := &nopWriter{h: http.Header{}}
				c.h.ServeHTTP(w, reqs[ord[i%len(ord)]])
				i++
			}
		})
	}
}
