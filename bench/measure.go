package main

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A runFunc does n operations and returns how long they took.
type runFunc func(n int) time.Duration

// A timer measures contenders in interleaved batches: each round runs one
// batch of every contender, the order turning from round to round, so that
// a change of machine load hits both sides of a ratio alike. A contender's
// cost is the median of its batches, which also drops batches hit by a
// stall (another process, a GC cycle).
type timer struct {
	batch  time.Duration // target duration of one batch
	rounds int           // batches per contender
}

// calibrate returns how many operations of run take about t.batch.
func (t timer) calibrate(run runFunc) int {
	n := 1
	for {
		el := run(n)
		if el >= t.batch/8 || n >= 1<<30 {
			k := int(float64(n) * float64(t.batch) / float64(max(el, time.Microsecond)))
			return max(k, 1)
		}
		n *= 4
	}
}

// A comparison holds the batches of contenders measured together: the
// nanoseconds per operation of each batch, by contender and round.
type comparison struct{ samples [][]float64 }

// ns returns the median nanoseconds per operation of contender i.
func (c comparison) ns(i int) float64 { return median(c.samples[i]) }

// ratio returns the median over rounds of the cost of contender i over
// that of contender j in the same round: batches run back to back share
// the load of the machine.
func (c comparison) ratio(i, j int) float64 {
	rs := make([]float64, len(c.samples[i]))
	for r := range rs {
		rs[r] = c.samples[i][r] / c.samples[j][r]
	}
	return median(rs)
}

// compare measures the contenders in interleaved batches.
func (t timer) compare(runs ...runFunc) comparison {
	ns := make([]int, len(runs))
	for i, r := range runs {
		ns[i] = t.calibrate(r)
	}
	samples := make([][]float64, len(runs))
	for round := range t.rounds {
		for k := range runs {
			i := (k + round) % len(runs)
			el := runs[i](ns[i])
			samples[i] = append(samples[i], float64(el.Nanoseconds())/float64(ns[i]))
		}
	}
	return comparison{samples}
}

func median(s []float64) float64 {
	s = slices.Clone(s)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// sequential returns a runFunc calling op(i) for i in 0..n-1 in turn.
func sequential(op func(i int) error) runFunc {
	next := 0
	return func(n int) time.Duration {
		start := time.Now()
		for range n {
			must(op(next))
			next++
		}
		return time.Since(start)
	}
}

// concurrent returns a runFunc running n calls of op spread over workers
// goroutines: workers concurrent clients.
func concurrent(workers int, op func(i int) error) runFunc {
	var next atomic.Int64
	return func(n int) time.Duration {
		var (
			done atomic.Int64
			wg   sync.WaitGroup
			errs = make(chan error, workers)
		)
		start := time.Now()
		for range workers {
			wg.Go(func() {
				for done.Add(1) <= int64(n) {
					if err := op(int(next.Add(1))); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		el := time.Since(start)
		close(errs)
		must(<-errs)
		return el
	}
}

// A failure aborts the measurement of one target; run turns it into an
// error row.
type failure struct{ err error }

func must(err error) {
	if err != nil {
		panic(failure{err})
	}
}

func mustV[T any](v T, err error) T {
	must(err)
	return v
}

// tb is the testing.TB that replayserver.New, NewTransport and
// recorder.New are given outside of a test: logs are dropped, errors end
// the measurement, cleanups run at close.
type tb struct {
	testing.TB // nil: methods not below are not used by the product
	name       string
	mu         sync.Mutex
	cleanups   []func()
	errs       []string
}

func newTB(name string) *tb { return &tb{name: name} }

func (t *tb) Helper()                           {}
func (t *tb) Name() string                      { return t.name }
func (t *tb) Log(args ...any)                   {}
func (t *tb) Logf(format string, args ...any)   {}
func (t *tb) Error(args ...any)                 { t.fail(fmt.Sprint(args...)) }
func (t *tb) Errorf(format string, args ...any) { t.fail(fmt.Sprintf(format, args...)) }
func (t *tb) Fatal(args ...any)                 { t.fail(fmt.Sprint(args...)); panic(failure{t.err()}) }
func (t *tb) Fatalf(format string, args ...any) {
	t.fail(fmt.Sprintf(format, args...))
	panic(failure{t.err()})
}
func (t *tb) Failed() bool { t.mu.Lock(); defer t.mu.Unlock(); return len(t.errs) > 0 }
func (t *tb) Cleanup(f func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.cleanups = append(t.cleanups, f)
}
func (t *tb) TempDir() string { return mustV(os.MkdirTemp("", "cassette-bench-")) }
func (t *tb) Setenv(key, value string) {
	must(os.Setenv(key, value))
}

func (t *tb) fail(msg string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.errs = append(t.errs, msg)
}

func (t *tb) err() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.errs) == 0 {
		return nil
	}
	return fmt.Errorf("%s: %s", t.name, t.errs[0])
}

// close runs the cleanups, last first, and returns the first error
// reported.
func (t *tb) close() error {
	t.mu.Lock()
	cs := t.cleanups
	t.cleanups = nil
	t.mu.Unlock()
	for i := len(cs) - 1; i >= 0; i-- {
		cs[i]()
	}
	return t.err()
}

func fmtNs(ns float64) string {
	d := time.Duration(ns)
	switch {
	case d < time.Microsecond:
		return fmt.Sprintf("%.0f ns", ns)
	case d < time.Millisecond:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	case d < time.Second:
		return fmt.Sprintf("%.1f ms", ns/1e6)
	}
	return fmt.Sprintf("%.2f s", ns/1e9)
}

func fmtBytes(b float64) string {
	if b >= 1<<30 && int64(b)%(1<<30) == 0 {
		return fmt.Sprintf("%.0f GiB", b/(1<<30))
	}
	return fmt.Sprintf("%.0f MiB", b/(1<<20))
}

// setBenchtime sets the duration testing.Benchmark runs for.
func setBenchtime(d time.Duration) {
	if f := flag.Lookup("test.benchtime"); f != nil {
		must(f.Value.Set(d.String()))
	}
}
