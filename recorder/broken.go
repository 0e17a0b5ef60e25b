package recorder

import (
	"sync"
	"testing"

	"github.com/cassette-go/cassette/internal/testlog"
)

// brokenBodies keeps, for New and NewTransport, the cassettes whose
// response body the upstream broke off and that were not recorded whole
// since (a client that retries a broken body records it on the retry; an
// exchange recorded before the break, a poll's earlier answer, does not
// stand for it): at the end of the test each one left fails it. It is
// safe for concurrent use.
type brokenBodies struct {
	log *testlog.Log

	mu      sync.Mutex
	pending map[string]error // cassettes broken off and not recorded since, with the first error
	order   []string         // the names broken off, in the order they broke (some recorded since)
}

// options returns the options that make the recorder tell b.
func (b *brokenBodies) options() []Option {
	return []Option{OnBrokenBody(b.broken), func(c *config) { c.stored = b.stored }}
}

func (b *brokenBodies) broken(name string, err error) {
	b.log.Logf("%v", err)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.pending[name] != nil {
		return
	}
	if b.pending == nil {
		b.pending = make(map[string]error)
	}
	b.pending[name] = err
	b.order = append(b.order, name)
}

func (b *brokenBodies) stored(name string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.pending, name)
}

// fail fails t for each cassette broken off and not recorded; t.Helper
// makes the failures point at the line that made the recorder.
func (b *brokenBodies) fail(t testing.TB) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, name := range b.order {
		if err := b.pending[name]; err != nil {
			delete(b.pending, name) // once, though it broke off again after a retry
			t.Errorf("%v; no request of cassette %s was recorded whole after it, so the cassette lacks that answer: record again once the upstream answers whole", err, name)
		}
	}
	b.pending, b.order = nil, nil
}
