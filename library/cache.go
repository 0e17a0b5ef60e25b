package library

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
	"time"
)

// The process cache holds decoded files so that many libraries opened on
// one unchanged file decode it once, as test after test opens the same
// fixtures. An entry is keyed by the file's absolute path and is valid
// while the file keeps its size, modification time and, on systems that
// tell them with the size (Linux, macOS, the BSDs, Solaris), its change
// time and inode number (see fileKey); a library that saves a file
// forgets its entry. The change time is what catches a rewrite of the same
// size that keeps the modification time (cp -p, rsync -a, tar extracting,
// a file system with coarse timestamps): no program can set it. Elsewhere
// (Windows) such a rewrite is seen only once the file's size or
// modification time differs. There is one entry per path, and the
// cache is bounded: it holds files of at most cacheBudget bytes in all
// (the oldest entries go first), and none larger than cacheMaxFile, so a
// process that replays large bodies does not keep them all.
//
// Cached values are shared by every library that read them and are never
// modified: a library copies a cassette before changing it.
var cache struct {
	mu    sync.Mutex            // guards the fields below
	m     map[string]cacheEntry // by absolute path
	order []string              // paths, oldest first (may hold paths no longer in m)
	bytes int64                 // total size of the files in m
}

// The bounds of the process cache, in bytes of the files cached.
const (
	cacheBudget  = 64 << 20
	cacheMaxFile = 1 << 20
)

type cacheEntry struct {
	key fileKey
	v   decoded
}

// A fileKey tells whether a file changed since it was read: its size and
// modification time, and where the system tells them (see changeOf) its
// change time, which every write, rename or chmod sets to the current time
// and no program can set otherwise, and its inode number, which a file
// replaced by a rename does not keep.
type fileKey struct {
	size  int64
	mod   time.Time
	ctime int64  // Unix nanoseconds; 0 where unknown
	ino   uint64 // 0 where unknown
}

func keyOf(fi fs.FileInfo) fileKey {
	ctime, ino := changeOf(fi)
	return fileKey{size: fi.Size(), mod: fi.ModTime(), ctime: ctime, ino: ino}
}

// same reports whether k and o are the keys of one unchanged file.
func (k fileKey) same(o fileKey) bool {
	return k.size == o.size && k.mod.Equal(o.mod) && k.ctime == o.ctime && k.ino == o.ino
}

// A decoded file: every cassette of a single-file library, or the one of
// a directory's file. A struct rather than an interface value, which would
// cost one more object per cached file for the garbage collector to mark.
type decoded struct {
	all []Cassette // a single-file library
	one Cassette   // a directory's file
}

func cacheLookup(abs string, fi fs.FileInfo) (decoded, bool) {
	cache.mu.Lock()
	defer cache.mu.Unlock()
	e, ok := cache.m[abs]
	if !ok || !e.key.same(keyOf(fi)) {
		return decoded{}, false
	}
	return e.v, true
}

func cacheStore(abs string, fi fs.FileInfo, v decoded) {
	if fi.Size() > cacheMaxFile {
		return
	}
	cache.mu.Lock()
	defer cache.mu.Unlock()
	if cache.m == nil {
		cache.m = make(map[string]cacheEntry)
	}
	if old, ok := cache.m[abs]; ok {
		cache.bytes -= old.key.size
	} else {
		cache.order = append(cache.order, abs)
	}
	cache.m[abs] = cacheEntry{key: keyOf(fi), v: v}
	cache.bytes += fi.Size()
	for cache.bytes > cacheBudget && len(cache.order) > 1 {
		oldest := cache.order[0]
		cache.order = cache.order[1:]
		if e, ok := cache.m[oldest]; ok && oldest != abs {
			cache.bytes -= e.key.size
			delete(cache.m, oldest)
		}
	}
	if len(cache.order) > 2*len(cache.m)+64 {
		cacheCompact()
	}
}

// cacheCompact drops from cache.order the paths no longer cached, and
// repeated ones. cache.mu is held.
func cacheCompact() {
	seen := make(map[string]bool, len(cache.m))
	order := cache.order[:0]
	for _, p := range cache.order {
		if _, ok := cache.m[p]; ok && !seen[p] {
			seen[p] = true
			order = append(order, p)
		}
	}
	cache.order = order
}

func cacheForget(abs string) {
	cache.mu.Lock()
	defer cache.mu.Unlock()
	if e, ok := cache.m[abs]; ok {
		cache.bytes -= e.key.size
		delete(cache.m, abs)
	}
}

// readCached returns the content of the file at abs (called path in
// errors) as decoded by decode, from the cache when the file has not
// changed since it was decoded. exists is false, with no error, when there
// is no file.
func readCached(path, abs string, decode func([]byte) (decoded, error)) (v decoded, st fileStamp, err error) {
	// Not opened when it is no regular file: opening a named pipe waits
	// for a writer, and reading a device may never end.
	if fi, err := os.Stat(abs); err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
		return decoded{}, fileStamp{exists: true, key: keyOf(fi)}, fmt.Errorf("read %s: %w", path, errNotRegular)
	}
	f, err := os.Open(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return decoded{}, fileStamp{}, nil
	}
	if err != nil {
		return decoded{}, fileStamp{}, fmt.Errorf("read %s: %w", path, inTheWay(path, abs, unwrapPath(err)))
	}
	defer f.Close()
	// Stat the open file: it is what is read, even if the path is
	// replaced meanwhile (a save renames a new file over it), and its
	// stamp is that of what was read.
	fi, err := f.Stat()
	if err != nil {
		return decoded{}, fileStamp{exists: true}, fmt.Errorf("read %s: %w", path, unwrapPath(err))
	}
	st = fileStamp{exists: true, key: keyOf(fi)}
	if fi.IsDir() {
		return decoded{}, st, fmt.Errorf("read %s: is a directory", path)
	}
	if v, ok := cacheLookup(abs, fi); ok {
		return v, st, nil
	}
	if err := fitsInMemory(fi.Size()); err != nil {
		return decoded{}, st, fmt.Errorf("read %s: %w", path, err)
	}
	var buf bytes.Buffer
	buf.Grow(int(fi.Size()) + bytes.MinRead)
	if _, err := io.Copy(&buf, f); err != nil {
		return decoded{}, st, fmt.Errorf("read %s: %w", path, unwrapPath(err))
	}
	if v, err = decode(buf.Bytes()); err != nil {
		return decoded{}, st, err
	}
	cacheStore(abs, fi, v)
	return v, st, nil
}

// unwrapPath returns the cause of a *fs.PathError or *os.LinkError, whose
// message repeats an absolute or temporary path where the caller names the
// file already.
func unwrapPath(err error) error {
	var (
		pe *fs.PathError
		le *os.LinkError
	)
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &le):
		return le.Err
	}
	return err
}
