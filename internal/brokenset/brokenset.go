// Package brokenset keeps, for a recorder, the cassettes whose response
// body the upstream broke off, until a request of the same cassette sent
// after the latest broken one is recorded whole (a client's retry). What
// is left when the recording ends lacks an answer. An exchange recorded
// from a request sent before a broken one (a poll's earlier answer) does
// not stand for it, whichever the recorder saw end first. The times are
// those the recorder took when it sent each request.
package brokenset

import (
	"slices"
	"sync"
	"time"
)

// A Set is safe for concurrent use. The zero value is an empty set.
type Set struct {
	mu     sync.Mutex
	broken map[string][]Break   // by cassette, the breaks not made up for, in the order they were seen
	stored map[string]time.Time // by cassette, when the latest request recorded whole was sent
}

// A Break is a response body the upstream broke off.
type Break struct {
	Name string    // the cassette
	Sent time.Time // when the broken request was sent
	Err  error     // what it received, and why it ended
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
	if s.broken == nil {
		s.broken = make(map[string][]Break)
	}
	bs := append(s.broken[name], Break{Name: name, Sent: sent, Err: err})
	if len(bs) > maxBreaks {
		// An upstream that keeps breaking off one cassette (a long
		// cassette serve): the cassette lacks an answer all the same,
		// told by a later break.
		bs = slices.Delete(bs, earliest(bs), earliest(bs)+1)
	}
	s.broken[name] = bs
}

// maxBreaks is how many breaks not made up for a Set keeps of a cassette;
// past it, the earliest is forgotten.
const maxBreaks = 64

// earliest returns the index of the earliest sent of bs.
func earliest(bs []Break) int {
	i := 0
	for j := range bs {
		if bs[j].Sent.Before(bs[i].Sent) {
			i = j
		}
	}
	return i
}

// Stored notes that a request of cassette name, sent at sent, was
// recorded whole: it makes up for the breaks of requests sent before it.
func (s *Set) Stored(name string, sent time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.stored[name]; !ok || sent.After(t) {
		if s.stored == nil {
			s.stored = make(map[string]time.Time)
		}
		s.stored[name] = sent
	}
	left := slices.DeleteFunc(s.broken[name], func(b Break) bool { return sent.After(b.Sent) })
	if len(left) == 0 {
		delete(s.broken, name)
		return
	}
	s.broken[name] = left
}

// Take returns, for each cassette that lacks an answer, the earliest sent
// of its breaks not made up for, in the order their requests were sent,
// and forgets them all.
func (s *Set) Take() []Break {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Break, 0, len(s.broken))
	for _, bs := range s.broken {
		out = append(out, slices.MinFunc(bs, byTime))
	}
	slices.SortFunc(out, byTime)
	s.broken = nil
	return out
}

func byTime(a, b Break) int { return a.Sent.Compare(b.Sent) }
