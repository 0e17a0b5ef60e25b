package recorder

import (
	"fmt"
	"sync"
	"testing"
)

// brokenBodies collects, for New and NewTransport, what OnBrokenBody is
// told when the recording ends, to fail the test with.
type brokenBodies struct {
	mu   sync.Mutex
	errs []error
}

func (b *brokenBodies) add(name string, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.errs = append(b.errs, fmt.Errorf("%w; no request of cassette %s sent after it was recorded whole, so the cassette lacks that answer: record again once the upstream answers whole", err, name))
}

// fail fails t for each cassette that lacks an answer; t.Helper makes the
// failures point at the line that made the recorder.
func (b *brokenBodies) fail(t testing.TB) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, err := range b.errs {
		t.Errorf("%v", err)
	}
	b.errs = nil
}
