package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// order returns a fixed pseudo-random order of n exchanges, the same in
// every run and in the go-vcr driver, so that requests do not walk a
// library in the order it is stored.
func order(n int) []int {
	return rand.New(rand.NewPCG(1, 2)).Perm(n)
}

// newClient returns a client keeping enough idle connections for 8
// concurrent clients; every contender gets one alike.
func newClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		MaxIdleConns:        64,
		MaxIdleConnsPerHost: 64,
		DisableCompression:  true,
	}}
}

// get sends GET url with c and reads the body to its end, checking that
// it is a 200 with want bytes (want < 0: any length).
func get(c *http.Client, url string, want int) error {
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	switch {
	case err != nil:
		return fmt.Errorf("GET %s: %w", url, err)
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
	case want >= 0 && n != int64(want):
		return fmt.Errorf("GET %s: %d bytes, want %d", url, n, want)
	}
	return nil
}

func discardLogf(string, ...any) {}

// replayOpts are the options of every replay: replay mode, requests to the
// server's own address named as sent to the upstream, no log line per
// request (the default of New, t.Logf, is measured apart in target 1).
func replayOpts() []replayserver.Option {
	return []replayserver.Option{
		replayserver.WithMode(replayserver.ModeReplay),
		replayserver.Upstream(upstream),
		replayserver.Logf(discardLogf),
	}
}

// mapServer is the baseline of target 1: a bare httptest.Server answering
// the same paths with the same status, headers and bytes from a Go map.
func mapServer(n, size int) *httptest.Server {
	bodies := make(map[string][]byte, n)
	for i := range n {
		bodies[itemPath(i)] = itemBody(i, size)
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := bodies[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header()["Content-Type"] = []string{"application/json"}
		w.Header()["Content-Length"] = []string{strconv.Itoa(len(body))}
		w.Write(body)
	}))
}

// dirLibrary writes (once per run) a directory library of n cassettes of
// size bytes under cfg.work and returns its path.
func dirLibrary(cfg config, n, size int) string {
	dir := filepath.Join(cfg.work, fmt.Sprintf("dir-%d-%d", n, size))
	if libraryDone[dir] {
		return dir
	}
	fmt.Fprintf(cfg.log, "bench: writing directory library of %d cassettes of %d bytes\n", n, size)
	must(writeDirLibrary(dir, n, size))
	libraryDone[dir] = true
	return dir
}

// fileLibrary writes (once per run) a single-file library (ext .json or
// .yaml) of n cassettes of size bytes and returns its path.
func fileLibrary(cfg config, n, size int, ext string) string {
	path := filepath.Join(cfg.work, fmt.Sprintf("file-%d-%d%s", n, size, ext))
	if libraryDone[path] {
		return path
	}
	fmt.Fprintf(cfg.log, "bench: writing %s library of %d cassettes\n", ext, n)
	must(writeFileLibrary(path, n, size))
	libraryDone[path] = true
	return path
}

var libraryDone = map[string]bool{}

// target1: replay over loopback costs at most 1.05× a bare map server,
// sequential and with 8 concurrent clients, for 1 KiB and 1 MiB bodies.
func target1(cfg config) []row {
	var rows []row
	for _, s := range []struct {
		name    string
		n, size int
	}{
		{"1 KiB", cfg.small, 1 << 10},
		{"1 MiB", 16, 1 << 20},
	} {
		dir := dirLibrary(cfg, s.n, s.size)
		t := newTB("target1")
		srv := replayserver.New(t, dir, replayOpts()...)
		bare := mapServer(s.n, s.size)
		cc, bc := newClient(), newClient()
		ord := order(s.n)
		cass := func(i int) error { return get(cc, srv.URL+itemPath(ord[i%s.n]), s.size) }
		base := func(i int) error { return get(bc, bare.URL+itemPath(ord[i%s.n]), s.size) }
		for i := range s.n { // every cassette read once
			must(cass(i))
		}
		for _, mode := range []struct {
			name string
			run  func(func(int) error) runFunc
		}{
			{"sequential", sequential},
			{"8 concurrent clients", func(op func(int) error) runFunc { return concurrent(8, op) }},
		} {
			ns := cfg.timer.compare(mode.run(cass), mode.run(base))
			ratio := ns[0] / ns[1]
			rows = append(rows, row{
				target:   fmt.Sprintf("1. replay over loopback, %s bodies, %s (%d cassettes)", s.name, mode.name, s.n),
				measured: fmt.Sprintf("%.2f× (Cassette %s, bare map server %s per request)", ratio, fmtNs(ns[0]), fmtNs(ns[1])),
				goal:     "≤ 1.05×",
				result:   passIf(ratio <= 1.05),
			})
		}
		cc.CloseIdleConnections()
		bc.CloseIdleConnections()
		bare.Close()
		must(t.close())
	}
	rows = append(rows, defaultLogging(cfg))
	return rows
}

// defaultLogging measures what New's default log line per request (to
// t.Logf) adds, with a real *testing.B: paired runs of testing.Benchmark,
// with the default and with a discarding Logf. It is information: the
// targets are measured without the log.
func defaultLogging(cfg config) row {
	dir := dirLibrary(cfg, cfg.small, 1<<10)
	ord := order(cfg.small)
	bench := func(extra ...replayserver.Option) func(b *testing.B) {
		return func(b *testing.B) {
			opts := append([]replayserver.Option{replayserver.WithMode(replayserver.ModeReplay), replayserver.Upstream(upstream)}, extra...)
			srv := replayserver.New(b, dir, opts...)
			c := newClient()
			defer c.CloseIdleConnections()
			i := 0
			for b.Loop() {
				if err := get(c, srv.URL+itemPath(ord[i%cfg.small]), 1<<10); err != nil {
					b.Fatal(err)
				}
				i++
			}
		}
	}
	setBenchtime(3 * cfg.timer.batch)
	var logged, quiet []float64
	for range max(cfg.timer.rounds/2, 1) {
		logged = append(logged, float64(testing.Benchmark(bench()).NsPerOp()))
		quiet = append(quiet, float64(testing.Benchmark(bench(replayserver.Logf(discardLogf))).NsPerOp()))
	}
	l, q := median(logged), median(quiet)
	return row{
		target:   "1. the same, 1 KiB sequential, with New's default log line per request (t.Logf of a *testing.B)",
		measured: fmt.Sprintf("%.2f× the run without it (%s against %s)", l/q, fmtNs(l), fmtNs(q)),
		goal:     "(targets measured without it)",
		result:   resultInfo,
	}
}

// target2: the cost of a request at cfg.big cassettes is at most 1.1× the
// cost at 100. Each request is for a cassette drawn in a fixed random order
// over the whole library, after every cassette was served once. Measured
// in process (without sockets, where a lookup cost shows most) and over
// loopback.
func target2(cfg config) []row {
	const smallN = 100
	t := newTB("target2")
	defer t.close()
	warm := func(n int, op func(int) error) runFunc {
		fmt.Fprintf(cfg.log, "bench: serving each of %d cassettes once\n", n)
		for i := range n {
			must(op(i))
		}
		return sequential(op)
	}
	inProcess := func(n int) runFunc {
		dir := dirLibrary(cfg, n, 1<<10)
		c := &http.Client{Transport: replayserver.NewTransport(t, dir, replayOpts()...)}
		ord := order(n)
		return warm(n, func(i int) error { return get(c, itemURL(ord[i%n]), 1<<10) })
	}
	loopback := func(n int) runFunc {
		dir := dirLibrary(cfg, n, 1<<10)
		srv := replayserver.New(t, dir, replayOpts()...)
		c := newClient()
		t.Cleanup(c.CloseIdleConnections)
		ord := order(n)
		return warm(n, func(i int) error { return get(c, srv.URL+itemPath(ord[i%n]), 1<<10) })
	}
	var rows []row
	for _, way := range []struct {
		name string
		run  func(n int) runFunc
	}{
		{"in process (NewTransport)", inProcess},
		{"over loopback (New)", loopback},
	} {
		ns := cfg.timer.compare(way.run(cfg.big), way.run(smallN))
		ratio := ns[0] / ns[1]
		rows = append(rows, row{
			target:   fmt.Sprintf("2. replay %s at %d cassettes against 100 (directory libraries, 1 KiB)", way.name, cfg.big),
			measured: fmt.Sprintf("%.2f× (%s against %s per request)", ratio, fmtNs(ns[0]), fmtNs(ns[1])),
			goal:     "≤ 1.1×",
			result:   passIf(ratio <= 1.1),
		})
	}
	return rows
}

// target7: the in-process replay RoundTripper answers a 1 KiB body in
// under 5 µs, through an http.Client and reading the body.
func target7(cfg config) []row {
	dir := dirLibrary(cfg, cfg.small, 1<<10)
	t := newTB("target7")
	defer t.close()
	tr := replayserver.NewTransport(t, dir, replayOpts()...)
	c := &http.Client{Transport: tr}
	ord := order(cfg.small)
	op := func(i int) error { return get(c, itemURL(ord[i%cfg.small]), 1<<10) }
	reqs := make([]*http.Request, cfg.small)
	for i := range reqs {
		reqs[i] = mustV(http.NewRequest(http.MethodGet, itemURL(i), nil))
	}
	direct := func(i int) error {
		resp, err := tr.RoundTrip(reqs[ord[i%cfg.small]])
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		return resp.Body.Close()
	}
	for i := range cfg.small {
		must(op(i))
	}
	ns := cfg.timer.compare(sequential(op), sequential(direct))
	return []row{
		{
			target:   fmt.Sprintf("7. in-process replay (NewTransport), 1 KiB body, through an http.Client (%d cassettes)", cfg.small),
			measured: fmtNs(ns[0]) + " per request",
			goal:     "< 5 µs",
			result:   passIf(ns[0] < 5000),
		},
		{
			target:   "7. the same, calling RoundTrip directly",
			measured: fmtNs(ns[1]) + " per request",
			goal:     "(the client's own cost is the difference)",
			result:   resultInfo,
		},
	}
}
