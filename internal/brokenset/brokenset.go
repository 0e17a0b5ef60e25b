// Package brokenset keeps the cassettes whose response body the upstream
// broke off while recording, until a request of the same cassette sent
// after the broken one is recorded whole (a client's retry). What is left
// at the end lacks an answer: the recorders' test helpers fail the test
// for it, the replay server keeps the old library of a rerecord, and
// cassette record exits 1. An exchange recorded from a request sent
// before the broken one (a poll's earlier answer) does not stand for it,
// whichever the recorder saw end first.
package brokenset

import (
	"slices"
	"sync"
	"time"
)

// A Set is safe for concurrent use. The zero value is an empty set.
type Set struct {
	mu     sync.Mutex
	broken map[string]Break     // by cassette, the first break not made up for
	stored map[string]time.Time // by cassette, when the latest request recorded whole was sent
}

// A Break is a response body the upstream broke off.
type Break struct {
	Name string    // the cassette
	Sent time.Time // when its request was sent
	Err  error     // what was received, and why it ended
}

// Broke notes that the response to a request of cassette name, sent at
// sent, broke off with err. It is made up for already if a request of
// that cassette sent later was recorded whole.
func (s *Set) Broke(name string, sent time.Time, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.stored[name]; ok && t.After(sent) {
		return
	}
	if _, ok := s.broken[name]; ok {
		return
	}
	if s.broken == nil {
		s.broken = make(map[string]Break)
	}
	s.broken[name] = Break{Name: name, Sent: sent, Err: err}
}

// Stored notes that a request of cassette name, sent at sent, was
// recorded whole: it makes up for a break of a request sent before it.
func (s *Set) Stored(name string, sent time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.stored[name]; !ok || sent.After(t) {
		if s.stored == nil {
			s.stored = make(map[string]time.Time)
		}
		s.stored[name] = sent
	}
	if b, ok := s.broken[name]; ok && sent.After(b.Sent) {
		delete(s.broken, name)
	}
}

// Lost returns the breaks not made up for, in the order their requests
// were sent.
func (s *Set) Lost() []Break {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Break, 0, len(s.broken))
	for _, b := range s.broken {
		out = append(out, b)
	}
	slices.SortFunc(out, func(a, b Break) int { return a.Sent.Compare(b.Sent) })
	return out
}
