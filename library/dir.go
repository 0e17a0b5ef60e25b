package library

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/cassette-go/cassette/internal/atomicfile"
)

// This file is the directory store: a folder holds one file per cassette,
// NAME.json or NAME.yaml (NAME.yml is read too).

// A dirListing is what a directory library's folder holds.
type dirListing struct {
	files       map[string]string // file name of each cassette, by cassette name
	json, yaml  int               // number of files in each format
	problems    []dirProblem      // files that are not cassette files
	dups        []string          // cassette files whose cassette has another file
	notExist    bool              // there is no folder
	notDirError error             // the path is not a folder, or cannot be read
	isFile      bool              // the path is a file
	abs         string            // the folder listed
}

// listErr returns the error of a listing whose notDirError is set, of the
// folder path.
func (ls *dirListing) listErr(path string) error {
	if ls.isFile {
		return errKind(path, true)
	}
	return fmt.Errorf("list cassettes in %s: %w", path, inTheWay(path, ls.abs, ls.notDirError))
}

type dirProblem struct {
	file string // file name in the folder
	msg  string
}

// IgnoredFile reports whether a directory library leaves alone a file
// (or folder) of this name in its folder, as no cassette of it and no
// error: a name that starts with a dot (.gitkeep, .DS_Store, notes of
// your own such as .README.md, the temporary files of a Save), and the
// files Windows Explorer writes into folders it shows (desktop.ini,
// Thumbs.db, ehthumbs.db, in any case). Any other file that is not a
// cassette file is an error naming it.
// A rerecord, which replaces the library's folder, keeps them.
func IgnoredFile(name string) bool { return atomicfile.LeftAlone(name) }

// scanDir lists the folder at abs. It reads no cassette file, and stats
// only symbolic links.
func scanDir(abs string) dirListing {
	ls := dirListing{files: make(map[string]string), abs: abs}
	if fi, err := os.Stat(abs); err == nil && !fi.IsDir() && !fi.Mode().IsRegular() {
		// Not opened: opening a named pipe waits for a writer.
		ls.notDirError = errors.New("not a folder: a named pipe, a device or a socket")
		return ls
	}
	d, err := os.Open(abs)
	if errors.Is(err, fs.ErrNotExist) {
		ls.notExist = true
		return ls
	}
	if err != nil {
		ls.notDirError = unwrapPath(err)
		return ls
	}
	defer d.Close()
	ents, err := d.ReadDir(-1)
	if err != nil {
		ls.notDirError = unwrapPath(err)
		if fi, err := d.Stat(); err == nil && !fi.IsDir() {
			ls.isFile = true
		}
		return ls
	}
	for _, de := range ents {
		file := de.Name()
		if IgnoredFile(file) {
			continue // .gitkeep, .DS_Store, temporary files of Save, desktop.ini
		}
		typ := de.Type()
		if typ&fs.ModeSymlink != 0 {
			fi, err := os.Stat(filepath.Join(abs, file))
			if err != nil {
				ls.problems = append(ls.problems, dirProblem{file, "broken symbolic link"})
				continue
			}
			typ = fi.Mode().Type()
		}
		if typ.IsDir() && file == bodiesDir {
			continue // the body files
		}
		if typ.IsDir() {
			ls.problems = append(ls.problems, dirProblem{file, "unexpected subdirectory: a directory library holds only cassette files and its bodies folder; " +
				"if this subdirectory is a library, give its path, not its parent's (a folder of libraries is no library), else start its name with a dot"})
			continue
		}
		f, ok := formatOf(file)
		if !ok {
			ls.problems = append(ls.problems, dirProblem{file, "not a cassette file: want NAME.json, NAME.yaml or NAME.yml (a file of your own, such as notes on the fixtures, may stay if its name starts with a dot: .README.md)"})
			continue
		}
		if !typ.IsRegular() {
			ls.problems = append(ls.problems, dirProblem{file, "not a regular file"})
			continue
		}
		name := file[:len(file)-len(filepath.Ext(file))]
		if !ValidName(name) {
			ls.problems = append(ls.problems, dirProblem{file, fmt.Sprintf("invalid cassette name %q (see library.ValidName)", name)})
			continue
		}
		if other, dup := ls.files[name]; dup {
			a, b := min(file, other), max(file, other)
			ls.problems = append(ls.problems, dirProblem{b, fmt.Sprintf("two files for cassette %q: %s and %s", name, a, b)})
			ls.dups = append(ls.dups, file)
			continue
		}
		ls.files[name] = file
		if f == YAML {
			ls.yaml++
		} else {
			ls.json++
		}
	}
	return ls
}

// format returns the format of most files in the listing, "" for none.
func (ls *dirListing) format() Format {
	switch {
	case ls.yaml > ls.json:
		return YAML
	case ls.json > 0:
		return JSON
	}
	return ""
}

// err returns the error of the listing of the folder path, naming the first
// problem file in order.
func (ls *dirListing) err(path string) error {
	if ls.notDirError != nil {
		return ls.listErr(path)
	}
	if len(ls.problems) == 0 {
		return nil
	}
	slices.SortFunc(ls.problems, func(a, b dirProblem) int { return strings.Compare(a.file, b.file) })
	p := ls.problems[0]
	err := fileErrorf(filepath.Join(path, p.file), 0, "%s", p.msg)
	if n := len(ls.problems) - 1; n > 0 {
		err = fmt.Errorf("%w (and %d more files)", err, n)
	}
	return err
}

// list lists the folder; the caller must hold l.mu for writing.
func (l *Library) list() error {
	ls := scanDir(l.abs)
	if l.format == "" {
		l.format = ls.format()
	}
	if err := ls.err(l.path); err != nil {
		return err
	}
	if l.format == "" {
		l.format = JSON
	}
	slab := make([]entry, len(ls.files))
	l.entries = make(map[string]*entry, len(ls.files))
	l.folded = nil
	i := 0
	for name, file := range ls.files {
		slab[i] = entry{file: file, name: name}
		l.entries[name] = &slab[i]
		i++
	}
	l.names = nil
	l.ready = true
	return nil
}

// newFormat returns the format of new files, finding it if needed; the
// caller must hold l.mu for writing.
func (l *Library) newFormat() Format {
	if l.format == "" {
		// Not listed yet, or listed with errors, or cleared first.
		ls := scanDir(l.abs)
		l.format = ls.format()
		if l.format == "" {
			l.format = JSON
		}
	}
	return l.format
}

// readCassette reads the cassette called name from its file, or takes it
// from the process cache, and returns the stamp of the file it read. It
// does not use l.mu.
func (l *Library) readCassette(name, file string) (Cassette, fileStamp, error) {
	if testHookReadCassette != nil {
		testHookReadCassette(l, name)
	}
	path := filepath.Join(l.path, file)
	f, _ := formatOf(file)
	v, st, err := readCached(path, filepath.Join(l.abs, file), func(data []byte) (decoded, error) {
		c, err := decodeCassette(path, f, name, data)
		absBodies(l.abs, []Cassette{c})
		return decoded{one: c}, err
	})
	if err != nil {
		return Cassette{}, st, err
	}
	if !st.exists {
		return Cassette{}, st, fmt.Errorf("read cassette %q: %s was removed", name, path)
	}
	return v.one, st, nil
}

// testHookReadCassette, if set by a test, runs as readCassette starts.
var testHookReadCassette func(l *Library, name string)

// loadDir lists the folder and reads every cassette file not read yet, a
// few at a time.
func (l *Library) loadDir() error {
	type job struct {
		name, file string
		e          *entry
		c          Cassette
		st         fileStamp
		err        error
	}
	l.mu.Lock()
	if err := l.prepare(); err != nil {
		l.mu.Unlock()
		return err
	}
	var jobs []job
	for _, name := range l.sortedNames() {
		if e := l.entries[name]; !e.loaded {
			jobs = append(jobs, job{name: name, file: e.file, e: e})
		}
	}
	l.mu.Unlock()

	var (
		wg   sync.WaitGroup
		next = make(chan int)
	)
	for range min(len(jobs), runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := range next {
				jobs[i].c, jobs[i].st, jobs[i].err = l.readCassette(jobs[i].name, jobs[i].file)
			}
		})
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()

	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range jobs {
		j := &jobs[i]
		if j.err != nil {
			return j.err
		}
		if l.entries[j.name] == j.e && !j.e.loaded {
			j.e.c, j.e.loaded, j.e.stamp = j.c, true, j.st
		}
	}
	return nil
}

// A dirPlan is what a Save of a directory library writes and removes,
// worked out under the library's lock so that the files can be written
// without holding it: recording goes on while the disk works.
type dirPlan struct {
	mkdir  bool
	writes []dirWrite
	remove []string // files, relative to the folder
	// The files of remove whose names differ only in case from a file
	// written (a cassette renamed so): removed before the writes, as on a
	// case-insensitive file system they are the file written.
	removeFirst []string
	// The files of the cassettes kept, by their names in lower case: a
	// file to remove that is one of them on a case-insensitive file system
	// is not removed (see write).
	kept map[string]string
}

type dirWrite struct {
	name, file, target string
	c                  Cassette // as it was when planned (exchanges are never changed in place), then merged
	e                  *entry   // the entry planned

	// What mergeAppended needs: how many exchanges were appended since
	// the cassette was last read or saved, whether it replaces the file
	// whatever it holds, what DropExchanges dropped since, and the file as
	// this library last read or wrote it.
	added int
	whole bool
	drops []func(Exchange) bool
	stamp fileStamp

	merged   bool      // the write merged what another writer saved
	newStamp fileStamp // the file as written
}

// planDir lists the changed cassettes and the files to remove,
// marking the library clean. l.mu is held. If the plan then fails,
// failedDir marks its cassettes changed again.
func (l *Library) planDir() (*dirPlan, error) {
	p := &dirPlan{}
	for _, name := range l.sortedNames() {
		e := l.entries[name]
		if !e.dirty {
			continue
		}
		file := e.file
		if file == "" {
			file = name + l.newFormat().ext()
		}
		target, err := l.inside(file)
		if err != nil {
			return nil, err
		}
		p.writes = append(p.writes, dirWrite{name: name, file: file, target: target, c: e.c, e: e,
			added: e.added, whole: e.whole || l.cleared, drops: e.drops, stamp: e.stamp})
	}
	p.mkdir = len(p.writes) > 0

	// Remove what no cassette is stored in any more.
	keep := make(map[string]bool, len(l.entries))
	for _, e := range l.entries {
		if e.file != "" {
			keep[e.file] = true
		}
	}
	for _, w := range p.writes {
		keep[w.file] = true
	}
	for _, file := range l.gone {
		if !keep[file] {
			p.remove = append(p.remove, file)
		}
	}
	if l.cleared {
		ls := scanDir(l.abs)
		if ls.notDirError != nil {
			return nil, ls.listErr(l.path)
		}
		for _, file := range ls.files {
			if !keep[file] {
				p.remove = append(p.remove, file)
			}
		}
		for _, file := range ls.dups {
			if !keep[file] {
				p.remove = append(p.remove, file)
			}
		}
	}
	slices.Sort(p.remove)
	p.remove = slices.Compact(p.remove)
	for _, file := range p.remove {
		if _, err := l.inside(file); err != nil {
			return nil, err
		}
	}
	if len(p.remove) > 0 {
		written := make(map[string]bool, len(p.writes))
		for _, w := range p.writes {
			written[strings.ToLower(w.file)] = true
		}
		p.removeFirst = slices.DeleteFunc(slices.Clone(p.remove), func(f string) bool { return !written[strings.ToLower(f)] })
		p.remove = slices.DeleteFunc(p.remove, func(f string) bool { return written[strings.ToLower(f)] })
	}
	for _, w := range p.writes {
		e := l.entries[w.name]
		e.saving = e.added
		e.file, e.dirty, e.added, e.whole, e.drops = w.file, false, 0, false, nil
	}
	if len(p.remove)+len(p.removeFirst) > 0 {
		p.kept = make(map[string]string, len(l.entries))
		for _, e := range l.entries {
			if e.file != "" {
				p.kept[strings.ToLower(e.file)] = e.file
			}
		}
	}
	l.gone, l.cleared, l.changed = nil, false, false
	return p, nil
}

// A dirFailure is what of a dirPlan a Save could not carry out.
type dirFailure struct {
	writes  map[string]bool // cassettes not written, by name; nil for all
	removes []string        // files not removed
}

// write carries the plan out; l.mu is not held. A cassette that cannot
// be written does not keep the others from being written: err names
// each, and failed tells what failedDir marks changed again.
func (p *dirPlan) write(l *Library) (failed dirFailure, err error) {
	// A folder this Save makes and then writes nothing into (a full
	// disk) is removed: a library folder left behind, empty, would be
	// taken for a library recorded (replayed in once mode).
	made := p.mkdir && !exists(l.abs)
	if p.mkdir {
		if err := mkdirAll(l.path, l.abs); err != nil {
			return dirFailure{removes: append(slices.Clone(p.removeFirst), p.remove...)}, err
		}
	}
	var errs []error
	// keepSame: a file that is a kept cassette's is not removed; not so
	// for removeFirst, whose files are, on a case-insensitive file system,
	// the ones about to be written under a new spelling.
	remove := func(files []string, keepSame bool) {
		for _, file := range files {
			target, err := l.inside(file)
			if err == nil && keepSame && l.sameAsKept(p, file, target) {
				continue
			}
			if err == nil {
				err = atomicfile.Remove(target)
				cacheForget(target)
			}
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				failed.removes = append(failed.removes, file)
				errs = append(errs, withDiskHint(fmt.Errorf("remove %s: %w", filepath.Join(l.path, file), unwrapPath(err))))
			}
		}
	}
	remove(p.removeFirst, false)
	if len(p.writes) > 0 {
		if testHookLockFolder != nil {
			testHookLockFolder(l.abs)
		}
		unlock := lockFolder(l.abs)
		// Another writer of the folder (another Library, or process) may
		// have removed it, empty, while this Save waited for it: its own
		// first Save wrote nothing (see below), or a body file it gave up
		// made the folder (see BodyWriter.Abort). Made again, and locked
		// anew (a lock taken on no folder is none across processes).
		for try := 0; !exists(l.abs) && try < 3; try++ {
			unlock()
			if err := mkdirAll(l.path, l.abs); err != nil {
				failed.removes = append(failed.removes, p.remove...)
				return failed, errors.Join(append(errs, err)...)
			}
			made = true
			unlock = lockFolder(l.abs)
		}
		defer unlock()
		if testHookFolderLocked != nil {
			testHookFolderLocked(l.abs)
		}
	}
	for i := range p.writes {
		if w := &p.writes[i]; !p.renamedByCase(w.file) {
			l.mergeAppended(w)
		}
	}
	cs := make([]Cassette, len(p.writes))
	for i := range p.writes {
		cs[i] = p.writes[i].c
	}
	// Ready in the order of the writes, without those that failed.
	ready, bad, im := l.prepareBodies(cs)
	failed.writes = map[string]bool{}
	for i := range p.writes {
		w := &p.writes[i]
		if bad[w.name] != nil {
			continue
		}
		c := &ready[0]
		ready = ready[1:]
		path := filepath.Join(l.path, w.file)
		f, _ := formatOf(w.file)
		data, err := encodeCassette(f, c)
		if err == nil {
			err = saveFileAt(path, w.target, data)
			w.newStamp = stampOf(w.target)
		} else {
			err = fmt.Errorf("encode %s: %w", path, err)
		}
		if err != nil {
			if bad == nil {
				bad = map[string]error{}
			}
			bad[w.name] = err
		}
	}
	// The body files imported: kept for the cassettes written, else
	// removed (within the folder's lock).
	l.settleImports(im, func(name string) bool { return bad[name] == nil })
	for name := range bad {
		failed.writes[name] = true
	}
	if len(bad) > 0 {
		errs = append(errs, notSaved(bad))
	}
	remove(p.remove, true)
	if made && len(bad) == len(p.writes) {
		removeFolder(l.abs) // only if empty: a body folder, or a file of another writer, keeps it
	}
	return failed, errors.Join(errs...)
}

// testHookLockFolder, if set by a test, runs as a Save of a directory
// library is about to take the lock of its folder, or a removal of the
// folder it may find empty is (see Library.lockToRemoveFolder).
var testHookLockFolder func(abs string)

// testHookFolderLocked, if set by a test, runs once a Save of a directory
// library holds the lock of its folder, and found the folder there.
var testHookFolderLocked func(abs string)

// sameAsKept reports whether the file to remove (at target) is, on a
// case-insensitive file system, the file of a cassette kept, whose name
// differs from it only in case: a cassette renamed by case, whose old
// file a Save failed to remove before writing the new one.
func (l *Library) sameAsKept(p *dirPlan, file, target string) bool {
	k, ok := p.kept[strings.ToLower(file)]
	if !ok || k == file {
		return false
	}
	a, errA := os.Lstat(target)
	b, errB := os.Lstat(filepath.Join(l.abs, k))
	return errA == nil && errB == nil && os.SameFile(a, b)
}

// failedDir marks what a plan failed to write or remove as changed again,
// so that the next Save tries again. l.mu is held.
func (l *Library) failedDir(p *dirPlan, failed dirFailure) {
	for _, w := range p.writes {
		if e := l.entries[w.name]; e != nil && (failed.writes == nil || failed.writes[w.name]) {
			e.dirty = true
			if e == w.e {
				e.added += e.saving // w.added, less those dropped since
				e.whole = e.whole || w.whole
				e.drops = append(slices.Clip(w.drops), e.drops...)
			}
		}
	}
	for _, file := range failed.removes {
		if l.gone == nil {
			l.gone = map[string]string{}
		}
		l.gone["\x00"+file] = file
	}
	l.changed = true
}

// mkdirAll creates the folder abs, called path in errors, and the missing
// folders above it. An error says when what is in the way is a symbolic
// link to nothing, which os.MkdirAll reports as "file exists".
func mkdirAll(path, abs string) error {
	err := os.MkdirAll(abs, 0o777) // less the umask
	if err == nil {
		return nil
	}
	// The folder in the way: abs, or one above it.
	at := abs
	var pe *fs.PathError
	if errors.As(err, &pe) && filepath.IsAbs(pe.Path) {
		at = pe.Path
	}
	if fi, lerr := os.Lstat(at); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
		if _, serr := os.Stat(at); errors.Is(serr, fs.ErrNotExist) {
			target, _ := os.Readlink(at)
			what := at + " is"
			if at == abs {
				what = "it is"
			}
			return fmt.Errorf("create folder %s: %s a symbolic link to %s, which does not exist: create that folder, or remove the link", path, what, target)
		}
	}
	return withDiskHint(fmt.Errorf("create folder %s: %w", path, inTheWay(path, abs, unwrapPath(err))))
}

// inside returns the absolute path of file in the folder, checking that it
// is a file right in the folder: names are validated, but a bug there must
// not write elsewhere.
func (l *Library) inside(file string) (string, error) {
	target := filepath.Join(l.abs, file)
	if filepath.Dir(target) != filepath.Clean(l.abs) || file != filepath.Base(target) {
		return "", fmt.Errorf("cassette file %q is not right in the folder %s", file, l.path)
	}
	return target, nil
}
