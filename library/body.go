package library

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"maps"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cassette-go/cassette/internal/atomicfile"
)

// This file is the store of body files: response bodies kept in files of
// their own beside the cassettes (see "Body files" in the package
// documentation), so that a body of any size is written and served
// without being held in memory.

// bodyFolder returns the absolute path of the folder where l keeps body
// files: "bodies" in a directory library, NAME.json.bodies beside a file
// library NAME.json (the extension kept, so that api.json and api.yaml in
// one folder do not share one).
func (l *Library) bodyFolder() string {
	if l.dir {
		return filepath.Join(l.abs, bodiesDir)
	}
	return l.realFile() + ".bodies"
}

// realFile returns the absolute path of a file library's file: the file a
// symbolic link names, when l.abs is one, so that a linked library keeps
// its body files, and names them, beside the file it lives in.
func (l *Library) realFile() string {
	if target, err := filepath.EvalSymlinks(l.abs); err == nil {
		return target
	}
	return l.abs
}

// bodiesDir is the name of the body folder of a directory library.
const bodiesDir = "bodies"

// baseDir returns the absolute path of the folder that the body_file
// paths of l's cassette files are relative to: the folder of the cassette
// files.
func (l *Library) baseDir() string {
	if l.dir {
		return l.abs
	}
	return filepath.Dir(l.realFile())
}

// bodyFileName matches the names of the body files a library writes: the
// first 128 bits of the SHA-256 of the content, in hex.
var bodyFileName = regexp.MustCompile(`^[0-9a-f]{32}\.bin$`)

// A BodyWriter writes a body file into a library: the bytes go to a
// temporary file in the library's body folder, which [BodyWriter.Commit]
// names after its content. It is not safe for concurrent use. Make one
// with [Library.NewBody]: the zero BodyWriter writes nothing, and its
// methods return an error.
type BodyWriter struct {
	l    *Library
	f    *os.File
	h    hash.Hash
	n    int64
	done bool

	created os.FileInfo // after commit: the file, if no file was at its path before; else nil
	made    []string    // the folders NewBody made for it, outermost first: Abort removes them if empty
}

// errNoBody is the error of a BodyWriter that NewBody did not make.
var errNoBody = errors.New("no body file: make the BodyWriter with Library.NewBody")

// NewBody starts a body file in l's body folder, creating the folder if
// needed (and a directory library's folder); when it fails, it removes
// the folders it made, as Abort does. The caller writes the body, then calls [BodyWriter.Commit] and
// stores the path it returns as a [Response.BodyFile], or calls
// [BodyWriter.Abort]. An exchange that, once its body is committed, is not
// added to l after all (a hook refused it, Append failed) is given up
// with [Library.ReleaseBody], or its body file stays on disk.
func (l *Library) NewBody() (*BodyWriter, error) {
	return l.newBody(false)
}

// newBody is NewBody. inSave says that a Save calls it, to copy another
// library's body file (see copyBody): it holds the lock of the library's
// folder, which a NewBody that fails does not take again to remove the
// folders it made (see abort).
func (l *Library) newBody(inSave bool) (*BodyWriter, error) {
	dir := l.bodyFolder()
	if err := l.checkBodyFolder(); err != nil {
		return nil, fmt.Errorf("create body file: %w", err)
	}
	var f *os.File
	var err error
	// The folders made for the body file, which Abort removes if they
	// hold nothing then, and so does a NewBody that fails: a recording
	// whose first body file fails (a full disk) leaves no library folder
	// behind, which a later run in once mode would take for a library
	// recorded.
	var tries []madeFolder
	// Twice: a Save, or a body file given up, may remove the folder,
	// found empty, in between.
	for range 2 {
		for _, d := range []string{l.abs, dir} {
			if (d == dir || l.dir) && makeFolder(d) {
				if fi, err := os.Lstat(d); err == nil {
					tries = append(tries, madeFolder{d, fi})
				}
			}
		}
		// What makeFolder could not make, made here or said why not.
		if err = mkdirAll(dir, dir); err != nil {
			err = fmt.Errorf("create body file: %w", err)
			break
		}
		if testHookBodyFolder != nil {
			testHookBodyFolder(dir)
		}
		if f, err = atomicfile.CreateTemp(dir, 0o666); !errors.Is(err, fs.ErrNotExist) {
			if err != nil {
				err = withDiskHint(fmt.Errorf("create body file in %s: %w", dir, unwrapPath(err)))
			}
			break
		}
		err = withDiskHint(fmt.Errorf("create body file in %s: %w", dir, unwrapPath(err)))
	}
	made, madeLib := stillMade(tries, l.abs)
	if err != nil {
		l.removeMade(made, inSave)
		return nil, err
	}
	if madeLib != nil && l.dir {
		// Discard removes it, empty, when what was recorded is given up.
		l.mu.Lock()
		l.madeFolder = madeLib
		l.mu.Unlock()
	}
	return &BodyWriter{l: l, f: f, h: sha256.New(), made: made}, nil
}

// A madeFolder is a folder NewBody made, as it was made.
type madeFolder struct {
	path string
	fi   os.FileInfo
}

// stillMade returns the paths of the folders of tries (those NewBody
// made, in the order it made them, in one try or two) that are still the
// folders made: not a folder made there by another writer after one made
// was removed (or, made again by the second try, the first one). They
// come outermost first, each once. madeLib is the library's folder abs as
// made, if it is one of them.
func stillMade(tries []madeFolder, abs string) (made []string, madeLib os.FileInfo) {
	for i, m := range tries {
		if slices.Contains(made, m.path) || slices.ContainsFunc(tries[i+1:], func(n madeFolder) bool { return n.path == m.path }) {
			continue // made again later: that one is the folder there, if any
		}
		if fi, err := os.Lstat(m.path); err != nil || !os.SameFile(fi, m.fi) {
			continue
		}
		made = append(made, m.path)
		if m.path == abs {
			madeLib = m.fi
		}
	}
	// The library's folder holds the body folder: outermost first.
	slices.SortStableFunc(made, func(a, b string) int { return len(a) - len(b) })
	return made, madeLib
}

// testHookBodyFolder, if set by a test, runs as NewBody found or made the
// body folder dir, before it creates the body file there.
var testHookBodyFolder func(dir string)

// makeFolder makes the folder d, and those above it that are missing,
// and reports whether it made d: false when something was there, or it
// could not be made (mkdirAll then says why).
func makeFolder(d string) bool {
	err := os.Mkdir(d, 0o777) // less the umask
	if errors.Is(err, fs.ErrNotExist) && os.MkdirAll(filepath.Dir(d), 0o777) == nil {
		err = os.Mkdir(d, 0o777)
	}
	return err == nil
}

// exists reports whether there is a file or folder at path.
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// Write writes p to the body file.
func (w *BodyWriter) Write(p []byte) (int, error) {
	if w == nil || w.f == nil {
		return 0, fmt.Errorf("write body file: %w", errNoBody)
	}
	if w.done {
		return 0, errors.New("write body file: already committed or aborted")
	}
	n, err := w.f.Write(p)
	w.h.Write(p[:n])
	w.n += int64(n)
	if err != nil {
		return n, withDiskHint(fmt.Errorf("write body file %s: %w", w.f.Name(), unwrapPath(err)))
	}
	return n, nil
}

// Size returns the number of bytes written so far.
func (w *BodyWriter) Size() int64 {
	if w == nil {
		return 0
	}
	return w.n
}

// Truncate drops what was written after the first size bytes, so that
// the body file holds only those; writing goes on from there. It does
// nothing when size is not less than Size.
func (w *BodyWriter) Truncate(size int64) error {
	if w == nil || w.f == nil {
		return fmt.Errorf("truncate body file: %w", errNoBody)
	}
	if w.done {
		return errors.New("truncate body file: already committed or aborted")
	}
	if size < 0 || size >= w.n {
		return nil
	}
	if err := w.f.Truncate(size); err != nil {
		return fmt.Errorf("truncate body file %s: %w", w.f.Name(), unwrapPath(err))
	}
	if _, err := w.f.Seek(size, io.SeekStart); err != nil {
		return fmt.Errorf("truncate body file %s: %w", w.f.Name(), unwrapPath(err))
	}
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(w.f, 0, size)); err != nil {
		return fmt.Errorf("truncate body file %s: %w", w.f.Name(), unwrapPath(err))
	}
	w.h, w.n = h, size
	return nil
}

// Commit syncs the body file to disk and gives it its final name, after
// its content, and returns its absolute path. A body file with the same
// content already there is replaced (by the same bytes). Until the
// exchange that refers to the path is added to the library
// ([Library.Append], [Library.Put]) or given up ([Library.ReleaseBody]),
// [Library.Save] does not remove the file.
func (w *BodyWriter) Commit() (path string, err error) {
	return w.commit(false)
}

// commit is Commit; imported says that the body file is a copy that a
// Save makes of another library's (see copyBody), which no
// [Library.Append] or ReleaseBody follows.
func (w *BodyWriter) commit(imported bool) (path string, err error) {
	if w == nil || w.f == nil {
		return "", fmt.Errorf("commit body file: %w", errNoBody)
	}
	if w.done {
		return "", errors.New("commit body file: already committed or aborted")
	}
	w.done = true
	tmp := w.f.Name()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if err := w.f.Sync(); err != nil {
		w.f.Close()
		return "", fmt.Errorf("commit body file %s: %w", tmp, unwrapPath(err))
	}
	ours, err := w.f.Stat()
	if err != nil {
		w.f.Close()
		return "", fmt.Errorf("commit body file %s: %w", tmp, unwrapPath(err))
	}
	if err := w.f.Close(); err != nil {
		return "", fmt.Errorf("commit body file %s: %w", tmp, unwrapPath(err))
	}
	path = filepath.Join(filepath.Dir(tmp), hex.EncodeToString(w.h.Sum(nil)[:16])+".bin")
	existed, err := w.l.renameBody(tmp, path, ours, imported)
	if err != nil {
		return "", fmt.Errorf("commit body file %s: %w", path, unwrapPath(err))
	}
	if !existed {
		w.created = ours
	}
	return path, nil
}

// Abort drops the body file, and the folders NewBody made for it if they
// hold nothing else (the library's folder under the lock its Saves take).
// So does it the folder of a directory library that an earlier NewBody of
// the library made, as [Library.ReleaseBody] and [Library.Discard] do:
// a body file still being written when the one that made the folder was
// given up kept the folder then. It does nothing after Commit or Abort.
func (w *BodyWriter) Abort() {
	w.abort(false)
}

// abort is Abort. inSave says that w is a Save's copy of another
// library's body file (see copyBody): the Save holds the lock of the
// library's folder, which is not taken again (a sync.Mutex: the Save
// would wait for itself), and writes its cassettes into the folder, which
// is left in place even if the copy's NewBody made it (another writer
// removed it after the Save found it there).
func (w *BodyWriter) abort(inSave bool) {
	if w == nil || w.f == nil || w.done {
		return
	}
	w.done = true
	w.f.Close()
	os.Remove(w.f.Name())
	w.l.removeMade(w.made, inSave)
}

// removeMade removes the folders made, which a NewBody made (outermost
// first), if they hold nothing, and the library's folder if an earlier
// NewBody of a directory library made it and it holds nothing either
// (see Abort); the library's folder under the lock its Saves take. inSave
// says that a Save calls it, holding that lock (see abort).
func (l *Library) removeMade(made []string, inSave bool) {
	var libMade os.FileInfo // the library's folder, made by a NewBody of l
	if l.dir && !inSave {
		l.mu.RLock()
		libMade = l.madeFolder
		l.mu.RUnlock()
	}
	if len(made) > 0 && made[0] == l.abs && l.dir {
		if inSave {
			made = made[1:]
		} else {
			defer l.lockToRemoveFolder()()
		}
	} else if libMade != nil {
		defer l.lockToRemoveFolder()()
	}
	// Only an empty folder is removed: another body file, a cassette or
	// a file of the user's keeps it. And only a folder: a file another
	// writer put in place of one since is not removed (see removeFolder).
	for i := len(made) - 1; i >= 0; i-- {
		removeFolder(made[i])
	}
	if libMade != nil && l.removeMadeFolderLocked(libMade) {
		l.forgetMadeFolder(libMade)
	}
}

// lockToRemoveFolder takes the lock of the saves of the directory library
// l's folder (see lockFolder), which is about to be removed if empty, and
// returns the function that releases it. A Save of another writer of the
// folder (another Library, or process) that holds the lock found the
// folder there, and writes into it: removed then, its cassettes would
// fail, "no such file or directory". One that waits for the lock makes
// the folder again when it finds it gone (see dirPlan.write). The caller
// holds no lock of the folder: a Save's own BodyWriters (see copyBody)
// give up their copies with abort(true), which takes none.
func (l *Library) lockToRemoveFolder() (unlock func()) {
	if testHookLockFolder != nil {
		testHookLockFolder(l.abs)
	}
	return lockFolder(l.abs)
}

// OpenBody opens the body of r for reading and returns its size: the body
// file when r has one, else r.Body. The caller closes the reader. A body
// file named by a cassette file is opened inside the folder of that
// cassette file: one that leads out of it, through a symbolic link, is an
// error.
func (r *Response) OpenBody() (io.ReadCloser, int64, error) {
	if r.BodyFile == "" {
		return io.NopCloser(bytes.NewReader(r.Body)), int64(len(r.Body)), nil
	}
	f, size, err := openBodyFile(r.BodyFile)
	if err != nil {
		return nil, 0, fmt.Errorf("open body file %s: %w", r.BodyFile, err)
	}
	return f, size, nil
}

// ReadBody returns the whole body of r: r.Body, or the content of its
// body file (read into memory: for tools, not for serving), opened as
// [Response.OpenBody] opens it.
func (r *Response) ReadBody() ([]byte, error) {
	if r.BodyFile == "" {
		return r.Body, nil
	}
	f, size, err := openBodyFile(r.BodyFile)
	if err != nil {
		return nil, fmt.Errorf("read body file %s: %w", r.BodyFile, err)
	}
	defer f.Close()
	if err := fitsInMemory(size); err != nil {
		return nil, fmt.Errorf("read body file %s: %w", r.BodyFile, err)
	}
	// As os.ReadFile: room for the whole file, and one byte to see its end.
	b := make([]byte, 0, size+1)
	for {
		n, err := f.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read body file %s: %w", r.BodyFile, unwrapPath(err))
		}
		if len(b) == cap(b) { // the file grew
			b = append(b, 0)[:len(b)]
		}
	}
}

// bodyRoots holds, for the path of each body file that a cassette file
// names (made absolute by absBodies), the folder of that cassette file,
// which opening the body file must not leave. The check is not textual
// only: a cassette from a pull request could otherwise name a symbolic
// link, bodies/x.bin -> /etc/passwd, and have any file served. A path
// named from two folders (a library inside another) keeps the deeper one.
// Paths a program set itself, such as a body file it committed, are not
// here, and are opened as they are. Entries stay for the process: one per
// body file named by a cassette file read.
var bodyRoots sync.Map // absolute path -> absolute folder

// noteBodyRoot records that the body file path, named by a cassette file
// in the folder root, must be opened inside root.
func noteBodyRoot(path, root string) {
	for {
		v, loaded := bodyRoots.LoadOrStore(path, root)
		if !loaded {
			return
		}
		if old := v.(string); len(old) >= len(root) || bodyRoots.CompareAndSwap(path, old, root) {
			return
		}
	}
}

// openBodyFile opens the body file path for reading, inside the folder of
// the cassette file that named it (see bodyRoots), and returns its size.
// Errors do not repeat the path.
func openBodyFile(path string) (*os.File, int64, error) {
	var (
		f   *os.File
		err error
	)
	if v, ok := bodyRoots.Load(path); ok {
		root := v.(string)
		rel, relErr := filepath.Rel(root, path)
		if relErr != nil || !filepath.IsLocal(rel) {
			// absBodies joined them: a bug, not a cassette, got here.
			return nil, 0, fmt.Errorf("not inside %s, the folder of its cassette file", root)
		}
		f, err = openRegularInRoot(root, rel)
		if err != nil && unwrapPath(err).Error() == errPathEscapes {
			return nil, 0, fmt.Errorf("it leads out of %s, the folder of its cassette file, through a symbolic link: "+
				"a body file must be inside that folder (put the file there, or make the link relative to a file there)", root)
		}
	} else {
		f, err = openRegular(path)
	}
	if err != nil {
		return nil, 0, unwrapPath(err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, unwrapPath(err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, 0, errNotRegular
	}
	return f, fi.Size(), nil
}

// openRegularInRoot opens the file rel inside the folder root, refusing
// what is not a regular file before opening it: opening a named pipe
// waits for a writer, and reading a device may never end.
func openRegularInRoot(root, rel string) (*os.File, error) {
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	fi, err := r.Stat(rel)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, errNotRegular
	}
	return r.OpenFile(rel, os.O_RDONLY|oLargeFile, 0)
}

// openRegular opens the file at path as openRegularInRoot does.
func openRegular(path string) (*os.File, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, errNotRegular
	}
	return os.Open(path)
}

// readRegular reads the file at path, refusing what openRegular refuses.
func readRegular(path string) ([]byte, error) {
	f, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// fitsInMemory returns an error when a file of size bytes is too large to
// be read into one slice on this system: past 2 GiB where an int has 32
// bits (386, arm, mips), where a slice that large cannot be made.
func fitsInMemory(size int64) error {
	if size >= math.MaxInt-bytes.MinRead {
		return fmt.Errorf("%d bytes: too large to read into memory on this %d-bit system", size, strconv.IntSize)
	}
	return nil
}

// errNotRegular says that a file to read is a folder, a named pipe, a
// device or a socket.
var errNotRegular = errors.New("not a regular file")

// errPathEscapes is the message of the error of an [os.Root] asked for a
// path that leads out of it, which the os package does not export.
const errPathEscapes = "path escapes from parent"

// checkBodyFile reports why the body file of ex, if it has one, cannot be
// read, as a Save must read it to copy it into the library: Append and
// Put refuse such an exchange rather than have every Save fail on it.
func checkBodyFile(ex *Exchange) error {
	p := ex.Response.BodyFile
	if p == "" {
		return nil
	}
	if !filepath.IsAbs(p) {
		return fmt.Errorf("response: body file %q is not an absolute path (set BodyFile to the path BodyWriter.Commit returns)", p)
	}
	f, _, err := openBodyFile(p)
	if err != nil {
		return fmt.Errorf("response: body file %s: %w (a body file must exist when its exchange is added: write it with Library.NewBody)", p, err)
	}
	f.Close()
	return nil
}

// bodyRef returns how a cassette file in the folder base refers to the
// body file path: a slash-separated path relative to base, and whether it
// is inside base (else the file must be imported first).
func bodyRef(base, path string) (string, bool) {
	rel, err := filepath.Rel(base, path)
	if err != nil || !filepath.IsLocal(rel) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// resolveBodyFile returns the absolute path of the body_file ref of a
// cassette file in the folder base, refusing a path that leaves it.
func resolveBodyFile(base, ref string) (string, error) {
	p := filepath.FromSlash(ref)
	if strings.Contains(ref, "\\") || !filepath.IsLocal(p) {
		return "", fmt.Errorf("body_file %q: want a relative path with / inside the folder of the cassette file, such as \"bodies/NAME.bin\"", ref)
	}
	return filepath.Join(base, p), nil
}

// importBodies copies into l's body folder every body file that cs refer
// to outside the folder of l's cassette files (a cassette put from
// another library), and returns the cassettes referring to the copies.
// A cassette whose body files cannot all be copied is returned as it was,
// with the error in failed, by name. Cassettes are not modified in place:
// those that change are copied. Files are copied without holding l.mu.
func (l *Library) importBodies(cs []Cassette) (out []Cassette, failed map[string]error, created map[string]os.FileInfo) {
	base := l.baseDir()
	done := map[string]string{} // copy of each source, by source path
	for i := range cs {
		c := cs[i]
		copied := false
		for j := range c.Exchanges {
			src := c.Exchanges[j].Response.BodyFile
			if src == "" || !l.foreignBody(base, src) {
				continue
			}
			dst, ok := done[src]
			if !ok {
				var err error
				var made os.FileInfo
				dst, made, err = l.copyBody(src)
				if made != nil {
					if created == nil {
						created = map[string]os.FileInfo{}
					}
					created[dst] = made
				}
				if err != nil {
					if failed == nil {
						failed = map[string]error{}
					}
					failed[c.Name] = fmt.Errorf("exchange %d: %w", j+1, err)
					break
				}
				done[src] = dst
			}
			if !copied {
				c.Exchanges = append([]Exchange(nil), c.Exchanges...)
				copied = true
			}
			c.Exchanges[j].Response.BodyFile = dst
		}
		if copied && failed[c.Name] == nil {
			cs[i] = c
		}
	}
	return cs, failed, created
}

// foreignBody reports whether the body file path belongs to another
// library and must be copied into l's body folder: it is outside base, the
// folder l's cassette files refer from; or a cassette file of another
// folder named it; or it is a body file written by a library (named after
// its content) in another body folder, which that library may remove. A
// file placed by hand inside base, and named from there, stays where it is.
func (l *Library) foreignBody(base, path string) bool {
	if _, ok := bodyRef(base, path); !ok {
		return true
	}
	if root, ok := bodyRoots.Load(path); ok && root.(string) != base {
		// Named by the cassette file of another library in a folder
		// inside base (a directory library beside a file library, say):
		// that library may move or remove it.
		return true
	}
	return bodyFileName.MatchString(filepath.Base(path)) && filepath.Dir(path) != l.bodyFolder()
}

// copyBody copies the body file src into l's body folder and returns the
// copy's path, and the copy if there was no file at its path before (nil
// if there was). A body file of ours (named after its content) already
// there is not copied again. It runs in a Save, which holds the lock of a
// directory library's folder (see dirPlan.write).
func (l *Library) copyBody(src string) (dst string, created os.FileInfo, err error) {
	if name := filepath.Base(src); bodyFileName.MatchString(name) {
		dst := filepath.Join(l.bodyFolder(), name)
		// Lstat: a link placed there is replaced by a copy, not trusted.
		if fi, err := os.Lstat(dst); err == nil && fi.Mode().IsRegular() {
			l.markImported(dst)
			return dst, nil, nil
		}
	}
	in, _, err := openBodyFile(src)
	if err != nil {
		return "", nil, fmt.Errorf("copy body file %s: %w", src, err)
	}
	defer in.Close()
	w, err := l.newBody(true) // the Save holds the folder's lock
	if err != nil {
		return "", nil, err
	}
	if _, err := io.Copy(w, in); err != nil {
		w.abort(true) // the Save holds the folder's lock
		return "", nil, fmt.Errorf("copy body file %s: %w", src, err)
	}
	dst, err = w.commit(true)
	return dst, w.created, err
}

// sweepBodies removes from l's body folder the body files of ours that
// the cassettes cs no longer refer to: those of dropped exchanges, and
// after a Clear any. Files committed by this library are kept (their
// exchange may not be appended yet).
func (l *Library) sweepBodies(cs []Cassette, dropped map[string]bool, cleared bool, fresh map[string]bool) error {
	dir := l.bodyFolder()
	if len(dropped) == 0 && !cleared {
		return nil
	}
	if err := l.checkBodyFolder(); err != nil {
		return fmt.Errorf("remove body files no cassette uses: %w", err)
	}
	candidates := dropped
	if cleared {
		ents, err := os.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("list body files in %s: %w", dir, unwrapPath(err))
		}
		candidates = map[string]bool{}
		for p := range dropped {
			candidates[p] = true
		}
		for _, de := range ents {
			if de.Type().IsRegular() && bodyFileName.MatchString(de.Name()) {
				candidates[filepath.Join(dir, de.Name())] = true
			}
		}
	}
	if len(candidates) == 0 {
		return nil
	}
	for i := range cs {
		for j := range cs[i].Exchanges {
			delete(candidates, cs[i].Exchanges[j].Response.BodyFile)
		}
	}
	for p := range candidates {
		if fresh[p] || filepath.Dir(p) != dir || !bodyFileName.MatchString(filepath.Base(p)) {
			continue
		}
		if err := atomicfile.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return withDiskHint(fmt.Errorf("remove body file %s: %w", p, unwrapPath(err)))
		}
	}
	if ents, err := os.ReadDir(dir); err == nil && len(ents) == 0 {
		removeFolder(dir)
	}
	return nil
}

// absBodies makes the body_file references of freshly decoded cassettes,
// relative to base, absolute paths, to be opened inside base (see
// bodyRoots). They were checked by fromWireExchange.
func absBodies(base string, cs []Cassette) {
	for i := range cs {
		for j := range cs[i].Exchanges {
			r := &cs[i].Exchanges[j].Response
			if r.BodyFile != "" {
				r.BodyFile = filepath.Join(base, filepath.FromSlash(r.BodyFile))
				noteBodyRoot(r.BodyFile, base)
			}
		}
	}
}

// relBodies returns cs with the paths of body files made relative to base,
// as a cassette file in base refers to them; the cassettes that change are
// copied. Every body file must be inside base (see importBodies): a
// cassette with one outside is left out, with the error in failed, by
// name.
func relBodies(base string, cs []Cassette) (out []Cassette, failed map[string]error) {
	out = cs
	for i := range cs {
		copied := false
		for j := range cs[i].Exchanges {
			path := cs[i].Exchanges[j].Response.BodyFile
			if path == "" {
				continue
			}
			ref, ok := bodyRef(base, path)
			if !ok {
				if failed == nil {
					failed = map[string]error{}
				}
				failed[cs[i].Name] = fmt.Errorf("exchange %d: body file %s is outside %s", j+1, path, base)
				break
			}
			if !copied {
				if &out[0] == &cs[0] {
					out = append([]Cassette(nil), cs...)
				}
				out[i].Exchanges = append([]Exchange(nil), cs[i].Exchanges...)
				copied = true
			}
			out[i].Exchanges[j].Response.BodyFile = ref
		}
	}
	if len(failed) > 0 {
		out = slices.DeleteFunc(slices.Clone(out), func(c Cassette) bool { return failed[c.Name] != nil })
	}
	return out, failed
}

// hasBodyFiles reports whether any exchange of cs has a body file.
func hasBodyFiles(cs []Cassette) bool {
	for i := range cs {
		for j := range cs[i].Exchanges {
			if cs[i].Exchanges[j].Response.BodyFile != "" {
				return true
			}
		}
	}
	return false
}

// drop notes the body files of a cassette deleted or replaced; l.mu is
// held. The body files of a cassette not read (a directory library's) are
// not known: `cassette prune` finds those left behind.
func (l *Library) drop(e *entry) {
	if !e.loaded {
		return
	}
	for i := range e.c.Exchanges {
		if p := e.c.Exchanges[i].Response.BodyFile; p != "" {
			if l.dropped == nil {
				l.dropped = map[string]bool{}
			}
			l.dropped[p] = true
		}
	}
}

// A sweepPlan is what a Save removes from the body folder once the
// cassettes are written.
type sweepPlan struct {
	all     []Cassette      // every cassette; nil when not all are loaded: no sweep
	dropped map[string]bool // see Library.dropped
	cleared bool            // the library was cleared: any body file not referred to goes
}

// planSweep returns the sweep of the coming Save, nil for none; l.mu is
// held.
func (l *Library) planSweep() *sweepPlan {
	dropped, cleared := l.dropped, l.cleared
	l.dropped = nil
	if len(dropped) == 0 && !cleared {
		return nil
	}
	sw := &sweepPlan{dropped: dropped, cleared: cleared}
	all := make([]Cassette, 0, len(l.entries))
	for _, e := range l.entries {
		if !e.loaded {
			return sw // all nil: no sweep
		}
		all = append(all, e.c)
	}
	sw.all = all
	return sw
}

// keepSweep gives back to l the body files that sw was to remove, after a
// Save that did not save everything: a file on disk may still refer to
// them. A later Save removes them. l.mu is held.
func (l *Library) keepSweep(sw *sweepPlan) {
	if sw == nil || len(sw.dropped) == 0 {
		return
	}
	if l.dropped == nil {
		l.dropped = map[string]bool{}
	}
	for p := range sw.dropped {
		l.dropped[p] = true
	}
}

// sweepUnchanged carries out sw, the sweep of a file library's Save with
// nothing else to write, if the file is as disk stamps it: else another
// writer saved meanwhile, whose cassettes may use the body files, and they
// are given back for a later Save.
func (l *Library) sweepUnchanged(sw *sweepPlan, disk fileStamp) error {
	unlock, err := lockFile(l.path, l.abs)
	if err != nil {
		l.mu.Lock()
		l.keepSweep(sw)
		l.mu.Unlock()
		return err
	}
	defer unlock()
	if !stampOf(l.abs).same(disk) {
		l.mu.Lock()
		l.keepSweep(sw)
		l.mu.Unlock()
		return nil
	}
	return l.sweep(sw)
}

// sweep carries out sw, if any, after a successful Save.
func (l *Library) sweep(sw *sweepPlan) error {
	if sw == nil || sw.all == nil {
		return nil
	}
	// Body files imported by this Save, or committed while it ran, are
	// fresh by now.
	l.mu.RLock()
	fresh := l.freshPaths()
	l.mu.RUnlock()
	return l.sweepBodies(sw.all, sw.dropped, sw.cleared, fresh)
}

// adoptImports makes the cassettes of l that were saved as orig refer to
// the imported body files of imported, unless they changed meanwhile, or
// were not written (written says, by name). l.mu is held.
func (l *Library) adoptImports(orig, imported []Cassette, written func(name string) bool) {
	for i := range orig {
		a, b := orig[i].Exchanges, imported[i].Exchanges
		if len(a) == 0 || &a[0] == &b[0] || !written(orig[i].Name) {
			continue
		}
		e := l.entries[orig[i].Name]
		if e != nil && e.loaded && len(e.c.Exchanges) == len(a) && &e.c.Exchanges[0] == &a[0] {
			e.c.Exchanges, e.owned = b, true
		}
	}
}

// prepareBodies readies cs, about to be encoded by a Save, for their body
// files: it imports those outside the library (adopted by l's cassettes)
// and returns the cassettes with the references a cassette file holds.
// A cassette whose body files cannot be imported or referred to is left
// out, with the error in failed, by name: the others are saved without it.
//
// The imports are settled by the Save once it wrote the cassettes (see
// settleImports): im holds what it needs.
func (l *Library) prepareBodies(cs []Cassette) (out []Cassette, failed map[string]error, im *importsDone) {
	if !hasBodyFiles(cs) {
		return cs, nil, nil
	}
	orig := slices.Clone(cs)
	imported, failed, created := l.importBodies(cs)
	im = &importsDone{orig: orig, imported: slices.Clone(imported), created: created}
	if len(failed) > 0 {
		imported = slices.DeleteFunc(slices.Clone(imported), func(c Cassette) bool { return failed[c.Name] != nil })
	}
	out, relFailed := relBodies(l.baseDir(), imported)
	for name, err := range relFailed {
		if failed == nil {
			failed = map[string]error{}
		}
		failed[name] = err
	}
	return out, failed, im
}

// importsDone is what prepareBodies imported for a Save: the cassettes as
// the Save took them, the same referring to the copies, and the copies it
// made where there was no file, by path.
type importsDone struct {
	orig, imported []Cassette
	created        map[string]os.FileInfo
}

// settleImports ends the imports of a Save once it wrote its cassettes,
// or failed to: the cassettes written (written says, by name) refer to
// their copies from now on (see adoptImports), and a copy this Save made
// that no cassette written refers to is removed, if nothing else of l
// refers to it, no commit of l waits for it, no other library of this
// process took it for its own and it is still the file the copy made: a
// Save that fails (a full disk) leaves no body file behind that no
// cassette file names. The caller holds the lock of the library's folder,
// which the Saves of other libraries of it take to import their bodies.
// im may be nil.
func (l *Library) settleImports(im *importsDone, written func(name string) bool) {
	if im == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.adoptImports(im.orig, im.imported, written)
	if len(im.created) == 0 {
		return
	}
	kept := map[string]bool{}
	for i := range im.imported {
		if !written(im.imported[i].Name) {
			continue
		}
		for j := range im.imported[i].Exchanges {
			kept[im.imported[i].Exchanges[j].Response.BodyFile] = true
		}
	}
	removed := false
	for p, made := range im.created {
		b := l.fresh[p]
		if kept[p] || b == nil || b.pending > 0 || l.refersTo(p) {
			continue
		}
		if _, shared := sharedBodies.Load(sharedKey(p)); shared {
			continue
		}
		if cur, err := os.Lstat(p); err != nil || !os.SameFile(cur, made) {
			continue // gone, or another writer's now
		}
		delete(l.fresh, p)
		// As a Save's sweep removes one: on Windows, once a reader (a
		// replay in another process, a virus scanner) lets it go.
		atomicfile.Remove(p)
		removed = true
	}
	if dir := l.bodyFolder(); removed {
		if ents, err := os.ReadDir(dir); err == nil && len(ents) == 0 {
			removeFolder(dir) // as a Save's sweep does
		}
	}
}

// notSaved returns the error of a Save for the cassettes that it could not
// save, by name, in order of name.
func notSaved(failed map[string]error) error {
	errs := make([]error, 0, len(failed))
	for _, name := range slices.Sorted(maps.Keys(failed)) {
		if diskHint(failed[name]) != "" {
			// The disk's fault, not the cassette's: the error says what
			// to do (a recording that ends then gives the cassette up).
			errs = append(errs, fmt.Errorf("cassette %q not saved: %w", name, failed[name]))
			continue
		}
		errs = append(errs, fmt.Errorf("cassette %q not saved (the next Save tries again: fix or delete it): %w", name, failed[name]))
	}
	return errors.Join(errs...)
}

// UnusedBodies returns the body files in l's body folder that no cassette
// of l refers to, sorted: what a crash or an edit left behind, which
// [Library.Save] could not remove. Only files named as this package names
// them, after their content (32 hex digits, then .bin), are body files
// here: a file placed by hand, which a hand-written body_file names, is
// never listed. It reads every cassette. Files
// committed by l since it was opened are not listed, unless given up with
// [Library.ReleaseBody]. Removing them is the
// caller's choice (`cassette prune -force` does).
func (l *Library) UnusedBodies() ([]string, error) {
	if err := l.Load(); err != nil {
		return nil, err
	}
	dir := l.bodyFolder()
	if err := l.checkBodyFolder(); err != nil {
		return nil, fmt.Errorf("list body files: %w", err)
	}
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list body files in %s: %w", dir, unwrapPath(err))
	}
	l.mu.RLock()
	used := l.freshPaths()
	for _, e := range l.entries {
		for i := range e.c.Exchanges {
			used[e.c.Exchanges[i].Response.BodyFile] = true
		}
	}
	l.mu.RUnlock()
	var out []string
	for _, de := range ents {
		p := filepath.Join(dir, de.Name())
		if de.Type().IsRegular() && bodyFileName.MatchString(de.Name()) && !used[p] {
			out = append(out, p)
		}
	}
	return out, nil
}

// Leftovers returns the temporary files that an interrupted Save or
// recording (a crash, a killed test) left in l's folders: the folder of
// its cassette files and its body folder; for a directory library, also
// the folders an interrupted rerecord (or convert, or import) was building beside it
// (".cassette-rerecord-*", not those ending ".old", which may hold a
// library a crash left there, nor the library's own folder). Only files and folders last written more
// than age ago are listed, so that those of a Save or recording still
// running (in this process or another) are not. The files are ignored
// when the library is read; removing them is the caller's choice
// (`cassette prune -force` does).
func (l *Library) Leftovers(age time.Duration) ([]string, error) {
	if err := l.checkBodyFolder(); err != nil {
		return nil, fmt.Errorf("list temporary files: %w", err)
	}
	var out []string
	for _, dir := range []string{l.baseDir(), l.bodyFolder()} {
		matches, err := filepath.Glob(filepath.Join(dir, atomicfile.TempPattern))
		if err != nil {
			return nil, fmt.Errorf("list temporary files in %s: %w", dir, err)
		}
		for _, p := range matches {
			fi, err := os.Lstat(p)
			if err == nil && fi.Mode().IsRegular() && time.Since(fi.ModTime()) > age {
				out = append(out, p)
			}
		}
	}
	if l.dir {
		dir := l.abs
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			dir = real // a rerecord builds beside the folder a link names
		}
		ents, err := os.ReadDir(filepath.Dir(dir))
		// A parent that cannot be listed holds none this user could
		// remove either.
		if err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrPermission) {
			return nil, fmt.Errorf("list temporary folders beside %s: %w", l.path, unwrapPath(err))
		}
		for _, de := range ents {
			name := de.Name()
			if !de.IsDir() || !strings.HasPrefix(name, atomicfile.RerecordPrefix) || strings.HasSuffix(name, ".old") || name == filepath.Base(dir) {
				continue // the library itself is none, whatever its name
			}
			if fi, err := de.Info(); err == nil && time.Since(fi.ModTime()) > age {
				out = append(out, filepath.Join(filepath.Dir(dir), name))
			}
		}
	}
	return out, nil
}
