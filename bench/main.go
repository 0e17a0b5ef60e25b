// Command bench measures Cassette against the performance targets of
// issue 5 and against go-vcr, and prints a markdown report: a table of the
// measured ratios with the target beside each.
//
// Run it from this folder (it is a module of its own, so that go-vcr stays
// out of Cassette's go.mod):
//
//	go run . -n 100,1000,10000 > RESULTS.md
//
// It generates the exchanges (GET https://api.example.com/v1/items/I
// answered with a JSON body), writes them as Cassette libraries and as
// go-vcr cassettes, and times both on this machine. Ratios are measured
// in one run, the contenders of a ratio interleaved batch by batch, so that
// machine noise cancels. go-vcr v4.0.6 is measured by the module in
// govcr406/, which the program builds and drives (one module cannot
// require two versions of go-vcr); the latest go-vcr v4 in process.
//
// Flags reduce the work: -big and -mem size the 100,000-cassette and
// 1 GiB libraries, -targets picks targets, -short runs a smoke test.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// config is what a run measures.
type config struct {
	sizes    []int // go-vcr comparison sizes (target 3)
	small    int   // cassettes of the libraries of targets 1 and 7, and the small library of target 2
	big      int   // cassettes of the large directory library (targets 2 and 4)
	decodeN  int   // exchanges of the files decoded in target 4
	memTotal int64 // total body bytes of the library of target 5
	huge     int64 // bytes of the response recorded and replayed in target 5
	timer    timer
	loads    int    // rounds of the decode comparison
	work     string // folder for the generated libraries
	govcr406 string // folder of the go-vcr v4.0.6 module
	targets  map[int]bool
	isolate  bool      // run each target in a process of its own
	args     []string  // the command line, for those processes
	log      io.Writer // progress
}

func defaultConfig() config {
	return config{
		sizes:    []int{100, 1000, 10000},
		small:    1000,
		big:      100000,
		decodeN:  10000,
		memTotal: 1 << 30,
		huge:     1 << 30,
		timer:    timer{batch: 50 * time.Millisecond, rounds: 21},
		loads:    7,
		govcr406: sourceDir("govcr406"),
		targets:  map[int]bool{1: true, 2: true, 3: true, 4: true, 5: true, 6: true, 7: true},
		isolate:  true,
		log:      os.Stderr,
	}
}

// shortConfig is a smoke run: every measurement, on tiny inputs.
func shortConfig() config {
	c := defaultConfig()
	c.sizes = []int{10, 50}
	c.small = 50
	c.big = 300
	c.decodeN = 100
	c.memTotal = 4 << 20
	c.huge = 4 << 20
	c.timer = timer{batch: 5 * time.Millisecond, rounds: 3}
	c.loads = 2
	return c
}

// sourceDir returns the folder elem beside this source file.
func sourceDir(elem string) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(file) { // -trimpath: relative to the working directory
		return elem
	}
	return filepath.Join(filepath.Dir(file), elem)
}

func main() { os.Exit(bench()) }

// bench is the program; it returns the exit status, after its deferred
// cleanups ran.
func bench() int {
	cfg := defaultConfig()
	var (
		short   = flag.Bool("short", false, "smoke run: tiny libraries and batches (numbers meaningless)")
		sizes   = flag.String("n", "100,1000,10000", "numbers of exchanges compared with go-vcr (target 3)")
		targets = flag.String("targets", "1,2,3,4,5,6,7", "targets to measure")
		work    = flag.String("work", "", "folder for the generated libraries (default: a temporary folder, removed)")
		isolate = flag.Bool("isolate", true, "measure each target in a process of its own, so that what one leaves in the heap does not weigh on the next")
		child   = flag.Int("child", 0, "measure this target and print its rows as JSON lines (used by -isolate)")
		driver  = flag.Bool("driver", false, "replay a library on commands read from standard input (used by target 2)")
		cpuprof = flag.String("cpuprofile", "", "write a CPU profile of the measurements to this file (use with -isolate=false; target 2's libraries are replayed in driver processes all the same)")
	)
	big := flag.Int("big", cfg.big, "cassettes of the large directory library (targets 2 and 4)")
	decodeN := flag.Int("decode", cfg.decodeN, "exchanges of the single files decoded in target 4")
	memMiB := flag.Int64("mem", cfg.memTotal>>20, "MiB of bodies in the directory library served in target 5 (1 MiB each)")
	hugeMiB := flag.Int64("huge", cfg.huge>>20, "MiB of the response recorded and replayed in target 5")
	batch := flag.Duration("batch", cfg.timer.batch, "duration of one timed batch")
	rounds := flag.Int("rounds", cfg.timer.rounds, "batches per contender; the median is kept")
	govcr406 := flag.String("govcr406", cfg.govcr406, "folder of the go-vcr v4.0.6 module")
	testing.Init() // for testing.Benchmark, used in target 1
	flag.Parse()
	if *driver {
		replayDriver()
		return 0
	}

	if *short {
		cfg = shortConfig()
	} else {
		cfg.big, cfg.decodeN = *big, *decodeN
		cfg.memTotal, cfg.huge = *memMiB<<20, *hugeMiB<<20
		cfg.timer = timer{batch: *batch, rounds: *rounds}
		var err error
		if cfg.sizes, err = parseInts(*sizes); err != nil {
			fatalf("-n: %v", err)
		}
	}
	cfg.govcr406 = *govcr406
	cfg.isolate, cfg.args = *isolate, os.Args[1:]
	ts, err := parseInts(*targets)
	if err != nil {
		fatalf("-targets: %v", err)
	}
	cfg.targets = map[int]bool{}
	for _, t := range ts {
		cfg.targets[t] = true
	}
	cfg.work = *work
	if cfg.work == "" {
		dir, err := os.MkdirTemp("", "cassette-bench-")
		if err != nil {
			fatalf("%v", err)
		}
		defer os.RemoveAll(dir)
		cfg.work = dir
	} else if err := os.MkdirAll(cfg.work, 0o755); err != nil {
		fatalf("%v", err)
	}

	if *child != 0 {
		cfg.targets = map[int]bool{*child: true}
		cfg.isolate = false
		enc := json.NewEncoder(os.Stdout)
		for _, r := range run(cfg) {
			must(enc.Encode([]string{r.target, r.measured, r.goal, r.result}))
		}
		return 0
	}

	if *cpuprof != "" {
		f, err := os.Create(*cpuprof)
		if err != nil {
			fatalf("%v", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fatalf("%v", err)
		}
		defer func() {
			pprof.StopCPUProfile()
			f.Close()
		}()
	}
	start := time.Now()
	load := loadAverage()
	rows := run(cfg)
	fmt.Printf("%s; load average %s at the start, %s at the end.\n\n", machine(start), load, loadAverage())
	writeReport(os.Stdout, cfg, rows, strings.Join(os.Args[1:], " "), time.Since(start))
	for _, r := range rows {
		if r.result == resultError {
			fmt.Fprintln(os.Stderr, "bench: some targets could not be measured")
			return 1
		}
	}
	return 0
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
	os.Exit(2)
}

func parseInts(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		n, err := strconv.Atoi(strings.ReplaceAll(f, "_", ""))
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// A row is a line of the table.
type row struct {
	target   string
	measured string
	goal     string
	result   string
}

const (
	resultPass         = "PASS"
	resultFail         = "**FAIL**"
	resultInfo         = "info"
	resultNotSupported = "not supported"
	resultError        = "error"
)

func passIf(ok bool) string {
	if ok {
		return resultPass
	}
	return resultFail
}

// run measures the targets cfg asks for, in order.
func run(cfg config) []row {
	steps := []struct {
		target int
		name   string
		f      func(config) []row
	}{
		{1, "replay over loopback against a bare map server", target1},
		{2, "cost of a request against library size", target2},
		{3, "in-process replay against go-vcr", target3},
		{4, "opening and decoding", target4},
		{5, "memory", target5},
		{6, "recording", target6},
		{7, "in-process replay transport", target7},
	}
	var rows []row
	for _, s := range steps {
		if !cfg.targets[s.target] {
			continue
		}
		fmt.Fprintf(cfg.log, "bench: target %d: %s\n", s.target, s.name)
		t0 := time.Now()
		if cfg.isolate {
			rows = append(rows, guard(s.target, s.name, func() []row { return runChild(cfg, s.target) })...)
		} else {
			rows = append(rows, guard(s.target, s.name, func() []row { return s.f(cfg) })...)
		}
		fmt.Fprintf(cfg.log, "bench: target %d done in %s\n", s.target, time.Since(t0).Round(time.Millisecond))
		runtime.GC()
		debug.FreeOSMemory()
	}
	return rows
}

// runChild measures target in a new process of this program and returns
// its rows.
func runChild(cfg config, target int) []row {
	exe := mustV(os.Executable())
	args := append(slices.Clone(cfg.args), "-work", cfg.work, "-child", strconv.Itoa(target))
	cmd := exec.Command(exe, args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		must(fmt.Errorf("target %d: %v", target, err))
	}
	var rows []row
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var f []string
		must(dec.Decode(&f))
		if len(f) != 4 {
			must(fmt.Errorf("target %d: bad row %q", target, f))
		}
		rows = append(rows, row{f[0], f[1], f[2], f[3]})
	}
	return rows
}

// guard runs f, turning a failure into an error row.
func guard(target int, name string, f func() []row) (rows []row) {
	defer func() {
		if v := recover(); v != nil {
			fl, ok := v.(failure)
			if !ok {
				panic(v)
			}
			rows = append(rows, row{
				target:   fmt.Sprintf("%d. %s", target, name),
				measured: strings.ReplaceAll(fl.err.Error(), "\n", " "),
				goal:     "",
				result:   resultError,
			})
		}
	}()
	return f()
}

// machine describes the run: when, on what.
func machine(start time.Time) string {
	cpu := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("%s, %d CPUs (%s), GOMAXPROCS %d, %s %s/%s",
		start.UTC().Format("2006-01-02 15:04 UTC"), runtime.NumCPU(), cpu, runtime.GOMAXPROCS(0), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// loadAverage returns the 1-minute load average, or "?": other processes
// on the machine are noise that interleaving cancels only in part.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(data))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

// writeReport writes the markdown report.
func writeReport(w io.Writer, cfg config, rows []row, args string, took time.Duration) {
	fmt.Fprintf(w, "| target | measured | goal | result |\n| --- | --- | --- | --- |\n")
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", r.target, r.measured, r.goal, r.result)
	}
	fmt.Fprintf(w, "\n`bench %s`: %d cassettes small, %d large, %s of bodies in target 5, a %s response in target 5, go-vcr sizes %v, batches of %s, median of %d; took %s.\n",
		args, cfg.small, cfg.big, fmtBytes(float64(cfg.memTotal)), fmtBytes(float64(cfg.huge)), cfg.sizes, cfg.timer.batch, cfg.timer.rounds, took.Round(time.Second))
}
