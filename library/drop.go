package library

import (
	"fmt"
	"slices"
)

// DropExchanges removes from the cassette called name the exchanges for
// which drop returns true, and returns how many it removed. Removing none,
// or from a missing cassette, is not an error; an invalid name is. The
// cassette keeps its place and its file; a cassette left with no exchange
// is kept, empty (use [Library.Delete] to remove it).
//
// Unlike taking the cassette with [Library.Get] and giving it back with
// [Library.Put], which replaces what is stored whatever another writer
// saved meanwhile, DropExchanges keeps another writer's exchanges: when
// another library (a recorder of a parallel test, another process) saved
// the cassette since this one read or saved it, the next [Library.Save]
// stores the cassette as the other writer saved it with drop applied
// again, followed by the exchanges appended here. drop is therefore called
// again then, and must not change its answer for an exchange; it is
// called with the library locked, so it must not call the library's
// methods. The change,
// like every other, is on disk only after Save.
func (l *Library) DropExchanges(name string, drop func(Exchange) bool) (int, error) {
	if !ValidName(name) {
		return 0, fmt.Errorf("drop exchanges of cassette %q: %w", name, ErrInvalidName)
	}
	if drop == nil {
		return 0, fmt.Errorf("drop exchanges of cassette %q: nil drop function", name)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	e, err := l.entryFor(name)
	if err != nil {
		return 0, fmt.Errorf("drop exchanges of cassette %q: %w", name, err)
	}
	if e == nil {
		return 0, nil
	}
	// Exchanges appended since the cassette was last read or saved are
	// the last e.added, and those a running Save took as appended the
	// e.saving before them; they stay in place, and stay counted.
	var kept, gone []Exchange
	appended, saving := 0, 0
	from := len(e.c.Exchanges) - min(e.added, len(e.c.Exchanges))
	fromSaving := from - min(e.saving, from)
	for i, x := range e.c.Exchanges {
		switch {
		case drop(x):
			gone = append(gone, x)
			continue
		case i >= from:
			appended++
		case i >= fromSaving:
			saving++
		}
		kept = append(kept, x)
	}
	if len(gone) == 0 {
		return 0, nil
	}
	// The body files of the exchanges dropped go at Save, if no exchange
	// refers to them then (see drop in body.go).
	l.drop(&entry{c: Cassette{Exchanges: gone}, loaded: true})
	e.c.Exchanges = kept
	e.added, e.saving = appended, saving
	e.owned = true
	e.drops = append(e.drops, drop)
	e.dirty = true
	l.changed = true
	return len(gone), nil
}

// dropFrom returns, in a new slice, the exchanges of ex that none of drops
// drops.
func dropFrom(ex []Exchange, drops ...func(Exchange) bool) []Exchange {
	return slices.DeleteFunc(slices.Clone(ex), func(x Exchange) bool {
		for _, drop := range drops {
			if drop(x) {
				return true
			}
		}
		return false
	})
}
