package library

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/cassette-go/cassette/internal/atomicfile"
)

// This file is the single-file store: one file holds every cassette.

// decode reads and decodes the library file, or takes it from the process
// cache; a missing file is an empty library. The caller must hold l.mu for
// writing.
func (l *Library) decode() error {
	v, _, err := readCached(l.path, l.abs, func(data []byte) (decoded, error) {
		cs, err := decodeFile(l.path, l.fixed, data)
		absBodies(l.baseDir(), cs)
		return decoded{all: cs}, err
	})
	if err != nil {
		return err
	}
	cs := v.all
	// The cassettes are shared with the cache: entries are not owned.
	slab := make([]entry, len(cs))
	l.entries = make(map[string]*entry, len(cs))
	l.names = make([]string, len(cs))
	for i, c := range cs {
		slab[i] = entry{c: c, loaded: true}
		l.entries[c.Name] = &slab[i]
		l.names[i] = c.Name
	}
	l.ready = true
	return nil
}

// snapshotFile returns the cassettes a Save of a file library writes, and
// marks the library clean; ok is false when there is nothing to write.
// l.mu is held. The cassettes share memory with the library, which never
// changes an exchange in place, so they can be encoded without l.mu.
func (l *Library) snapshotFile() (cs []Cassette, ok bool) {
	names := l.sortedNames()
	if l.cleared && len(names) == 0 && !l.existsLocked() {
		// Clear on a library that has no file: nothing to replace.
		l.cleared, l.changed = false, false
		return nil, false
	}
	cs = make([]Cassette, len(names))
	for i, name := range names {
		cs[i] = l.entries[name].c
	}
	l.cleared, l.changed = false, false
	return cs, true
}

// writeFile encodes cs and writes them as the library's file, atomically.
func (l *Library) writeFile(cs []Cassette) error {
	cs, err := l.prepareBodies(cs)
	if err != nil {
		return fmt.Errorf("save %s: %w", l.path, err)
	}
	data, err := encodeFile(l.fixed, cs)
	if err != nil {
		return fmt.Errorf("save %s: %w", l.path, err)
	}
	if err := os.MkdirAll(filepath.Dir(l.abs), 0o755); err != nil {
		return fmt.Errorf("save %s: %w", l.path, unwrapPath(err))
	}
	return saveFileAt(l.path, l.abs, data)
}

// saveFileAt writes data to the file at abs, called path in errors,
// atomically, and makes the process cache forget it.
func saveFileAt(path, abs string, data []byte) error {
	defer cacheForget(abs)
	if fi, err := os.Lstat(abs); err == nil && fi.IsDir() {
		return fmt.Errorf("save %s: is a directory", path)
	}
	if err := atomicfile.WriteFile(abs, data, 0o644); err != nil {
		return fmt.Errorf("save %s: %w", path, unwrapPath(err))
	}
	return nil
}

func (l *Library) existsLocked() bool {
	_, err := os.Lstat(l.abs)
	return err == nil
}
