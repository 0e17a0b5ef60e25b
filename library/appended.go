package library

import (
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// This file is how a Save keeps what another writer saved of a cassette
// this library appended to: two recorders of one library (two clients of
// one test, parallel tests, two processes) that record the same request
// each append an exchange to the cassette, and each Save writes the
// cassette whole. Without a merge, the last Save would drop the other's
// exchange. A cassette this library only appended to since it last read
// or saved it is stored as the file now has it, followed by the exchanges
// appended; one it put whole (Put, or made anew after Delete or Clear)
// replaces the stored one.

// deletedSince reports whether the cassette called name was deleted since
// the last Save (Delete, or Clear): made anew, it replaces the stored
// one. l.mu is held.
func (l *Library) deletedSince(name string) bool {
	if l.cleared || l.removed[name] {
		return true
	}
	_, gone := l.gone[name]
	return gone
}

// withAppended returns the exchanges of stored, a cassette as another
// writer saved it, followed by the last added exchanges of mine, in a new
// slice.
func withAppended(stored, mine []Exchange, added int) []Exchange {
	added = min(added, len(mine))
	out := make([]Exchange, 0, len(stored)+added)
	out = append(out, stored...)
	return append(out, mine[len(mine)-added:]...)
}

// adoptMerged makes the entry e, if it is still the cassette called name
// and was not put whole since, hold merged, the exchanges a Save wrote,
// less those DropExchanges dropped since, followed by those appended since
// the Save took the cassette. l.mu is held.
func (l *Library) adoptMerged(name string, e *entry, merged []Exchange) {
	if l.entries[name] != e || e.whole || !e.loaded {
		return
	}
	since := e.c.Exchanges[len(e.c.Exchanges)-min(e.added, len(e.c.Exchanges)):]
	if len(e.drops) > 0 {
		merged = dropFrom(merged, e.drops...)
	}
	// merged itself when nothing was appended or dropped since: a file
	// library's Save then knows it as the cassette it saved (see
	// adoptImports).
	e.c.Exchanges = append(slices.Clip(merged), since...)
	e.owned = true
}

// folderLocks serialize, by absolute path (symbolic links resolved), the
// saves of the directory libraries of this process that write one folder.
var folderLocks sync.Map // string -> *sync.Mutex

// lockFolder takes the lock of the saves of the directory library at abs,
// an existing folder: that of this process, then, where the system has
// flock, one on the folder that every process takes (see lockFile).
func lockFolder(abs string) (unlock func()) {
	dir := abs
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		dir = real
	}
	mu, _ := folderLocks.LoadOrStore(dir, new(sync.Mutex))
	mu.(*sync.Mutex).Lock()
	unlockDir := lockDir(dir)
	return func() {
		unlockDir()
		mu.(*sync.Mutex).Unlock()
	}
}

// mergeAppended makes w, the write of a cassette that this library only
// appended to, hold the cassette as its file now has it followed by the
// exchanges appended, when another writer saved the file since this
// library read or wrote it. A file that cannot be read is replaced as
// before. The folder's lock is held (see lockFolder), l.mu is not.
func (l *Library) mergeAppended(w *dirWrite) {
	if w.whole {
		return
	}
	if st := stampOf(w.target); !st.exists || st.same(w.stamp) {
		return
	}
	stored, _, err := l.readCassette(w.name, w.file)
	if err != nil {
		return
	}
	if len(w.drops) > 0 {
		l.mu.Lock() // drop is called with the library locked (see DropExchanges)
		stored.Exchanges = dropFrom(stored.Exchanges, w.drops...)
		l.mu.Unlock()
	}
	w.c.Exchanges = withAppended(stored.Exchanges, w.c.Exchanges, w.added)
	w.merged = true
}

// adoptWrites makes the entries of the cassettes a Save of plan wrote
// remember their files as written, and hold what was merged into them;
// merged reports whether anything was. l.mu is held.
func (l *Library) adoptWrites(p *dirPlan, failed dirFailure) (merged bool) {
	for _, w := range p.writes {
		if failed.writes == nil || failed.writes[w.name] || l.entries[w.name] != w.e {
			continue
		}
		w.e.stamp = w.newStamp
		if w.merged {
			l.adoptMerged(w.name, w.e, w.c.Exchanges)
			merged = true
		}
	}
	return merged
}

// unsnapshotEntry gives back to e, the cassette called name, what the
// snapshot of a file library's Save that did not save it took from it:
// the exchanges appended, and whether it replaces the stored one. l.mu is
// held.
func (l *Library) unsnapshotEntry(snap fileSnapshot, name string, e *entry) {
	if snap.ents[name] != e {
		return
	}
	if _, ok := snap.added[name]; ok {
		e.added += e.saving // snap.added[name], less those dropped since
	} else {
		e.whole = true
	}
	e.drops = append(slices.Clip(snap.drops[name]), e.drops...)
}

// renamedByCase reports whether file is the new spelling of a cassette
// renamed by case in this plan: on a case-insensitive file system, what
// is at file before the write was the old cassette, not another writer's.
func (p *dirPlan) renamedByCase(file string) bool {
	for _, f := range p.removeFirst {
		if strings.EqualFold(f, file) {
			return true
		}
	}
	return false
}
