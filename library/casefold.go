package library

import (
	"fmt"
	"slices"
	"strings"
)

// A directory library never takes a cassette whose name differs only in
// case from one it holds: on a case-insensitive file system (macOS and
// Windows by default) their files would be one, and a clone of a
// repository made on Linux would lose one of them. Names made by package
// naming never differ so; names given by hand or by other tools may. (A
// library made on Linux may hold such names already: they are read, and
// kept, but no third spelling is taken.) A cassette renamed so, deleted
// then added, is saved by removing the old file before writing the new
// one (see planDir).

// caseTwin returns an error when the new cassette name of a directory
// library differs only in case from one it holds, and otherwise notes it.
// verb says what was asked ("append to cassette"). l.mu is held for
// writing, and l.entries holds every cassette.
func (l *Library) caseTwin(verb, name string) error {
	if !l.dir {
		return nil
	}
	if l.folded == nil {
		l.folded = make(map[string][]string, len(l.entries))
		for n := range l.entries {
			key := strings.ToLower(n)
			l.folded[key] = append(l.folded[key], n)
		}
	}
	key := strings.ToLower(name)
	for _, other := range l.folded[key] {
		if other != name {
			return fmt.Errorf("%s %q: it differs only in case from cassette %q, and their files would be one on a case-insensitive file system (macOS, Windows): use one spelling", verb, name, other)
		}
	}
	if !slices.Contains(l.folded[key], name) {
		l.folded[key] = append(l.folded[key], name)
	}
	return nil
}

// forgetCase drops name from the names noted by caseTwin. l.mu is held.
func (l *Library) forgetCase(name string) {
	key := strings.ToLower(name)
	if names := slices.DeleteFunc(l.folded[key], func(n string) bool { return n == name }); len(names) > 0 {
		l.folded[key] = names
	} else {
		delete(l.folded, key)
	}
}

// CaseTwins returns the cassettes of a directory library whose names
// differ only in case, each group sorted, the groups in the order of their
// first name; none for a single-file library. Such a library, made on
// Linux, loses all but one cassette of each group when cloned on a
// case-insensitive file system (macOS, Windows), where their files are
// one: rename or delete the others. The library itself never adds one
// (see Append).
func (l *Library) CaseTwins() ([][]string, error) {
	if !l.dir {
		return nil, nil
	}
	names, err := l.Names()
	if err != nil {
		return nil, err
	}
	byFold := make(map[string][]string)
	var folds []string
	for _, n := range names { // sorted, so each group is
		key := strings.ToLower(n)
		if _, ok := byFold[key]; !ok {
			folds = append(folds, key)
		}
		byFold[key] = append(byFold[key], n)
	}
	var out [][]string
	for _, key := range folds {
		if g := byFold[key]; len(g) > 1 {
			out = append(out, g)
		}
	}
	return out, nil
}
