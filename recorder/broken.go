package recorder

import (
	"testing"
	"time"

	"github.com/cassette-go/cassette/internal/brokenset"
	"github.com/cassette-go/cassette/internal/testlog"
)

// brokenBodies keeps, for New and NewTransport, the cassettes whose
// response body the upstream broke off, until a request of theirs sent
// after the broken one is recorded whole (see package brokenset): at the
// end of the test each one left fails it.
type brokenBodies struct {
	log *testlog.Log
	set brokenset.Set
}

// options returns the options that make the recorder tell b.
func (b *brokenBodies) options() []Option {
	return []Option{OnBrokenBody(b.broken), func(c *config) { c.stored = b.set.Stored }}
}

func (b *brokenBodies) broken(name string, sent time.Time, err error) {
	b.log.Logf("%v", err)
	b.set.Broke(name, sent, err)
}

// fail fails t for each cassette broken off and not made up for (it is
// called once); t.Helper makes the failures point at the line that made the recorder.
func (b *brokenBodies) fail(t testing.TB) {
	t.Helper()
	for _, lost := range b.set.Lost() {
		t.Errorf("%v; no request of cassette %s sent after it was recorded whole, so the cassette lacks that answer: record again once the upstream answers whole", lost.Err, lost.Name)
	}
}
