package library

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
)

// Format is an on-disk encoding.
type Format string

// The supported formats.
const (
	JSON Format = "json"
	YAML Format = "yaml"
)

// A Library is a set of cassettes stored in one file or in a directory of
// files, one per cassette. It is safe for concurrent use.
//
// Reading is lazy: nothing is read by [Open]; a file library is decoded on
// first use (and cached for the process, keyed by path, size,
// modification time and, where the system tells them, change time and
// inode), a directory library lists its folder on first use and
// reads a cassette file when that cassette is first asked for.
// Changes are held in memory until [Library.Save].
//
// A Library is a snapshot: it does not see changes that other libraries or
// processes make to its files after it read them, until its Save, which
// merges them (see [Library.Save]): nothing another writer saved is lost
// unless this library changed the same cassette other than by appending
// or by [Library.DropExchanges].
type Library struct {
	path  string // as given to Open
	abs   string // absolute path: the key of the process cache
	dir   bool   // a directory library
	fixed Format // format set by the extension or by WithFormat; "" for a directory whose files decide

	saveMu sync.Mutex // serializes Save

	mu      sync.RWMutex        // guards the fields below and the entries
	ready   bool                // entries holds every cassette: the file was decoded, the folder listed, or Clear called
	format  Format              // format of new files; "" until known
	entries map[string]*entry   // every cassette, by name
	folded  map[string][]string // directory: the names of entries by their lower case; nil until a cassette is added (see caseTwin)
	names   []string            // sorted names of entries; nil when stale
	gone    map[string]string   // directory: file of each cassette deleted since the last Save, by name
	cleared bool                // Clear was called since the last Save
	changed bool                // something changed since the last Save

	large      []string         // directory: large cassettes read from disk, oldest first
	largeBytes map[string]int64 // their body bytes, by name
	largeTotal int64            // the sum of largeBytes

	dropped map[string]bool        // body files of exchanges deleted or replaced since the last Save
	fresh   map[string]*bodyCommit // body files committed by l's BodyWriters or imported by its Saves: never swept (see ReleaseBody)

	disk    fileStamp       // file: the library file as this library last read or wrote it
	removed map[string]bool // file: cassettes deleted since the last Save

	madeFolder os.FileInfo // directory: the library's folder, when a NewBody of l made it (see Discard)
}

// An entry is one cassette of a library.
type entry struct {
	c      Cassette // the cassette, when loaded
	loaded bool     // c is set; a directory library reads cassette files on demand
	owned  bool     // c.Exchanges was allocated by this library, not shared with the process cache: it may grow in place
	dirty  bool     // directory: to be written by the next Save
	file   string   // directory: the file holding the cassette, relative to the folder; "" if not written yet
	name   string   // directory: the cassette name, as listed (the key in the map); read cassettes share it

	// What a Save merges with the file another writer saved meanwhile
	// (see mergeAppended): the exchanges appended at the end since the
	// cassette was last read or saved, and whether the cassette is to
	// replace the stored one whatever it holds (put whole, or made anew
	// after a Delete or Clear).
	added int
	whole bool
	drops []func(Exchange) bool // DropExchanges since: applied again to what another writer saved
	stamp fileStamp             // directory: the cassette's file as this library last read or wrote it

	// How many of the exchanges the running Save took as appended (added,
	// when it took the cassette) the cassette still holds, just before the
	// last added: DropExchanges may drop some while the Save runs. A Save
	// that fails gives them back to added.
	saving int
}

// An Option configures [Open]. A nil Option is ignored.
type Option func(*options)

type options struct {
	format Format
}

// WithFormat sets the format of the files a directory library creates for
// new cassettes. Default: the format of most files already there (JSON on a
// tie), else JSON. A cassette that has a file keeps it, in its own format.
// For a file library the extension decides and this option is ignored.
func WithFormat(f Format) Option { return func(o *options) { o.format = f } }

// Open returns the library at path. A path ending in .json, .yaml or .yml
// (in any case) is a single-file library in that format; any other path is
// a directory library. The path need not exist: [Library.Exists] tells,
// and [Library.Save] creates it. Open reads nothing; errors in the files
// are reported by the first method that needs them. Open fails only for an
// empty path or an unknown format.
func Open(path string, opts ...Option) (*Library, error) {
	if path == "" {
		return nil, errors.New("open cassette library: empty path")
	}
	var o options
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.format != "" && o.format != JSON && o.format != YAML {
		return nil, fmt.Errorf("open cassette library %s: unknown format %q (want %q or %q)", path, o.format, JSON, YAML)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open cassette library %s: %w", path, err)
	}
	l := &Library{path: path, abs: abs, entries: make(map[string]*entry)}
	if f, ok := formatOf(path); ok {
		l.fixed = f
	} else {
		l.dir = true
		l.fixed = o.format
	}
	l.format = l.fixed
	return l, nil
}

// Path returns the path the library was opened with.
func (l *Library) Path() string { return l.path }

// IsDir reports whether l is a directory library.
func (l *Library) IsDir() bool { return l.dir }

// Format returns the format of files l writes: for a directory library
// without [WithFormat], that of the files it holds, so it may list the
// folder.
func (l *Library) Format() Format {
	if l.fixed != "" {
		return l.fixed
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.newFormat()
}

// Exists reports whether the library's file or directory exists on disk.
func (l *Library) Exists() bool {
	fi, err := os.Stat(l.abs)
	return err == nil && fi.IsDir() == l.dir
}

// Load reads and validates the whole library (every cassette file of a
// directory library). It returns the first error, naming the file and, for
// syntax errors and values that do not decode, the line.
func (l *Library) Load() error {
	if !l.dir {
		l.mu.Lock()
		defer l.mu.Unlock()
		return l.prepare()
	}
	return l.loadDir()
}

// Names returns the names of all cassettes, sorted. It does not read the
// cassette files of a directory library.
func (l *Library) Names() ([]string, error) {
	l.mu.RLock()
	if l.ready && l.names != nil {
		defer l.mu.RUnlock()
		return slices.Clone(l.names), nil
	}
	l.mu.RUnlock()

	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.prepare(); err != nil {
		return nil, err
	}
	return slices.Clone(l.sortedNames()), nil
}

// sortedNames returns the sorted names of l's entries; the caller must
// hold l.mu and not modify the result.
func (l *Library) sortedNames() []string {
	if l.names == nil {
		l.names = make([]string, 0, len(l.entries))
		for name := range l.entries {
			l.names = append(l.names, name)
		}
		slices.Sort(l.names)
	}
	return l.names
}

// Get returns the cassette called name. The cassette shares memory with the
// library: callers must not modify it. ok is false when there is none.
func (l *Library) Get(name string) (c Cassette, ok bool, err error) {
	l.mu.RLock()
	if l.ready {
		e := l.entries[name]
		if e == nil {
			l.mu.RUnlock()
			return Cassette{}, false, nil
		}
		if e.loaded {
			c := e.c
			l.mu.RUnlock()
			return c, true, nil
		}
	}
	l.mu.RUnlock()
	return l.getSlow(name)
}

// getSlow is Get when the library or the cassette is not loaded yet. A
// cassette file is read without holding l.mu, so that reading one does not
// delay Get of others.
func (l *Library) getSlow(name string) (Cassette, bool, error) {
	l.mu.Lock()
	err := l.prepare()
	l.mu.Unlock()
	if err != nil {
		return Cassette{}, false, err
	}
	for {
		l.mu.RLock()
		e := l.entries[name]
		switch {
		case e == nil:
			l.mu.RUnlock()
			return Cassette{}, false, nil
		case e.loaded:
			c := e.c
			l.mu.RUnlock()
			return c, true, nil
		}
		file := e.file
		if e.name != "" {
			// The cassette keeps the library's string, not the caller's.
			name = e.name
		}
		l.mu.RUnlock()

		c, st, err := l.readCassette(name, file)

		l.mu.Lock()
		if l.entries[name] == e && !e.loaded {
			// e is unchanged: it was not deleted, replaced or written.
			if err != nil {
				l.mu.Unlock()
				return Cassette{}, false, err
			}
			e.c, e.loaded, e.stamp = c, true, st
			l.noteLarge(name, &c)
			l.mu.Unlock()
			return c, true, nil
		}
		// The cassette changed while it was read: look again.
		l.mu.Unlock()
	}
}

// prepare makes l.entries hold every cassette, decoding a file library or
// listing a directory library; the caller must hold l.mu for writing.
func (l *Library) prepare() error {
	if l.ready {
		return nil
	}
	if l.dir {
		return l.list()
	}
	return l.decode()
}

// entryFor returns the loaded entry of the cassette called name, nil if
// there is none; the caller must hold l.mu for writing, and holds it again
// when entryFor returns, error or not. A cassette file not read yet (or
// dropped from memory: see noteLarge) is read as getSlow reads one,
// without holding l.mu, so that the calls of others on the library do not
// wait for the disk; then the library is looked at again, and what was
// read is used only if the cassette did not change meanwhile (not put,
// deleted, loaded or written): one that did is taken as it is then. What
// the caller looked at under l.mu before calling may have changed.
func (l *Library) entryFor(name string) (*entry, error) {
	for {
		if err := l.prepare(); err != nil {
			return nil, err
		}
		e := l.entries[name]
		if e == nil || e.loaded {
			return e, nil
		}
		file, read := e.file, name
		if e.name != "" {
			// The cassette keeps the library's string, not the caller's.
			read = e.name
		}
		l.mu.Unlock()
		c, st, err := l.readCassette(read, file)
		l.mu.Lock()
		if l.entries[name] == e && !e.loaded {
			// e is unchanged: it was not deleted, replaced or written.
			if err != nil {
				return nil, err
			}
			e.c, e.loaded, e.stamp = c, true, st
			return e, nil
		}
		// The cassette changed while it was read: look again.
	}
}

// Append adds exchanges at the end of the cassette called name, creating
// it if needed. It returns an error for a name that is not a valid
// cassette name (see [ValidName]) and for an exchange that could not be
// saved and loaded back: without a method, with a status outside
// 100-999, or with a [Response.BodyFile] that cannot be read. A directory
// library also refuses a new name that differs only in case from one it
// holds (their files would be one on macOS and Windows). The library keeps the exchanges' headers and bodies: callers
// must not modify them afterwards.
func (l *Library) Append(name string, ex ...Exchange) error {
	if !ValidName(name) {
		return fmt.Errorf("append to cassette %q: %w", name, ErrInvalidName)
	}
	for i := range ex {
		err := checkExchange(&ex[i])
		if err == nil {
			err = checkBodyFile(&ex[i])
		}
		if err != nil {
			return fmt.Errorf("append to cassette %q: exchange %d: %w", name, i+1, err)
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	e, err := l.entryFor(name)
	if err != nil {
		return fmt.Errorf("append to cassette %q: %w", name, err)
	}
	if e == nil {
		if err := l.caseTwin("append to cassette", name); err != nil {
			return err
		}
		e = &entry{c: Cassette{Name: name}, loaded: true, owned: true, whole: l.deletedSince(name)}
		l.entries[name] = e
		l.names = nil
	} else if len(ex) == 0 {
		return nil
	}
	if !e.owned {
		e.c.Exchanges = slices.Clone(e.c.Exchanges)
		e.owned = true
	}
	e.c.Exchanges = append(e.c.Exchanges, ex...)
	l.added(ex, nil)
	e.added += len(ex)
	e.dirty = true
	l.changed = true
	return nil
}

// Put replaces the cassette c.Name with c, or adds it. It returns an error
// for an invalid name or exchange, or a new name differing only in case
// from another, as [Library.Append] does. The library
// keeps the exchanges' headers and bodies: callers must not modify them
// afterwards.
func (l *Library) Put(c Cassette) error {
	if err := checkCassette(&c); err != nil {
		return fmt.Errorf("put cassette: %w", err)
	}
	for i := range c.Exchanges {
		if err := checkBodyFile(&c.Exchanges[i]); err != nil {
			return fmt.Errorf("put cassette %q: exchange %d: %w", c.Name, i+1, err)
		}
	}
	// A cassette dropped from memory since Get returned it (a large
	// cassette: see noteLarge) is read again, without holding l.mu, as
	// getSlow reads one, so that the exchanges put back are not taken
	// for those a commit waits for; then the library is looked at again,
	// and what was read used only if the cassette did not change
	// meanwhile (not put, deleted, loaded or written).
	var (
		readFor *entry     // the dropped entry whose file was read
		stored  []Exchange // what the file held then; nil if it could not be read
	)
	for {
		l.mu.Lock()
		if err := l.prepare(); err != nil {
			l.mu.Unlock()
			return fmt.Errorf("put cassette %q: %w", c.Name, err)
		}
		old := l.entries[c.Name]
		if old != nil && !old.loaded && old.file != "" && old != readFor && l.commitWaitsFor(c.Exchanges) {
			file := old.file
			l.mu.Unlock()
			s, _, err := l.readCassette(c.Name, file)
			readFor, stored = old, nil
			if err == nil {
				stored = s.Exchanges
			}
			continue
		}
		if old != readFor {
			stored = nil // read for an entry that is gone
		}
		err := l.putLocked(c, old, stored)
		l.mu.Unlock()
		return err
	}
}

// putLocked is Put, once l is prepared; old is the entry of the cassette
// c.Name, if any, and stored what its file holds when old is not loaded
// (see Put). l.mu is held.
func (l *Library) putLocked(c Cassette, old *entry, stored []Exchange) error {
	e := &entry{
		c:      Cassette{Name: c.Name, Exchanges: slices.Clone(c.Exchanges)},
		loaded: true,
		owned:  true,
		dirty:  true,
		whole:  true,
	}
	var held []Exchange // put back by Put(Get(c)): see added
	if old != nil {
		e.file = old.file
		switch {
		case old.loaded:
			held = old.c.Exchanges
		case old.file != "" && l.commitWaitsFor(c.Exchanges):
			// Dropped from memory since Get returned it: as its file
			// held it when Put read it.
			held = stored
		}
		l.drop(old)
	} else {
		if err := l.caseTwin("put cassette", c.Name); err != nil {
			return err
		}
		l.names = nil
	}
	l.entries[c.Name] = e
	l.added(c.Exchanges, held)
	l.changed = true
	return nil
}

// Delete removes the cassette called name. Deleting a missing cassette is
// not an error; an invalid name is.
func (l *Library) Delete(name string) error {
	if !ValidName(name) {
		return fmt.Errorf("delete cassette %q: %w", name, ErrInvalidName)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.prepare(); err != nil {
		return fmt.Errorf("delete cassette %q: %w", name, err)
	}
	e := l.entries[name]
	if e == nil {
		return nil
	}
	delete(l.entries, name)
	l.forgetCase(name)
	l.drop(e)
	l.names = nil
	if e.file != "" {
		if l.gone == nil {
			l.gone = make(map[string]string)
		}
		l.gone[name] = e.file
	}
	if !l.dir {
		if l.removed == nil {
			l.removed = make(map[string]bool)
		}
		l.removed[name] = true
	}
	l.changed = true
	return nil
}

// Clear removes every cassette, as if the library were new: the next
// [Library.Save] replaces what is on disk with what was added since. It
// reads nothing, so it also clears a library whose files are invalid.
func (l *Library) Clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = make(map[string]*entry)
	l.folded = nil
	l.names = nil
	l.gone = nil
	l.ready = true
	l.cleared = true
	l.changed = true
}

// Save writes what changed since the last Save or load, atomically: each
// file is written to a temporary file in the same directory and renamed.
// A directory library writes one file per changed cassette and removes the
// files of deleted ones (after [Library.Clear], every cassette file it
// does not hold); a file library rewrites the file, merged with what
// another writer saved since this library read it (another Library of
// the same file, say a parallel test's): the cassettes this library
// changed or deleted are its own, every other is as the file has it.
//
// A cassette this library only appended to since it read or saved it
// (two recorders of one library recording the same request) is merged
// too, in both kinds of library: it is stored as the other writer saved
// it, followed by the exchanges appended here, which this library then
// holds as well; what [Library.DropExchanges] dropped here is dropped
// from the other writer's too. One put whole ([Library.Put]), or made anew after
// [Library.Delete] or [Library.Clear], replaces what is stored. Saves of
// one library by the libraries of one process take turns, and so do those
// of several processes where the system has flock (Linux, macOS, the
// BSDs: the library's folder, or the file's, is locked). Missing
// directories are created. Save with nothing changed writes nothing.
//
// A cassette that cannot be saved (a body file of it was removed since it
// was added, say) does not keep the others from being saved: Save writes
// every other one and returns an error naming each cassette it could not
// save, which stays changed, so that the next Save tries it again. Until
// then its file in a directory library, or its entry in a library file,
// stays as it was (a new cassette is not written at all). Errors name the
// files and cassettes concerned; they do not repeat the library's path.
func (l *Library) Save() error {
	l.saveMu.Lock()
	defer l.saveMu.Unlock()
	l.mu.Lock()
	if !l.changed {
		if l.dir || len(l.dropped) == 0 {
			l.mu.Unlock()
			return nil
		}
		// Body files given back by a Save that merged another writer's
		// cassettes (see keepSweep): removed now, if the file is still
		// as this library wrote it.
		sw, disk := l.planSweep(), l.disk
		l.mu.Unlock()
		return l.sweepUnchanged(sw, disk)
	}
	sw := l.planSweep()
	// The files are encoded and written without holding l.mu, so that Get
	// and Append go on meanwhile (saveMu keeps saves in order).
	if !l.dir {
		snap, ok := l.snapshotFile()
		l.mu.Unlock()
		if !ok {
			return nil
		}
		merged, failed, err := l.writeFile(snap)
		if err != nil || len(failed) > 0 {
			l.mu.Lock()
			if err != nil {
				l.unsnapshotFile(snap)
			} else {
				l.refailFile(snap, failed)
			}
			l.keepSweep(sw)
			l.mu.Unlock()
			if err != nil {
				return err
			}
			return notSaved(failed)
		}
		if merged {
			// Cassettes another writer saved came in: their body files
			// are not all known to sw, so none is removed this time; a
			// later Save removes them.
			l.mu.Lock()
			l.keepSweep(sw)
			l.mu.Unlock()
			return nil
		}
		return l.sweep(sw)
	}
	plan, err := l.planDir()
	if err != nil {
		l.keepSweep(sw)
		l.mu.Unlock()
		return err
	}
	l.mu.Unlock()
	failed, err := plan.write(l)
	l.mu.Lock()
	merged := l.adoptWrites(plan, failed)
	if err != nil || merged {
		// Merged: what another writer saved came in, and its body files
		// are not all known to sw; a later Save removes them.
		if err != nil {
			l.failedDir(plan, failed)
		}
		l.keepSweep(sw)
		l.mu.Unlock()
		return err
	}
	l.mu.Unlock()
	return l.sweep(sw)
}

// File returns where the cassette called name is stored: for a directory
// library its file name relative to the library folder (the name of the
// file it has, else the one Save would write), for a file library the name
// itself. It is what an unused report lists.
func (l *Library) File(name string) string {
	if !l.dir {
		return name
	}
	l.mu.RLock()
	if l.ready {
		if e := l.entries[name]; e != nil && e.file != "" {
			l.mu.RUnlock()
			return e.file
		}
		if l.format != "" {
			l.mu.RUnlock()
			return name + l.format.ext()
		}
	}
	l.mu.RUnlock()

	l.mu.Lock()
	defer l.mu.Unlock()
	_ = l.prepare() // on error, answer as for a new cassette
	if e := l.entries[name]; e != nil && e.file != "" {
		return e.file
	}
	return name + l.newFormat().ext()
}

// Large cassettes (bodies of largeCassette bytes or more) read from a
// directory library's files are kept in memory up to largeBudget bytes of
// bodies in all; past it the oldest are dropped and read again when next
// asked for. Small cassettes stay, so that a library of many small
// cassettes is served from memory.
const (
	largeCassette = 256 << 10
	largeBudget   = 32 << 20
)

// noteLarge counts the cassette c, just read from disk, against the
// budget of large cassettes, dropping the oldest when over it. l.mu is
// held.
func (l *Library) noteLarge(name string, c *Cassette) {
	var n int64
	for i := range c.Exchanges {
		n += int64(len(c.Exchanges[i].Request.Body) + len(c.Exchanges[i].Response.Body))
	}
	if n < largeCassette {
		return
	}
	if l.largeBytes == nil {
		l.largeBytes = map[string]int64{}
	}
	if old, ok := l.largeBytes[name]; ok {
		l.largeTotal -= old
	} else {
		l.large = append(l.large, name)
	}
	l.largeBytes[name] = n
	l.largeTotal += n
	for l.largeTotal > largeBudget && len(l.large) > 1 {
		oldest := l.large[0]
		l.large = l.large[1:]
		l.largeTotal -= l.largeBytes[oldest]
		delete(l.largeBytes, oldest)
		// Only a cassette that is on disk as it is in memory is dropped.
		if e := l.entries[oldest]; e != nil && e.loaded && !e.dirty && !e.owned && e.file != "" && oldest != name {
			e.c, e.loaded = Cassette{}, false
		}
	}
}
