package library

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/cassette-go/cassette/internal/atomicfile"
)

// This file is the single-file store: one file holds every cassette.

// decode reads and decodes the library file, or takes it from the process
// cache; a missing file is an empty library. The caller must hold l.mu for
// writing.
func (l *Library) decode() error {
	v, st, err := readCached(l.path, l.abs, func(data []byte) (decoded, error) {
		cs, err := decodeFile(l.path, l.fixed, data)
		absBodies(l.baseDir(), cs)
		return decoded{all: cs}, err
	})
	if err != nil {
		if fi, serr := os.Stat(l.abs); serr == nil && fi.IsDir() {
			return errKind(l.path, false)
		}
		return err
	}
	// The stamp of what was read, not of the file now: another writer
	// may have saved since, and the next Save must merge what it saved.
	l.disk = st
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

// A fileSnapshot is what a Save of a file library writes, and what it
// needs to merge it with cassettes another writer saved meanwhile.
type fileSnapshot struct {
	cs      []Cassette      // every cassette of the library, sorted
	mine    map[string]bool // cassettes changed by this library since it last read or wrote the file
	removed map[string]bool // cassettes deleted by this library since then
	cleared bool            // Clear was called: the file is replaced whatever it holds
	disk    fileStamp       // the file as this library last read or wrote it

	// Of the cassettes of mine, those this library only appended to since
	// it last read or wrote the file: how many exchanges (see
	// mergeDisk), and their entries, by name.
	added map[string]int
	drops map[string][]func(Exchange) bool // and what DropExchanges dropped from them (see mergeDisk)
	ents  map[string]*entry
}

// snapshotFile returns what a Save of a file library writes, and marks the
// library clean; ok is false when there is nothing to write. l.mu is held.
// The cassettes share memory with the library, which never changes an
// exchange in place, so they can be encoded without l.mu.
func (l *Library) snapshotFile() (snap fileSnapshot, ok bool) {
	names := l.sortedNames()
	if l.cleared && len(names) == 0 && !l.existsLocked() {
		// Clear on a library that has no file: nothing to replace.
		l.cleared, l.changed = false, false
		return snap, false
	}
	snap = fileSnapshot{cs: make([]Cassette, len(names)), mine: map[string]bool{}, removed: l.removed, cleared: l.cleared, disk: l.disk,
		added: map[string]int{}, drops: map[string][]func(Exchange) bool{}, ents: map[string]*entry{}}
	for i, name := range names {
		e := l.entries[name]
		snap.cs[i] = e.c
		if e.dirty {
			snap.mine[name] = true
			if !e.whole {
				snap.added[name] = e.added
				snap.drops[name] = e.drops
			}
			snap.ents[name] = e
			e.saving = e.added
			e.dirty, e.added, e.whole, e.drops = false, 0, false, nil
		}
	}
	l.cleared, l.changed, l.removed = false, false, nil
	return snap, true
}

// unsnapshotFile undoes what snapshotFile marked after a Save that
// failed, so that the next Save writes, and merges, the same changes.
// l.mu is held.
func (l *Library) unsnapshotFile(snap fileSnapshot) {
	l.changed = true
	l.cleared = l.cleared || snap.cleared
	for name := range snap.mine {
		if e := l.entries[name]; e != nil {
			e.dirty = true
			l.unsnapshotEntry(snap, name, e)
		}
	}
	for name := range snap.removed {
		if _, back := l.entries[name]; !back {
			if l.removed == nil {
				l.removed = make(map[string]bool)
			}
			l.removed[name] = true
		}
	}
}

// A fileStamp tells whether a file changed: its key, as the process cache
// has it, or that it did not exist.
type fileStamp struct {
	exists bool
	key    fileKey
}

func stampOf(abs string) fileStamp {
	fi, err := os.Stat(abs)
	if err != nil {
		return fileStamp{}
	}
	return fileStamp{exists: true, key: keyOf(fi)}
}

// same reports whether s and o are the stamps of one unchanged file, or
// both of none.
func (s fileStamp) same(o fileStamp) bool {
	return s.exists == o.exists && (!s.exists || s.key.same(o.key))
}

// fileLocks serialize, by absolute path (symbolic links resolved), the
// saves of the libraries of this process that write one file, so that
// each merges what the one before it wrote.
var fileLocks sync.Map // string -> *sync.Mutex

// lockFile takes the lock of the saves of the file library whose file is
// at abs (called path in errors): the lock of this process (fileLocks),
// then, where the system has flock (Linux, macOS, the BSDs), a lock on
// the file's folder that every process takes, so that a save in another
// process (go test runs the packages of ./... in parallel processes, and
// two may record into one shared file) is merged too rather than
// overwritten. The folder is locked, not the file, which a save replaces
// by a rename, and no lock file is left beside it. The folder is made if
// needed. A folder that cannot be locked (a file system without flock)
// is not: the saves are then serialized within the process only.
func lockFile(path, abs string) (unlock func(), err error) {
	if err := mkdirAll(filepath.Dir(path), filepath.Dir(abs)); err != nil {
		return nil, err
	}
	// The file a save writes: at abs, or where a symbolic link at abs
	// leads (libraries that share one file through links, one in each
	// package's testdata, take turns too).
	file := abs
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		file = real
	}
	mu, _ := fileLocks.LoadOrStore(file, new(sync.Mutex))
	mu.(*sync.Mutex).Lock()
	unlockDir := lockDir(filepath.Dir(file))
	return func() {
		unlockDir()
		mu.(*sync.Mutex).Unlock()
	}, nil
}

// mergeDisk returns snap's cassettes merged with the file on disk when
// another writer (another library of this process: parallel tests
// recording into one file; or another process) saved it since this library
// read or wrote it: the cassettes this library changed are its own, those
// it deleted stay deleted, every other one is as on disk (one missing
// there was deleted by the other writer). This library's entries follow.
// merged reports whether the file had changed; a file that cannot be read
// is replaced as before.
func (l *Library) mergeDisk(snap fileSnapshot) (cs []Cassette, merged bool) {
	if snap.cleared || stampOf(l.abs).same(snap.disk) {
		return snap.cs, false
	}
	data, err := readRegular(l.abs)
	if err != nil {
		return snap.cs, false
	}
	disk, err := decodeFile(l.path, l.fixed, data)
	if err != nil {
		return snap.cs, false
	}
	absBodies(l.baseDir(), disk)
	// Ours: the cassettes this library changed. Theirs: the file, for
	// every other cassette (one missing there was deleted by the writer).
	byName := make(map[string]Cassette, len(snap.cs)+len(disk))
	onDisk := make(map[string]bool, len(disk))
	for _, c := range snap.cs {
		if snap.mine[c.Name] {
			byName[c.Name] = c
		}
	}
	l.mu.Lock()
	for _, c := range disk {
		onDisk[c.Name] = true
		if added, ok := snap.added[c.Name]; ok {
			// Appended to here, and saved there: theirs, then ours.
			mine := byName[c.Name]
			merged := withAppended(dropFrom(c.Exchanges, snap.drops[c.Name]...), mine.Exchanges, added)
			byName[c.Name] = Cassette{Name: c.Name, Exchanges: merged}
			l.adoptMerged(c.Name, snap.ents[c.Name], merged)
			continue
		}
		if snap.mine[c.Name] || snap.removed[c.Name] {
			continue
		}
		byName[c.Name] = c
		if l.cleared || l.removed[c.Name] {
			// Deleted here since the snapshot (while this Save waited
			// for the lock, say): it stays deleted, for the next Save.
			continue
		}
		switch e := l.entries[c.Name]; {
		case e == nil || !e.dirty:
			l.entries[c.Name] = &entry{c: c, loaded: true}
			l.names = nil
		case !e.whole:
			// Appended to here since the snapshot (while this Save
			// waited for the lock, say): the next Save finds the file
			// as this one writes it, and merges nothing, so the entry
			// holds what the other writer saved, then its own.
			e.c.Exchanges = withAppended(dropFrom(c.Exchanges, e.drops...), e.c.Exchanges, e.added)
			e.owned = true
		}
	}
	for _, c := range snap.cs {
		if e := l.entries[c.Name]; !snap.mine[c.Name] && !onDisk[c.Name] && e != nil && !e.dirty {
			delete(l.entries, c.Name)
			l.names = nil
		}
	}
	l.mu.Unlock()
	cs = make([]Cassette, 0, len(byName))
	for _, n := range slices.Sorted(maps.Keys(byName)) {
		cs = append(cs, byName[n])
	}
	return cs, true
}

// writeFile encodes what snap holds, merged with what another writer
// saved meanwhile (see mergeDisk), and writes it as the library's file,
// atomically. The cassettes that cannot be saved are in failed, by name,
// and the file keeps them as it had them (see saveFile).
func (l *Library) writeFile(snap fileSnapshot) (merged bool, failed map[string]error, err error) {
	unlock, err := lockFile(l.path, l.abs)
	if err != nil {
		return false, nil, err
	}
	defer unlock()
	cs, merged := l.mergeDisk(snap)
	failed, err = l.saveFile(cs)
	if err != nil {
		return merged, nil, err
	}
	l.mu.Lock()
	l.disk = stampOf(l.abs)
	l.mu.Unlock()
	return merged, failed, nil
}

// saveFile encodes cs and writes them as the library's file, atomically.
// A cassette that cannot be saved (see prepareBodies) is in failed, by
// name, and is written as the file on disk has it, or left out if the
// file does not have it: the others are saved, and nothing on disk is
// lost.
func (l *Library) saveFile(cs []Cassette) (failed map[string]error, err error) {
	cs, failed, im := l.prepareBodies(cs)
	defer func() {
		// The body files imported for the file: kept if it was written
		// (but those of the cassettes that failed), else removed.
		l.settleImports(im, func(name string) bool { return err == nil && failed[name] == nil })
	}()
	if len(failed) > 0 {
		cs = l.keepOnDisk(cs, failed)
	}
	data, err := encodeFile(l.fixed, cs)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", l.path, err)
	}
	if err := mkdirAll(filepath.Dir(l.path), filepath.Dir(l.abs)); err != nil {
		return nil, err
	}
	if err := saveFileAt(l.path, l.abs, data); err != nil {
		return nil, err
	}
	return failed, nil
}

// keepOnDisk returns cs, ready to encode, with the cassettes of failed
// (which cs lacks) as the library's file on disk has them. l.mu is not
// held.
func (l *Library) keepOnDisk(cs []Cassette, failed map[string]error) []Cassette {
	data, err := readRegular(l.abs)
	if err != nil {
		return cs
	}
	disk, err := decodeFile(l.path, l.fixed, data)
	if err != nil {
		return cs // a file that cannot be read is replaced
	}
	disk = slices.DeleteFunc(disk, func(c Cassette) bool { return failed[c.Name] == nil })
	absBodies(l.baseDir(), disk)
	// Their body files are where the file has them: nothing to import.
	disk, _ = relBodies(l.baseDir(), disk)
	cs = append(slices.Clone(cs), disk...)
	sortCassettes(cs)
	return cs
}

// refailFile marks the cassettes of snap that the Save of snap could not
// save as changed again, so that the next Save tries them again. l.mu is
// held.
func (l *Library) refailFile(snap fileSnapshot, failed map[string]error) {
	for name := range failed {
		if e := l.entries[name]; e != nil && snap.mine[name] {
			e.dirty = true
			l.unsnapshotEntry(snap, name, e)
			l.changed = true
		}
	}
}

// saveFileAt writes data to the file at abs, called path in errors,
// atomically, and makes the process cache forget it.
func saveFileAt(path, abs string, data []byte) error {
	defer cacheForget(abs)
	if fi, err := os.Lstat(abs); err == nil && fi.IsDir() {
		return fmt.Errorf("write %s: is a directory", path)
	}
	if err := atomicfile.WriteFile(abs, data, 0o666); err != nil {
		return withDiskHint(fmt.Errorf("write %s: %w", path, unwrapPath(err)))
	}
	return nil
}

func (l *Library) existsLocked() bool {
	_, err := os.Lstat(l.abs)
	return err == nil
}
