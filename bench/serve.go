package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cassette-go/cassette/library"
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

// fresh returns r closing the idle connections of clients before each
// batch. How fast a loopback connection carries a large body depends on
// its state (TCP buffers tune themselves as it goes): with connections
// kept for a whole run, two identical servers differ by up to 2×. Each
// batch of each contender starts with new connections instead.
func fresh(r runFunc, clients ...interface{ CloseIdleConnections() }) runFunc {
	return func(n int) time.Duration {
		for _, c := range clients {
			c.CloseIdleConnections()
		}
		return r(n)
	}
}

func discardLogf(string, ...any) {}

// replayOpts are the options of every replay: replay mode, requests to the
// server's own address named as sent to the upstream, no log line per
// request (the default of New, t.Logf, is measured apart in target 1).
func replayOpts() []replayserver.Option {
	return append(replayOptsNoUpstream(), replayserver.Upstream(upstream))
}

// replayOptsNoUpstream is replayOpts without the upstream: a request to
// the server's own address gets a cassette recorded from any host.
func replayOptsNoUpstream() []replayserver.Option {
	return []replayserver.Option{
		replayserver.WithMode(replayserver.ModeReplay),
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
	generate(cfg, dir, func() error {
		fmt.Fprintf(cfg.log, "bench: writing directory library of %d cassettes of %d bytes\n", n, size)
		return writeDirLibrary(dir, n, size)
	})
	return dir
}

// fileLibrary writes (once per run) a single-file library (ext .json or
// .yaml) of n cassettes of size bytes and returns its path.
func fileLibrary(cfg config, n, size int, ext string) string {
	path := filepath.Join(cfg.work, fmt.Sprintf("file-%d-%d%s", n, size, ext))
	generate(cfg, path, func() error {
		fmt.Fprintf(cfg.log, "bench: writing %s library of %d cassettes\n", ext, n)
		return writeFileLibrary(path, n, size)
	})
	return path
}

// generate runs write to make path, unless an earlier target of the run
// (maybe in another process) made it: a marker file in cfg.work says so.
func generate(cfg config, path string, write func() error) {
	marker := filepath.Join(cfg.work, ".done-"+filepath.Base(path))
	if _, err := os.Stat(marker); err == nil {
		return
	}
	must(write())
	must(os.WriteFile(marker, nil, 0o644))
}

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
			cmp := cfg.timer.compare(fresh(mode.run(cass), cc), fresh(mode.run(base), bc))
			ratio := cmp.ratio(0, 1)
			rows = append(rows, row{
				target:   fmt.Sprintf("1. replay over loopback, %s bodies, %s (%d cassettes)", s.name, mode.name, s.n),
				measured: fmt.Sprintf("%.2f× (Cassette %s, bare map server %s per request)", ratio, fmtNs(cmp.ns(0)), fmtNs(cmp.ns(1))),
				goal:     "≤ 1.05×",
				result:   passIf(ratio <= 1.05),
			})
		}
		cc.CloseIdleConnections()
		bc.CloseIdleConnections()
		bare.Close()
		must(t.close())
		rows = append(rows, noiseFloor(cfg, s.name, s.n, s.size))
	}
	rows = append(rows, defaultLogging(cfg))
	return rows
}

// noiseFloor compares the bare map server with a second one, as target 1
// compares Cassette with it: the ratio tells how precise a ratio of this
// run is (1.00× on a quiet machine).
func noiseFloor(cfg config, name string, n, size int) row {
	a, b := mapServer(n, size), mapServer(n, size)
	defer a.Close()
	defer b.Close()
	ac, bc := newClient(), newClient()
	defer ac.CloseIdleConnections()
	defer bc.CloseIdleConnections()
	ord := order(n)
	cmp := cfg.timer.compare(
		fresh(sequential(func(i int) error { return get(ac, a.URL+itemPath(ord[i%n]), size) }), ac),
		fresh(sequential(func(i int) error { return get(bc, b.URL+itemPath(ord[i%n]), size) }), bc),
	)
	return row{
		target:   fmt.Sprintf("1. noise floor: a bare map server against another, %s bodies, sequential", name),
		measured: fmt.Sprintf("%.2f× (%s against %s per request)", cmp.ratio(0, 1), fmtNs(cmp.ns(0)), fmtNs(cmp.ns(1))),
		goal:     "(1.00× on a quiet machine)",
		result:   resultInfo,
	}
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
// loopback. Each library is replayed in a process of its own (a driver,
// see replayDriver), so that the cost of a large library in the heap (the
// garbage collector marks it) counts against it alone.
func target2(cfg config) []row {
	const smallN = 100
	var rows []row
	for _, way := range []struct{ name, kind string }{
		{"in process (NewTransport)", "transport"},
		{"over loopback (New)", "loopback"},
		{"over loopback (New without Upstream: each request gets the cassette of another host)", "loopback-anyhost"},
		{"floor", "baremap"},
		{"in process (NewTransport), the same 100 requests", "transport-hot"},
		{"over loopback (New), the same 100 requests", "loopback-hot"},
	} {
		big, closeBig := replayer(cfg, way.kind, cfg.big)
		small, closeSmall := replayer(cfg, way.kind, smallN)
		cmp := cfg.timer.compare(big, small)
		closeBig()
		closeSmall()
		ratio := cmp.ratio(0, 1)
		r := row{
			target:   fmt.Sprintf("2. replay %s at %d cassettes against 100 (directory libraries, 1 KiB)", way.name, cfg.big),
			measured: fmt.Sprintf("%.2f× (%s against %s per request)", ratio, fmtNs(cmp.ns(0)), fmtNs(cmp.ns(1))),
			goal:     "≤ 1.1×",
			result:   passIf(ratio <= 1.1),
		}
		if strings.HasSuffix(way.kind, "-hot") {
			// The lookup alone: the same requests (so the same memory)
			// against a library of each size.
			r.target = fmt.Sprintf("2. replay %s at %d cassettes against 100 (lookups in a larger library, the working set alike)", way.name, cfg.big)
			r.goal, r.result = "(≤ 1.1×: the lookup is O(1))", resultInfo
		}
		if way.kind == "baremap" {
			// What the hardware alone charges for a larger working set.
			r.target = fmt.Sprintf("2. floor: a bare map RoundTripper (no Cassette) at %d cassettes against 100, in process", cfg.big)
			r.goal, r.result = "(what a larger working set costs any code)", resultInfo
		}
		rows = append(rows, r)
	}
	return rows
}

// replayer returns a runFunc replaying the directory library of n
// cassettes of 1 KiB, kind "transport" or "loopback", in a driver process
// when cfg.isolate, else in this one.
func replayer(cfg config, kind string, n int) (runFunc, func()) {
	dir := dirLibrary(cfg, n, 1<<10)
	if !cfg.isolate {
		t := newTB("target2")
		return openReplay(cfg.log, t, kind, dir, n), func() { must(t.close()) }
	}
	s := mustV(startSub("replay driver", exec.Command(mustV(os.Executable()), "-driver")))
	mustV(s.ask("open %s %s %d", kind, dir, n))
	return func(ops int) time.Duration { return mustV(s.duration("replay %d", ops)) }, s.close
}

// openReplay opens the directory library dir of n cassettes of 1 KiB for
// replay (kind "transport": NewTransport; "loopback": New; "baremap": a
// bare map RoundTripper) and serves every cassette once. Requests then
// walk the whole library in a fixed random order, or with the kind's
// suffix "-hot" only its first 100 cassettes (in a library of 100: all).
func openReplay(log io.Writer, t *tb, kind, dir string, n int) runFunc {
	var op func(i int) error
	var c *http.Client
	ord := order(n)
	at := func(i int) int { return ord[i%n] }
	kind, hot := strings.CutSuffix(kind, "-hot")
	switch kind {
	case "transport":
		c = &http.Client{Transport: replayserver.NewTransport(t, dir, replayOpts()...)}
		op = func(i int) error { return get(c, itemURL(at(i)), 1<<10) }
	case "baremap":
		c = &http.Client{Transport: newBareMap(dir)}
		op = func(i int) error { return get(c, itemURL(at(i)), 1<<10) }
	case "loopback", "loopback-anyhost":
		opts := replayOpts()
		if kind == "loopback-anyhost" {
			// The requests name the server's own address, the cassettes
			// api.example.com: each is found by its name without host.
			opts = replayOptsNoUpstream()
		}
		srv := replayserver.New(t, dir, opts...)
		c = newClient()
		t.Cleanup(c.CloseIdleConnections)
		op = func(i int) error { return get(c, srv.URL+itemPath(at(i)), 1<<10) }
	default:
		must(fmt.Errorf("unknown kind of replay %q", kind))
	}
	fmt.Fprintf(log, "bench: serving each of %d cassettes once\n", n)
	for i := range n {
		must(op(i))
	}
	if hot {
		hotN := min(n, hotSet)
		hotOrd := order(hotN)
		at = func(i int) int { return hotOrd[i%hotN] }
	}
	return fresh(sequential(op), c)
}

// hotSet is the number of cassettes the "-hot" replays of target 2 ask
// for: the same requests whatever the size of the library.
const hotSet = 100

// replayDriver is the -driver mode: it replays one library on commands
// read from standard input, answering each with one line:
//
//	open KIND DIR N   open the library (see openReplay); answers "ok"
//	replay OPS        replay OPS requests; answers the nanoseconds
func replayDriver() {
	in := bufio.NewScanner(os.Stdin)
	t := newTB("driver")
	defer t.close()
	var run runFunc
	for in.Scan() {
		answer, err := func() (answer string, err error) {
			defer func() {
				if v := recover(); v != nil {
					fl, ok := v.(failure)
					if !ok {
						panic(v)
					}
					err = fl.err
				}
			}()
			f := strings.Fields(in.Text())
			switch {
			case len(f) == 4 && f[0] == "open":
				run = openReplay(os.Stderr, t, f[1], f[2], mustV(strconv.Atoi(f[3])))
				return "ok", nil
			case len(f) == 2 && f[0] == "replay" && run != nil:
				return strconv.FormatInt(run(mustV(strconv.Atoi(f[1]))).Nanoseconds(), 10), nil
			}
			return "", fmt.Errorf("bad command %q", in.Text())
		}()
		if err != nil {
			fmt.Printf("error: %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
			continue
		}
		fmt.Println(answer)
	}
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
	cmp := cfg.timer.compare(sequential(op), sequential(direct))
	return []row{
		{
			target:   fmt.Sprintf("7. in-process replay (NewTransport), 1 KiB body, through an http.Client (%d cassettes)", cfg.small),
			measured: fmtNs(cmp.ns(0)) + " per request",
			goal:     "< 5 µs",
			result:   passIf(cmp.ns(0) < 5000),
		},
		{
			target:   "7. the same, calling RoundTrip directly",
			measured: fmtNs(cmp.ns(1)) + " per request",
			goal:     "(the client's own cost is the difference)",
			result:   resultInfo,
		},
	}
}

// bareMap is the floor of target 2 in process: a RoundTripper answering
// from a Go map of the recorded responses by URL, copying the header as
// NewTransport does, with nothing else (no naming, hit tracking, files).
type bareMap map[string]*library.Response

// newBareMap reads every cassette of the directory library dir into a
// bareMap.
func newBareMap(dir string) bareMap {
	lib := mustV(library.Open(dir))
	m := bareMap{}
	for _, name := range mustV(lib.Names()) {
		c, ok, err := lib.Get(name)
		if !ok {
			must(fmt.Errorf("bare map: cassette %s: %v", name, err))
		}
		ex := c.Exchanges[0]
		m[ex.Request.URL] = &ex.Response
	}
	return m
}

func (m bareMap) RoundTrip(req *http.Request) (*http.Response, error) {
	r := m[req.URL.String()]
	if r == nil {
		return nil, fmt.Errorf("bare map: no %s", req.URL)
	}
	return &http.Response{
		StatusCode:    r.StatusCode,
		Header:        r.Header.Clone(),
		Body:          io.NopCloser(bytes.NewReader(r.Body)),
		ContentLength: int64(len(r.Body)),
		Request:       req,
	}, nil
}
