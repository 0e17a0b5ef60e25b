package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"
)

// A govcrDriver replays and loads go-vcr cassettes: the latest go-vcr in
// this process, v4.0.6 in the govcr406 program.
type govcrDriver interface {
	// open loads the cassette name.yaml of n interactions of size bytes
	// for replay.
	open(name string, n, size int) error
	// replay replays ops requests in the fixed random order of order(n).
	replay(ops int) (time.Duration, error)
	// load loads name.yaml ops times.
	load(name string, ops int) (time.Duration, error)
}

// latest drives the go-vcr this module requires. Its replay and load are
// those of govcr406/main.go: keep them in step.
type latest struct {
	client  *http.Client
	n, size int
	ord     []int
	next    int
}

func (l *latest) open(name string, n, size int) error {
	rec, err := recorder.New(name,
		recorder.WithMode(recorder.ModeReplayOnly),
		recorder.WithReplayableInteractions(true),
		recorder.WithSkipRequestLatency(true),
	)
	if err != nil {
		return err
	}
	*l = latest{client: rec.GetDefaultClient(), n: n, size: size, ord: order(n)}
	return nil
}

func (l *latest) replay(ops int) (time.Duration, error) {
	start := time.Now()
	for range ops {
		url := itemURL(l.ord[l.next%l.n])
		l.next++
		resp, err := l.client.Get(url)
		if err != nil {
			return 0, err
		}
		got, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || got != int64(l.size) {
			return 0, fmt.Errorf("GET %s: status %d, %d bytes, %v", url, resp.StatusCode, got, err)
		}
	}
	return time.Since(start), nil
}

// load collects garbage before each load, outside the time measured, so
// that every load starts from the same heap.
func (l *latest) load(name string, ops int) (time.Duration, error) {
	var el time.Duration
	for range ops {
		runtime.GC()
		start := time.Now()
		if _, err := cassette.Load(name); err != nil {
			return 0, err
		}
		el += time.Since(start)
	}
	return el, nil
}

// A sub is a driver process: the govcr406 program, or this program with
// -driver. It takes one command per line on its standard input and
// answers each with one line, "error: ..." on failure.
type sub struct {
	name string // for errors
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Scanner
}

// startSub starts a driver process.
func startSub(name string, cmd *exec.Cmd) (*sub, error) {
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(out)
	sc.Buffer(nil, 1<<20)
	return &sub{name: name, cmd: cmd, in: in, out: sc}, nil
}

// startGoVCR406 builds and starts the govcr406 program.
func startGoVCR406(cfg config) (*sub, error) {
	bin := filepath.Join(cfg.work, "govcr406.bin")
	if _, err := os.Stat(bin); err != nil {
		fmt.Fprintf(cfg.log, "bench: building %s\n", cfg.govcr406)
		build := exec.Command("go", "build", "-o", bin, ".")
		build.Dir = cfg.govcr406
		build.Env = append(os.Environ(), "GOWORK=off") // a module of its own, whatever go.work says
		if out, err := build.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("build go-vcr v4.0.6 driver in %s: %v\n%s", cfg.govcr406, err, out)
		}
	}
	return startSub("go-vcr v4.0.6 driver", exec.Command(bin))
}

func (s *sub) ask(format string, args ...any) (string, error) {
	if _, err := fmt.Fprintf(s.in, format+"\n", args...); err != nil {
		return "", fmt.Errorf("%s: %w", s.name, err)
	}
	if !s.out.Scan() {
		return "", fmt.Errorf("%s: no answer: %v", s.name, s.out.Err())
	}
	answer := s.out.Text()
	if msg, ok := strings.CutPrefix(answer, "error: "); ok {
		return "", fmt.Errorf("%s: %s", s.name, msg)
	}
	return answer, nil
}

func (s *sub) duration(format string, args ...any) (time.Duration, error) {
	a, err := s.ask(format, args...)
	if err != nil {
		return 0, err
	}
	ns, err := strconv.ParseInt(a, 10, 64)
	return time.Duration(ns), err
}

func (s *sub) open(name string, n, size int) error {
	_, err := s.ask("open %s %d %d", name, n, size)
	return err
}

func (s *sub) replay(ops int) (time.Duration, error) { return s.duration("replay %d", ops) }

func (s *sub) load(name string, ops int) (time.Duration, error) {
	return s.duration("load %s %d", name, ops)
}

func (s *sub) close() {
	s.in.Close()
	s.cmd.Wait()
}

// replayRun returns a runFunc replaying through d.
func replayRun(d govcrDriver) runFunc {
	return func(n int) time.Duration { return mustV(d.replay(n)) }
}

// govcrFile writes (once per run) the go-vcr cassette of n interactions of
// size bytes and returns its name (the path without .yaml).
func govcrFile(cfg config, n, size int) string {
	name := filepath.Join(cfg.work, fmt.Sprintf("govcr-%d-%d", n, size))
	generate(cfg, name, func() error {
		fmt.Fprintf(cfg.log, "bench: writing go-vcr cassette of %d interactions\n", n)
		return writeGoVCR(name, n, size)
	})
	return name
}

// target3: the in-process replay transport is faster than go-vcr v4.0.6
// at every size, and at least 100× faster than the latest go-vcr v4 at
// 10,000 interactions. Cassette replays a single JSON file (as go-vcr
// replays one YAML file); every request is for an exchange drawn in a
// fixed random order, through an http.Client on both sides.
func target3(cfg config) []row {
	v406 := mustV(startGoVCR406(cfg))
	defer v406.close()
	var rows []row
	for _, n := range cfg.sizes {
		path := fileLibrary(cfg, n, 1<<10, ".json")
		name := govcrFile(cfg, n, 1<<10)
		t := newTB("target3")
		c := &http.Client{Transport: replayserver.NewTransport(t, path, replayOpts()...)}
		ord := order(n)
		cass := sequential(func(i int) error { return get(c, itemURL(ord[i%n]), 1<<10) })
		for i := range n {
			must(get(c, itemURL(i), 1<<10))
		}
		l := &latest{}
		must(l.open(name, n, 1<<10))
		must(v406.open(name, n, 1<<10))
		fmt.Fprintf(cfg.log, "bench: replaying %d exchanges\n", n)
		cmp := cfg.timer.compare(cass, replayRun(v406), replayRun(l))
		must(t.close())
		r406, rLatest := cmp.ratio(1, 0), cmp.ratio(2, 0)
		rows = append(rows, row{
			target:   fmt.Sprintf("3. in-process replay, %d exchanges: go-vcr v4.0.6 time / Cassette time", n),
			measured: fmt.Sprintf("%.1f× (Cassette %s, go-vcr v4.0.6 %s per request)", r406, fmtNs(cmp.ns(0)), fmtNs(cmp.ns(1))),
			goal:     "> 1× (Cassette faster)",
			result:   passIf(r406 > 1),
		})
		latestRow := row{
			target:   fmt.Sprintf("3. in-process replay, %d exchanges: go-vcr latest (v4.0.7) time / Cassette time", n),
			measured: fmt.Sprintf("%.0f× (go-vcr v4.0.7 %s per request)", rLatest, fmtNs(cmp.ns(2))),
			goal:     "(≥ 100× at 10,000)",
			result:   resultInfo,
		}
		if n == 10000 {
			latestRow.goal = "≥ 100×"
			latestRow.result = passIf(rLatest >= 100)
		}
		rows = append(rows, latestRow)
	}
	return rows
}

// target4: a directory library of cfg.big cassettes is ready to serve in
// under 1 s; a single JSON file of cfg.decodeN exchanges decodes at least
// 3× faster than go-vcr loads the same exchanges from its YAML, and a YAML
// file at least as fast.
func target4(cfg config) []row {
	var rows []row

	// Ready to serve: New on the directory, then the first request
	// answered, a different cassette each run.
	dir := dirLibrary(cfg, cfg.big, 1<<10)
	var opens []float64
	var heap []float64
	for run := range max(cfg.loads, 3) {
		t := newTB("target4")
		c := newClient()
		before := heapInuse()
		start := time.Now()
		srv := replayserver.New(t, dir, replayOpts()...)
		must(get(c, srv.URL+itemPath((run*7919)%cfg.big), 1<<10))
		opens = append(opens, float64(time.Since(start)))
		heap = append(heap, float64(heapInuse())-float64(before))
		c.CloseIdleConnections()
		must(t.close())
	}
	open := median(opens)
	rows = append(rows, row{
		target:   fmt.Sprintf("4. a directory library of %d cassettes ready to serve (New, then the first request answered)", cfg.big),
		measured: fmt.Sprintf("%s (heap in use grew by %s)", fmtNs(open), fmtBytes(median(heap))),
		goal:     "< 1 s",
		result:   passIf(open < float64(time.Second)),
	})

	// Decoding a single file, against go-vcr loading its YAML.
	jsonPath := fileLibrary(cfg, cfg.decodeN, 1<<10, ".json")
	yamlPath := fileLibrary(cfg, cfg.decodeN, 1<<10, ".yaml")
	name := govcrFile(cfg, cfg.decodeN, 1<<10)
	v406 := mustV(startGoVCR406(cfg))
	defer v406.close()
	l := &latest{}
	touch := time.Now()
	decode := func(path string) runFunc {
		return func(n int) time.Duration {
			var el time.Duration
			for range n {
				// A new modification time: the process cache of package
				// library must not answer.
				touch = touch.Add(time.Second)
				must(os.Chtimes(path, touch, touch))
				runtime.GC() // as before each go-vcr load
				start := time.Now()
				lib := mustV(library.Open(path))
				names := mustV(lib.Names())
				el += time.Since(start)
				if len(names) != cfg.decodeN {
					must(fmt.Errorf("%s: %d cassettes, want %d", path, len(names), cfg.decodeN))
				}
			}
			return el
		}
	}
	load := func(d govcrDriver) runFunc {
		return func(n int) time.Duration { return mustV(d.load(name, n)) }
	}
	fmt.Fprintf(cfg.log, "bench: decoding %d exchanges\n", cfg.decodeN)
	tm := timer{batch: cfg.timer.batch, rounds: cfg.loads}
	cmp := tm.compare(decode(jsonPath), decode(yamlPath), load(v406), load(l))
	best, which := 2, "v4.0.6"
	if cmp.ns(3) < cmp.ns(2) {
		best, which = 3, "v4.0.7"
	}
	rJSON, rYAML := cmp.ratio(best, 0), cmp.ratio(best, 1)
	rows = append(rows,
		row{
			target:   fmt.Sprintf("4. decode a single JSON file of %d exchanges: go-vcr load time / Cassette decode time", cfg.decodeN),
			measured: fmt.Sprintf("%.2f× (Cassette JSON %s; go-vcr YAML v4.0.6 %s, v4.0.7 %s; against the faster, %s)", rJSON, fmtNs(cmp.ns(0)), fmtNs(cmp.ns(2)), fmtNs(cmp.ns(3)), which),
			goal:     "≥ 3×",
			result:   passIf(rJSON >= 3),
		},
		row{
			target:   fmt.Sprintf("4. decode a single YAML file of %d exchanges: go-vcr load time / Cassette decode time", cfg.decodeN),
			measured: fmt.Sprintf("%.2f× (Cassette YAML %s)", rYAML, fmtNs(cmp.ns(1))),
			goal:     "≥ 1×",
			result:   passIf(rYAML >= 1),
		},
	)
	return rows
}
