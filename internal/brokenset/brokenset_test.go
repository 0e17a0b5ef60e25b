package brokenset

import (
	"errors"
	"testing"
	"time"
)

func TestOnlyARequestSentAfterTheBreakMakesUpForIt(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	var s Set
	s.Stored("poll", at(1))                 // a poll's earlier answer
	s.Broke("poll", at(2), errors.New("x")) // its last: lost
	s.Broke("retried", at(3), errors.New("y"))
	s.Stored("retried", at(4))              // a retry: made up for
	s.Stored("late", at(6))                 // a retry recorded before...
	s.Broke("late", at(5), errors.New("z")) // ...the break it makes up for was seen
	s.Broke("first", at(0), errors.New("w"))
	s.Broke("first", at(7), errors.New("again")) // the first break is kept
	lost := s.Take()
	if len(lost) != 2 || lost[0].Name != "first" || lost[0].Err.Error() != "w" || lost[1].Name != "poll" {
		t.Errorf("Lost = %+v; want first (w), then poll", lost)
	}
}

// A retry sent between two broken requests makes up for the first only:
// the answer of the later one is still lacking.
func TestARetryBeforeALaterBreakDoesNotMakeUpForIt(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	var s Set
	s.Broke("a", at(1), errors.New("first break"))
	s.Broke("a", at(3), errors.New("second break"))
	s.Stored("a", at(2)) // sent between them, ended last
	if lost := s.Take(); len(lost) != 1 || lost[0].Name != "a" || lost[0].Err.Error() != "second break" || !lost[0].Sent.Equal(at(3)) {
		t.Errorf("Take = %+v; want a, told by its second break (sent at 3), which no later request made up for", lost)
	}
	if lost := s.Take(); len(lost) != 0 {
		t.Errorf("Take again = %+v; want nothing: taken", lost)
	}
}

// An upstream that keeps breaking off one cassette does not grow the set
// without bound; the cassette still lacks an answer, told by a break no
// retry made up for.
func TestManyBreaksOfACassetteAreBounded(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	var s Set
	for i := range 10000 {
		s.Broke("a", at(i), errors.New("break"))
	}
	if n := len(s.broken["a"]); n > maxBreaks {
		t.Errorf("the set keeps %d breaks of one cassette; want at most %d", n, maxBreaks)
	}
	s.Stored("a", at(9990)) // makes up for the breaks sent before it only
	lost := s.Take()
	if len(lost) != 1 || !lost[0].Sent.Equal(at(9990)) {
		t.Errorf("Take = %+v; want a, told by its break sent at 9990, the earliest no retry made up for", lost)
	}
}
