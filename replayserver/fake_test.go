package replayserver_test

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// fakeTB is a testing.TB whose failures are observed instead of failing
// the real test. Cleanups run when finish is called.
type fakeTB struct {
	testing.TB // the real test, for Logf, TempDir and Name

	mu       sync.Mutex // guards the fields below
	errs     []string
	logs     []string // what was logged before the end
	fatal    bool
	skipped  bool
	cleanups []func()
	ended    bool     // finish has run
	late     []string // what was logged or reported after the end
}

func newFakeTB(t *testing.T) *fakeTB { return &fakeTB{TB: t} }

func (f *fakeTB) Helper() {}

// Logf logs to the real test; after finish it notes the call, which on a
// real test panics the test binary.
func (f *fakeTB) Logf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ended {
		f.late = append(f.late, "Logf: "+fmt.Sprintf(format, args...))
		return
	}
	f.logs = append(f.logs, fmt.Sprintf(format, args...))
	f.TB.Logf(format, args...)
}

// logged returns what was logged before finish ended, joined.
func (f *fakeTB) logged() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.logs, "\n")
}

func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ended {
		f.late = append(f.late, "Errorf: "+fmt.Sprintf(format, args...))
		return
	}
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.mu.Lock()
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
	f.fatal = true
	f.mu.Unlock()
	runtime.Goexit()
}

func (f *fakeTB) SkipNow() {
	f.mu.Lock()
	f.skipped = true
	f.mu.Unlock()
	runtime.Goexit()
}

func (f *fakeTB) Skip(args ...any) { f.SkipNow() }

func (f *fakeTB) Skipf(format string, args ...any) { f.SkipNow() }

func (f *fakeTB) Skipped() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.skipped
}

func (f *fakeTB) Cleanup(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cleanups = append(f.cleanups, fn)
}

func (f *fakeTB) Failed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.errs) > 0
}

// do runs fn in its own goroutine, as the testing package runs a test, so
// that Fatalf can stop it; it reports whether fn ran to its end.
func (f *fakeTB) do(fn func()) (completed bool) {
	done := make(chan bool)
	go func() {
		ok := false
		defer func() { done <- ok }()
		fn()
		ok = true
	}()
	return <-done
}

// finish runs the cleanups, last registered first.
func (f *fakeTB) finish() {
	f.mu.Lock()
	cs := f.cleanups
	f.cleanups = nil
	f.mu.Unlock()
	for i := len(cs) - 1; i >= 0; i-- {
		f.do(cs[i])
	}
	f.mu.Lock()
	f.ended = true
	f.mu.Unlock()
}

// lateCalls returns what was logged or reported after finish, joined.
func (f *fakeTB) lateCalls() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.late, "\n")
}

// errors returns every failure reported so far, joined.
func (f *fakeTB) errors() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.errs, "\n")
}
