// Package testlog sends what a server or transport made for a test logs,
// and the failures it reports, to that test while it runs, and to the
// standard logger once it has ended. Calling a testing.TB's Logf or Errorf
// after its test ended panics the test binary; a goroutine the test
// started (a round trip still reading a request body, a server handler)
// can outlive it.
//
// A test may also refuse a call while it runs: a *testing.F panics when
// its methods are called inside its fuzz function, which is where a
// server or transport made with f before f.Fuzz (to share it between
// inputs) logs its hits, misses and recordings. What it refuses goes to
// the standard logger, and a failure is reported to it at End, once it
// takes calls again (f's cleanup).
package testlog

import (
	"fmt"
	"log"
	"sync"
	"testing"
)

// A Log routes to its test until End. The zero value is not usable: make
// one with New. It is safe for concurrent use.
type Log struct {
	t testing.TB

	mu    sync.RWMutex // guards ended; held for reading while calling t
	ended bool

	seenMu  sync.Mutex      // guards seen and refused
	seen    map[string]bool // the failures reported, by text
	refused []string        // failures the test refused (see call), reported at End
}

// call calls f, a method of the test, and reports whether the test took
// it: a *testing.F panics, without doing anything, when its methods are
// called inside its fuzz function.
func call(f func()) (took bool) {
	defer func() {
		if recover() != nil {
			took = false
		}
	}()
	f()
	return true
}

// New returns a Log for t.
func New(t testing.TB) *Log { return &Log{t: t} }

// Logf logs to the test, as t.Logf does, or to the standard logger once
// the test has ended.
func (l *Log) Logf(format string, args ...any) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.ended || !call(func() { l.t.Logf(format, args...) }) {
		log.Printf(format, args...)
	}
}

// Errorf fails the test, as t.Errorf does, or logs to the standard logger
// once the test has ended.
func (l *Log) Errorf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	l.seenMu.Lock()
	if l.seen == nil {
		l.seen = make(map[string]bool)
	}
	l.seen[msg] = true
	l.seenMu.Unlock()
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.ended {
		log.Print(msg)
		return
	}
	if !call(func() { l.t.Errorf("%s", msg) }) {
		log.Print(msg)
		l.seenMu.Lock()
		l.refused = append(l.refused, msg)
		l.seenMu.Unlock()
	}
}

// Error is Errorf("%v", err).
func (l *Log) Error(err error) { l.Errorf("%v", err) }

// Reported reports whether a failure with the text of err was reported
// (a save that failed in the background fails the same way at the end,
// and the test need not be told twice).
func (l *Log) Reported(err error) bool {
	l.seenMu.Lock()
	defer l.seenMu.Unlock()
	return l.seen[err.Error()]
}

// End reports to the test the failures it refused while it ran (see
// call), then routes everything after it to the standard logger. It waits
// for a call to the test under way to return.
func (l *Log) End() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ended {
		return
	}
	l.ended = true
	l.seenMu.Lock()
	refused := l.refused
	l.refused = nil
	l.seenMu.Unlock()
	for _, msg := range refused {
		call(func() {
			l.t.Errorf("%s\n(reported as the test ended: it came while the test took no calls, as a *testing.F inside its fuzz function)", msg)
		})
	}
}
