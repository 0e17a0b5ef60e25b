package recorder

import (
	"errors"
	"sync"

	"github.com/cassette-go/cassette/library"
)

// A saver saves a library in the background after exchanges are recorded,
// so that a client never waits for the disk: one save runs at a time, and
// the exchanges recorded while it runs are saved together by the next one.
// What was recorded reaches the disk moments later, and at the latest when
// flush returns.
type saver struct {
	lib   *library.Library
	onErr func(error)

	mu      sync.Mutex // guards running and pending
	idle    sync.Cond  // signalled, with mu, when running turns false
	running bool       // a goroutine is saving
	pending bool       // something was recorded since the last save began

	told map[string]bool // the errors the saves of loop reported, by text (used by loop alone)
}

func newSaver(lib *library.Library, onErr func(error)) *saver {
	s := &saver{lib: lib, onErr: onErr}
	s.idle.L = &s.mu
	return s
}

// request asks for a save, starting the saving goroutine if none runs.
func (s *saver) request() {
	s.mu.Lock()
	s.pending = true
	if s.running {
		s.mu.Unlock()
		return
	}
	s.running = true
	s.mu.Unlock()
	go s.loop()
}

// loop saves until nothing more was asked for, then ends.
func (s *saver) loop() {
	for {
		s.mu.Lock()
		if !s.pending {
			s.running = false
			s.idle.Broadcast()
			s.mu.Unlock()
			return
		}
		s.pending = false
		s.mu.Unlock()
		if err := s.lib.Save(); err != nil {
			if err = s.untold(err); err != nil {
				s.onErr(err)
			}
		}
	}
}

// untold returns the errors in err, a Save's error, that no earlier save
// of loop reported, joined; nil when every one was. A Save's error joins
// one error for each cassette it could not save, and a save that fails
// for a cassette fails again at every save after it: a recording into a
// library that cannot be written would otherwise tell, at each save, the
// whole growing list of cassettes not saved. flush reports what is left
// whole.
func (s *saver) untold(err error) error {
	if s.told == nil {
		s.told = make(map[string]bool)
	}
	var fresh []error
	for _, e := range leaves(err) {
		if msg := e.Error(); !s.told[msg] {
			s.told[msg] = true
			fresh = append(fresh, e)
		}
	}
	return errors.Join(fresh...)
}

// leaves returns the errors err joins (errors.Join, at any depth), or err.
func leaves(err error) []error {
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return []error{err}
	}
	var all []error
	for _, e := range j.Unwrap() {
		all = append(all, leaves(e)...)
	}
	return all
}

// flush waits for the background save to end, then saves what is left. No
// goroutine of the saver runs when it returns, unless more was recorded
// meanwhile.
func (s *saver) flush() error {
	s.mu.Lock()
	for s.running {
		s.idle.Wait()
	}
	s.pending = false
	s.mu.Unlock()
	return s.lib.Save()
}
