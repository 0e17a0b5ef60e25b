package replayserver

import (
	"errors"
	"sync"
)

// toldErrors are the storage errors a handler has reported, by text: a
// save that failed in the background fails the same way when the handler
// closes, and the test need not be told twice. The zero value is ready to
// use.
type toldErrors struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (t *toldErrors) add(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.seen == nil {
		t.seen = make(map[string]bool)
	}
	t.seen[err.Error()] = true
}

// has reports whether err, or an error it wraps, was reported.
func (t *toldErrors) has(err error) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	for ; err != nil; err = errors.Unwrap(err) {
		if t.seen[err.Error()] {
			return true
		}
	}
	return false
}
