package replayserver_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/replayserver"
)

// The benchmarks replay libraries of generated cassettes: GET
// https://api.example.com/v1/items/I answered 200 with a JSON body of a
// fixed size. They compare replay over loopback with a bare httptest.Server
// serving the same bytes from a Go map (BenchmarkServe against
// BenchmarkBareMapServer), time the in-process transport (BenchmarkTransport)
// and show how the cost of a request grows with the size of the library
// (BenchmarkLookupLibrarySize). The comparison program in ../bench runs them
// against their targets and against go-vcr.

const benchUpstream = "https://api.example.com"

// A benchLib is a generated single-file library and the exchanges in it.
type benchLib struct {
	path   string   // the library file
	paths  []string // the request path of each cassette: /v1/items/I
	bodies [][]byte // the response body of each cassette
}

// newBenchLib writes a JSON library of n cassettes whose bodies have size
// bytes into dir, with library.Append and Save.
func newBenchLib(b testing.TB, dir string, n, size int) *benchLib {
	b.Helper()
	bl := &benchLib{path: filepath.Join(dir, fmt.Sprintf("lib-%d-%d.json", n, size))}
	lib, err := library.Open(bl.path)
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		p := "/v1/items/" + strconv.Itoa(i)
		req, err := http.NewRequest(http.MethodGet, benchUpstream+p, nil)
		if err != nil {
			b.Fatal(err)
		}
		body := benchBody(i, size)
		ex := library.Exchange{
			Request: library.Request{Method: http.MethodGet, URL: req.URL.String()},
			Response: library.Response{
				StatusCode: http.StatusOK,
				Header:     http.Header{"Content-Type": {"application/json"}},
				Body:       body,
			},
		}
		if err := lib.Append(naming.Name(req, nil, naming.Default()), ex); err != nil {
			b.Fatal(err)
		}
		bl.paths = append(bl.paths, p)
		bl.bodies = append(bl.bodies, body)
	}
	if err := lib.Save(); err != nil {
		b.Fatal(err)
	}
	return bl
}

// benchBody returns a JSON text of exactly size bytes (at least 32) for
// cassette i.
func benchBody(i, size int) []byte {
	head := fmt.Sprintf(`{"id":%d,"pad":"`, i)
	body := make([]byte, size)
	n := copy(body, head)
	for j := n; j < size-2; j++ {
		body[j] = 'a' + byte(j%26)
	}
	copy(body[size-2:], `"}`)
	return body
}

// order returns a fixed pseudo-random order of n cassettes, so that
// requests do not walk the library in the order it is stored.
func order(n int) []int {
	r := rand.New(rand.NewPCG(1, 2))
	return r.Perm(n)
}

// benchClient returns a client that keeps enough idle connections for
// parallel benchmarks; Cassette and the baseline use the same one.
func benchClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		MaxIdleConns:        64,
		MaxIdleConnsPerHost: 64,
		DisableCompression:  true,
	}}
}

// get requests url and reads the body to its end.
func get(c *http.Client, url string) error {
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
	}
	return err
}

// replayOpts are the options of every benchmark: replay, requests to the
// server's address named as sent to the upstream, and the default log (no
// line per hit).
func replayOpts() []replayserver.Option {
	return []replayserver.Option{
		replayserver.WithMode(replayserver.ModeReplay),
		replayserver.Upstream(benchUpstream),
	}
}

// benchSizes are the body sizes of BenchmarkServe and
// BenchmarkBareMapServer, with the number of cassettes of each library.
var benchSizes = []struct {
	name    string
	size, n int
}{
	{"1KiB", 1 << 10, 1000},
	{"1MiB", 1 << 20, 16},
}

// parallel8 runs f in 8 goroutines (rounded up to a multiple of
// GOMAXPROCS): 8 concurrent clients.
func parallel8(b *testing.B, f func(pb *testing.PB)) {
	procs := runtime.GOMAXPROCS(0)
	b.SetParallelism((8 + procs - 1) / procs)
	b.RunParallel(f)
}

// serveBench runs the sequential and parallel benchmarks of a server
// answering bl's paths at base.
func serveBench(b *testing.B, bl *benchLib, size int, start func(b *testing.B) string) {
	b.Run("seq", func(b *testing.B) {
		base := start(b)
		c := benchClient()
		defer c.CloseIdleConnections()
		ord := order(len(bl.paths))
		b.SetBytes(int64(size))
		i := 0
		for b.Loop() {
			if err := get(c, base+bl.paths[ord[i%len(ord)]]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("parallel8", func(b *testing.B) {
		base := start(b)
		c := benchClient()
		defer c.CloseIdleConnections()
		ord := order(len(bl.paths))
		b.SetBytes(int64(size))
		b.ResetTimer()
		parallel8(b, func(pb *testing.PB) {
			i := rand.IntN(len(ord))
			for pb.Next() {
				if err := get(c, base+bl.paths[ord[i%len(ord)]]); err != nil {
					b.Error(err)
					return
				}
				i++
			}
		})
	})
}

// BenchmarkServe replays over loopback: a client sends GET requests to a
// replay server started with New on a library of generated cassettes,
// sequentially and with 8 concurrent clients.
func BenchmarkServe(b *testing.B) {
	b.Setenv("CASSETTE_MODE", "")
	dir := b.TempDir()
	for _, s := range benchSizes {
		bl := newBenchLib(b, dir, s.n, s.size)
		b.Run(s.name, func(b *testing.B) {
			serveBench(b, bl, s.size, func(b *testing.B) string {
				return replayserver.New(b, bl.path, replayOpts()...).URL
			})
		})
	}
}

// BenchmarkBareMapServer is the baseline of BenchmarkServe: an
// httptest.Server answering the same paths with the same status, headers
// and bytes from a Go map.
func BenchmarkBareMapServer(b *testing.B) {
	b.Setenv("CASSETTE_MODE", "")
	dir := b.TempDir()
	for _, s := range benchSizes {
		bl := newBenchLib(b, dir, s.n, s.size)
		bodies := make(map[string][]byte, len(bl.paths))
		for i, p := range bl.paths {
			bodies[p] = bl.bodies[i]
		}
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, ok := bodies[r.URL.Path]
			if !ok {
				http.NotFound(w, r)
				return
			}
			w.Header()["Content-Type"] = []string{"application/json"}
			w.Header()["Content-Length"] = []string{strconv.Itoa(len(body))}
			w.Write(body)
		})
		b.Run(s.name, func(b *testing.B) {
			serveBench(b, bl, s.size, func(b *testing.B) string {
				srv := httptest.NewServer(h)
				b.Cleanup(srv.Close)
				return srv.URL
			})
		})
	}
}

// BenchmarkTransport replays 1 KiB bodies in process, without sockets,
// through the RoundTripper of NewTransport: "client" through an
// http.Client as a program does, "roundtrip" calling RoundTrip directly.
func BenchmarkTransport(b *testing.B) {
	b.Setenv("CASSETTE_MODE", "")
	bl := newBenchLib(b, b.TempDir(), 1000, 1<<10)
	urls := make([]string, len(bl.paths))
	for i, p := range bl.paths {
		urls[i] = benchUpstream + p
	}
	ord := order(len(urls))
	b.Run("client", func(b *testing.B) {
		c := &http.Client{Transport: replayserver.NewTransport(b, bl.path, replayOpts()...)}
		b.SetBytes(1 << 10)
		i := 0
		for b.Loop() {
			if err := get(c, urls[ord[i%len(ord)]]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("roundtrip", func(b *testing.B) {
		tr := replayserver.NewTransport(b, bl.path, replayOpts()...)
		reqs := make([]*http.Request, len(urls))
		for i, u := range urls {
			reqs[i], _ = http.NewRequest(http.MethodGet, u, nil)
		}
		b.SetBytes(1 << 10)
		i := 0
		for b.Loop() {
			resp, err := tr.RoundTrip(reqs[ord[i%len(ord)]])
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			i++
		}
	})
}

// BenchmarkLookupLibrarySize replays in process from libraries of 100 and
// 10,000 cassettes, each request for a cassette drawn in a fixed random
// order over the whole library, after every cassette was served once: the
// cost of a request should not depend on the size of the library.
func BenchmarkLookupLibrarySize(b *testing.B) {
	b.Setenv("CASSETTE_MODE", "")
	dir := b.TempDir()
	for _, n := range []int{100, 10000} {
		bl := newBenchLib(b, dir, n, 1<<10)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			tr := replayserver.NewTransport(b, bl.path, replayOpts()...)
			reqs := make([]*http.Request, n)
			for i, p := range bl.paths {
				reqs[i], _ = http.NewRequest(http.MethodGet, benchUpstream+p, nil)
			}
			roundTrip := func(req *http.Request) {
				resp, err := tr.RoundTrip(req)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			for _, req := range reqs { // warm: every cassette served once
				roundTrip(req)
			}
			ord := order(n)
			i := 0
			for b.Loop() {
				roundTrip(reqs[ord[i%n]])
				i++
			}
		})
	}
}

// BenchmarkTransportPOST replays a POST with a small JSON body in process,
// as a client sends it (a new request, its body a strings.Reader): the
// request body is read and named on every request.
func BenchmarkTransportPOST(b *testing.B) {
	b.Setenv("CASSETTE_MODE", "")
	const body = `{"name":"widget","tags":["a","b"],"count":3}`
	path := filepath.Join(b.TempDir(), "api.json")
	lib, err := library.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, benchUpstream+"/v1/items", nil)
	req.Header.Set("Content-Type", "application/json")
	ex := library.Exchange{
		Request:  library.Request{Method: http.MethodPost, URL: req.URL.String(), Header: req.Header.Clone(), Body: []byte(body)},
		Response: library.Response{StatusCode: 201, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"id":1}`)},
	}
	if err := lib.Append(naming.Name(req, []byte(body), naming.Default()), ex); err != nil {
		b.Fatal(err)
	}
	if err := lib.Save(); err != nil {
		b.Fatal(err)
	}
	tr := replayserver.NewTransport(b, path, replayOpts()...)
	for b.Loop() {
		req, _ := http.NewRequest(http.MethodPost, benchUpstream+"/v1/items", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := tr.RoundTrip(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
