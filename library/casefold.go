package library

import (
	"fmt"
	"hash/maphash"
	"maps"
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

// CaseTwins returns the cassettes of a directory library whose file
// names differ only in case (GET_a.json and get_a.json), each group sorted
// by name, the groups in the order of their first name; none for a
// single-file library. Such a library, made on Linux, loses all but one
// cassette of each group when cloned on a case-insensitive file system
// (macOS, Windows), where their files are one: rename or delete the
// others. The library itself never adds one (see Append). It reads no
// cassette file, and allocates little however large the library.
func (l *Library) CaseTwins() ([][]string, error) {
	if !l.dir {
		return nil, nil
	}
	names, err := l.Names()
	if err != nil {
		return nil, err
	}
	files := make([]string, len(names))
	l.mu.RLock()
	for i, n := range names {
		if e := l.entries[n]; e != nil && e.file != "" {
			files[i] = e.file // its own string: no allocation
		}
	}
	l.mu.RUnlock()
	for i, n := range names {
		if files[i] == "" { // not written yet (or deleted since Names)
			files[i] = l.File(n)
		}
	}
	// Names by the hash of their file's name in lower case; a hash shared
	// by two files that differ otherwise is told apart by EqualFold.
	seed := maphash.MakeSeed()
	first := make(map[uint64]int, len(files)) // hash -> index of the first file
	var groups map[int][]string               // index of the first file -> its twins' names
	for i, f := range files {
		key := foldHash(seed, f)
		j, ok := first[key]
		if !ok {
			first[key] = i
			continue
		}
		if !strings.EqualFold(files[j], f) {
			// Another name with that hash (rare): compare with each
			// file seen so far.
			j = slices.IndexFunc(files[:i], func(g string) bool { return strings.EqualFold(g, f) })
			if j < 0 {
				continue
			}
		}
		if groups == nil {
			groups = make(map[int][]string)
		}
		if groups[j] == nil {
			groups[j] = []string{names[j]}
		}
		groups[j] = append(groups[j], names[i])
	}
	var out [][]string
	for _, j := range slices.Sorted(maps.Keys(groups)) {
		out = append(out, groups[j]) // names is sorted, and so is each group
	}
	return out, nil
}

// foldHash returns the hash of s in lower case (ASCII, as names are).
func foldHash(seed maphash.Seed, s string) uint64 {
	var buf [256]byte // names are at most 200 bytes, and their extension
	lower := buf[:0]
	if len(s) > len(buf) {
		lower = make([]byte, 0, len(s))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower = append(lower, c)
	}
	return maphash.Bytes(seed, lower)
}
