package library

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/cassette-go/cassette/internal/atomicfile"
)

// This file keeps track of the body files a library committed, so that
// one whose exchange is given up is removed when nothing else may use it
// (see ReleaseBody).

// A bodyCommit is what a library knows of a body file that its
// BodyWriters committed, or that one of its Saves imported: while the
// library holds it (in Library.fresh), a Save does not sweep the file.
type bodyCommit struct {
	// pending counts the commits of the file not yet followed by the
	// Append or Put of their exchange, nor by ReleaseBody.
	pending int
	// created: a commit of this library created the file (there was none
	// at its path before), and every commit of it since found there the
	// file this library had put there. No cassette written before the
	// first commit can refer to it, then.
	created bool
	// file is the file the last commit of this library put at the path:
	// another that replaced it since (a commit of another library of the
	// same folder, or of another process) is not this library's to remove.
	file os.FileInfo
}

// sharedBodies holds the body files that a library of this process
// refers to without a commit of its own waiting for it: a file already in
// its body folder that a Save imported in place of another library's (see
// copyBody), or one named by an exchange appended or put that no commit of
// the library waits for. Such a file may be the commit of another library
// of the same folder, whose ReleaseBody then leaves it: a cassette file
// may refer to it. Entries stay for the process: one per such body file.
var sharedBodies sync.Map // sharedKey(absolute path) -> struct{}

// sharedKey returns the key of the body file path in sharedBodies: the
// path with the symbolic links of its folder resolved, so that libraries
// that name one folder through different paths (one through a link to
// it, as macOS's /var is to /private/var) agree on its files.
func sharedKey(path string) string {
	if dir, err := filepath.EvalSymlinks(filepath.Dir(path)); err == nil {
		return filepath.Join(dir, filepath.Base(path))
	}
	return path
}

// renameBody gives the committed body file tmp, whose file is ours, its
// final name path and notes it as committed (imported: by a Save, see
// copyBody, which no Append nor ReleaseBody follows); existed reports
// whether a file was at path before. l.mu is held around
// the rename, so that what l notes of the file is what is on disk as far
// as this library's commits and releases go.
func (l *Library) renameBody(tmp, path string, ours os.FileInfo, imported bool) (existed bool, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	existed, before, err := placeBody(tmp, path)
	if err != nil {
		return existed, err
	}
	if l.fresh == nil {
		l.fresh = map[string]*bodyCommit{}
	}
	b := l.fresh[path]
	if b == nil {
		b = &bodyCommit{}
		l.fresh[path] = b
	}
	switch {
	case imported:
		// Referred to by a cassette file as soon as the Save writes it,
		// which the library's cassettes may not show (see adoptImports).
		b.created = false
	case !existed:
		b.created = true
		b.pending++
	default:
		// There before: ours only if it is the file our last commit left.
		b.created = b.created && b.file != nil && before != nil && os.SameFile(before, b.file)
		b.pending++
	}
	b.file = ours
	return existed, nil
}

// placeBody gives the body file tmp its name path and reports whether a
// file was there already, and which (nil if it was not). The name is
// created with a hard link, which fails if it exists, so that of two
// libraries or processes committing the same content at once only one
// takes the file for its own creation; one that finds a file there
// replaces it by the same bytes (a link placed there is not trusted). On a
// file system without hard links it looks, then renames.
func placeBody(tmp, path string) (existed bool, before os.FileInfo, err error) {
	if testHookPlaceBody != nil {
		testHookPlaceBody(path)
	}
	err = os.Link(tmp, path)
	if err == nil {
		os.Remove(tmp) // path is the file now
		return false, nil, nil
	}
	before, err = os.Lstat(path)
	existed = !errors.Is(err, fs.ErrNotExist)
	return existed, before, atomicfile.Rename(tmp, path)
}

// testHookPlaceBody, if set by a test, runs as placeBody starts.
var testHookPlaceBody func(path string)

// markImported notes that a Save refers to the body file path, already in
// l's body folder, in place of another library's: it is not swept, and
// ReleaseBody does not remove it.
func (l *Library) markImported(path string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fresh == nil {
		l.fresh = map[string]*bodyCommit{}
	}
	sharedBodies.Store(sharedKey(path), struct{}{})
	if b := l.fresh[path]; b != nil {
		b.created = false
		return
	}
	l.fresh[path] = &bodyCommit{}
}

// added notes that ex, appended or put, refers to its body file: one
// commit of it is no longer pending, or, when none of l is, the file is
// shared (see sharedBodies). An exchange of ex that held holds too (the
// cassette that a Put replaces, read again if it was dropped from
// memory) is put back, not added: it refers to its body file as it did,
// and ends no commit (Put(Get(c)) would end those of exchanges still to
// be appended, whose files could then be removed as given up). l.mu is
// held.
func (l *Library) added(ex, held []Exchange) {
	var back map[heldExchange]int
	for i := range held {
		if held[i].Response.BodyFile != "" {
			if back == nil {
				back = map[heldExchange]int{}
			}
			back[heldKey(&held[i])]++
		}
	}
	for i := range ex {
		p := ex[i].Response.BodyFile
		if p == "" {
			continue
		}
		if k := heldKey(&ex[i]); back[k] > 0 {
			back[k]--
			continue
		}
		if b := l.fresh[p]; b != nil && b.pending > 0 {
			b.pending--
		} else {
			sharedBodies.Store(sharedKey(p), struct{}{})
		}
	}
}

// commitWaitsFor reports whether a commit of l waits for the Append of an
// exchange naming the body file of one of ex. l.mu is held.
func (l *Library) commitWaitsFor(ex []Exchange) bool {
	for i := range ex {
		if b := l.fresh[ex[i].Response.BodyFile]; b != nil && b.pending > 0 {
			return true
		}
	}
	return false
}

// A heldExchange tells an exchange naming a body file that a Put gives
// back from one it adds: its body file, request and time of recording,
// which a new recording of the same body (the exchange a commit waits
// for) does not share.
type heldExchange struct {
	file, method, url string
	sec               int64
	nsec              int
}

// heldKey returns the heldExchange of ex.
func heldKey(ex *Exchange) heldExchange {
	return heldExchange{
		file:   ex.Response.BodyFile,
		method: ex.Request.Method,
		url:    ex.Request.URL,
		sec:    ex.RecordedAt.Unix(),
		nsec:   ex.RecordedAt.Nanosecond(),
	}
}

// freshPaths returns the paths of the body files in l.fresh, which a Save
// does not sweep. l.mu is held.
func (l *Library) freshPaths() map[string]bool {
	out := make(map[string]bool, len(l.fresh))
	for p := range l.fresh {
		out[p] = true
	}
	return out
}

// ReleaseBody says that the exchange whose body file path a
// [BodyWriter.Commit] of l returned will not be added to l after all (a
// hook refused it, [Library.Append] failed): call it once per such
// Commit, in place of the Append. Body files are named after their
// content, so the file may be shared; ReleaseBody removes it only when a
// commit of l created it (there was no file at path before), no other
// commit of it by l is still waiting for its Append or ReleaseBody, no
// exchange l holds refers to it (nor one deleted since the last
// [Library.Save], whose cassette file may still), l was not cleared since
// the last Save, no other library of this process refers to it without
// committing it (a Save that took it as the copy of another library's
// body file, an exchange appended or put naming it), and the file is
// still the one l committed (not replaced by the commit of another
// library or process writing the same folder).
// Otherwise the file stays, and l no longer keeps it from being removed
// by a Save (see [Library.Save] on deleted exchanges) or listed by
// [Library.UnusedBodies]. A body file that exists before l commits it,
// such as one a saved cassette refers to, is never removed by
// ReleaseBody. Once it removes the file, it removes the body folder, and
// the folder of a directory library that a [Library.NewBody] of l made,
// when nothing else is left in them, as [Library.Discard] does: a first
// recording whose only exchange a hook refused leaves no library folder
// behind, which would pass for a library recorded.
//
// ReleaseBody waits for a Save in progress. A path l did not commit, or
// already released, is left alone and is not an error; the error is that
// of removing the file. It is safe for concurrent use.
//
// Another library or process that commits the same content just as
// ReleaseBody checks the file may see its body file removed before it is
// added (Append then refuses the exchange): a library's folder is not
// locked against other writers while it records.
func (l *Library) ReleaseBody(path string) error {
	l.saveMu.Lock() // no Save is between its plan and its sweep
	defer l.saveMu.Unlock()
	removed, err := l.releaseBody(path)
	if removed {
		// The folder of a directory library that a NewBody of l made
		// goes too if nothing else is left in it, as Discard removes it
		// (a hook that refused the only exchange of a first recording).
		l.mu.RLock()
		made := l.madeFolder
		l.mu.RUnlock()
		if made != nil && l.removeMadeFolder(made) {
			l.forgetMadeFolder(made)
		}
	}
	return err
}

// forgetMadeFolder forgets that a NewBody of l made its folder, made, once
// that folder is gone. l.mu is not held.
func (l *Library) forgetMadeFolder(made os.FileInfo) {
	l.mu.Lock()
	if l.madeFolder == made {
		l.madeFolder = nil
	}
	l.mu.Unlock()
}

// releaseBody is ReleaseBody, but for the library's folder; it reports
// whether it removed the body file. l.saveMu is held.
func (l *Library) releaseBody(path string) (removed bool, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.fresh[path]
	if b == nil {
		return false, nil
	}
	if b.pending > 0 {
		b.pending--
	}
	if b.pending > 0 {
		return false, nil
	}
	if l.refersTo(path) {
		// Kept by l.fresh until l forgets the exchange referring to it:
		// a Save whose plan came before it was appended must not sweep
		// the file.
		return false, nil
	}
	delete(l.fresh, path)
	if _, shared := sharedBodies.Load(sharedKey(path)); !b.created || shared || l.cleared || l.dropped[path] {
		// Not ours, another library of this process refers to it, or a
		// cassette file may refer to it until the next Save, which
		// removes it if no cassette does.
		return false, nil
	}
	dir := l.bodyFolder()
	if filepath.Dir(path) != dir || !bodyFileName.MatchString(filepath.Base(path)) || l.checkBodyFolder() != nil {
		return false, nil
	}
	cur, err := os.Lstat(path)
	if err != nil || !os.SameFile(cur, b.file) {
		return false, nil // gone, or another writer's now
	}
	if err := atomicfile.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("release body file %s: %w", path, unwrapPath(err))
	}
	if ents, err := os.ReadDir(dir); err == nil && len(ents) == 0 {
		removeFolder(dir) // as a Save's sweep does (see NewBody)
	}
	return true, nil
}

// refersTo reports whether an exchange of a loaded cassette of l refers
// to the body file path. l.mu is held.
func (l *Library) refersTo(path string) bool {
	for _, e := range l.entries {
		for i := range e.c.Exchanges {
			if e.c.Exchanges[i].Response.BodyFile == path {
				return true
			}
		}
	}
	return false
}

// Discard gives up every change l holds unsaved, when no Save is to follow
// (a recording that ends as its last Save failed, on a full disk): l is
// then as if opened anew, holding what its files hold, and the body files
// that l committed for the exchanges it gave up are removed, as
// [Library.ReleaseBody] would remove them, unless a cassette file of the
// library names one (its body was saved before, in another exchange). So a
// recording that could not be saved leaves no body file behind that no
// cassette names, nor the folder of a directory library that a body file
// of l made, when nothing else is left in it (a folder left, empty, would
// pass for a library recorded). A body file still waiting for its Append
// or ReleaseBody stays. The error is that of reading the library's files, which leaves
// the body files in place, or of removing one.
//
// Discard waits for a Save in progress. It is safe for concurrent use.
func (l *Library) Discard() error {
	l.saveMu.Lock()
	defer l.saveMu.Unlock()
	l.mu.Lock()
	given := map[string]*bodyCommit{}
	for p, b := range l.fresh {
		if b.created && b.pending == 0 {
			given[p] = b
			delete(l.fresh, p)
		}
	}
	// As Open leaves it.
	l.entries = make(map[string]*entry)
	l.ready, l.format, l.names, l.folded = false, l.fixed, nil, nil
	l.gone, l.cleared, l.changed, l.dropped, l.removed = nil, false, false, nil, nil
	l.large, l.largeBytes, l.largeTotal = nil, nil, 0
	l.disk = fileStamp{}
	made := l.madeFolder
	l.madeFolder = nil
	l.mu.Unlock()
	defer l.removeMadeFolder(made)
	if len(given) == 0 {
		return nil
	}

	// The body files the library's files name now keep theirs.
	onDisk, err := Open(l.path, WithFormat(l.fixed))
	if err == nil {
		err = onDisk.Load()
	}
	if err != nil {
		return fmt.Errorf("give up unsaved body files: %w", err)
	}
	named := map[string]bool{}
	onDisk.mu.RLock()
	for _, e := range onDisk.entries {
		for i := range e.c.Exchanges {
			named[e.c.Exchanges[i].Response.BodyFile] = true
		}
	}
	onDisk.mu.RUnlock()
	dir := l.bodyFolder()
	if l.checkBodyFolder() != nil {
		return nil
	}
	var errs []error
	for p, b := range given {
		if named[p] || filepath.Dir(p) != dir || !bodyFileName.MatchString(filepath.Base(p)) {
			continue
		}
		if _, shared := sharedBodies.Load(sharedKey(p)); shared {
			continue // another library of this process refers to it
		}
		if cur, err := os.Lstat(p); err != nil || !os.SameFile(cur, b.file) {
			continue // gone, or another writer's now
		}
		// As ReleaseBody and a Save's sweep remove one: on Windows, once
		// a reader (a replay in another process) lets it go.
		if err := atomicfile.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("give up body file %s: %w", p, unwrapPath(err)))
		}
	}
	if ents, err := os.ReadDir(dir); err == nil && len(ents) == 0 {
		removeFolder(dir) // as a Save's sweep does
	}
	return errors.Join(errs...)
}

// removeMadeFolder removes the folder of the directory library l if it is
// made, the folder a NewBody of l made, and holds nothing: the body files
// of a recording given up were all it was made for. It reports whether
// the folder is gone. l.mu is not held.
func (l *Library) removeMadeFolder(made os.FileInfo) bool {
	if made == nil {
		return false
	}
	defer l.lockToRemoveFolder()()
	return l.removeMadeFolderLocked(made)
}

// removeMadeFolderLocked is removeMadeFolder, with the lock of the
// folder's saves held (see Library.lockToRemoveFolder).
func (l *Library) removeMadeFolderLocked(made os.FileInfo) bool {
	if fi, err := os.Lstat(l.abs); err != nil || !os.SameFile(fi, made) {
		return err != nil // gone, or another's now
	}
	if fi, err := os.Lstat(l.bodyFolder()); err == nil && fi.IsDir() {
		removeFolder(l.bodyFolder()) // only if empty, as a Save's sweep does
	}
	if ents, err := os.ReadDir(l.abs); err == nil && len(ents) == 0 {
		return removeFolder(l.abs) == nil
	}
	return false
}
