package library

import (
	"fmt"
	"strings"
)

// A directory library never holds two cassettes whose names differ only
// in case: on a case-insensitive file system (macOS and Windows by
// default) their files would be one, and a clone of a repository made on
// Linux would lose one of them. Names made by package naming never differ
// so; names given by hand or by other tools may.

// caseTwin returns an error when the new cassette name of a directory
// library differs only in case from one it holds, and otherwise notes it.
// verb says what was asked ("append to cassette"). l.mu is held for
// writing, and l.entries holds every cassette.
func (l *Library) caseTwin(verb, name string) error {
	if !l.dir {
		return nil
	}
	if l.folded == nil {
		l.folded = make(map[string]string, len(l.entries))
		for n := range l.entries {
			l.folded[strings.ToLower(n)] = n
		}
	}
	key := strings.ToLower(name)
	if other, ok := l.folded[key]; ok && other != name {
		return fmt.Errorf("%s %q: it differs only in case from cassette %q, and their files would be one on a case-insensitive file system (macOS, Windows): use one spelling", verb, name, other)
	}
	l.folded[key] = name
	return nil
}

// forgetCase drops name from the names noted by caseTwin. l.mu is held.
func (l *Library) forgetCase(name string) {
	if key := strings.ToLower(name); l.folded[key] == name {
		delete(l.folded, key)
	}
}
