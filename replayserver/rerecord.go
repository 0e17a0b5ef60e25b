package replayserver

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cassette-go/cassette/internal/atomicfile"
	"github.com/cassette-go/cassette/library"
)

// replaceLibrary replaces the library on disk with what was rerecorded
// into the staging library, at once: a run cut short, or a replacement
// that fails, leaves the old library whole. The staging library is removed
// once the replacement is done; otherwise the error says where it is.
func (h *Handler) replaceLibrary() error {
	if err := h.replace(); err != nil {
		return fmt.Errorf("replayserver: rerecord %s: %w; the old library is unchanged, and what was recorded is kept in %s",
			h.dest.Path(), err, filepath.Join(h.stagingDir, "staging"))
	}
	os.RemoveAll(h.stagingDir)
	return nil
}

// keepOldLibrary makes a rerecording Close keep the library on disk as it
// was, for reason (a test that failed or was skipped rerecorded only part
// of it, if anything); in other modes it does nothing.
func (h *Handler) keepOldLibrary(reason string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.mode == ModeRerecord && !h.closed {
		h.keepOld = reason
	}
}

// dropRerecorded ends a rerecording whose library is not replaced: the
// old library stays; what was recorded is saved in the staging folder and
// kept there, and the log says where.
func (h *Handler) dropRerecorded() error {
	names, _ := h.lib.Names()
	if len(names) == 0 {
		os.RemoveAll(h.stagingDir)
		h.logf("replayserver: rerecord %s: %s, so the library is left unchanged (nothing was recorded)", h.dest.Path(), h.keepOld)
		return nil
	}
	where := filepath.Join(h.stagingDir, "staging")
	if err := h.lib.Save(); err != nil {
		return fmt.Errorf("replayserver: rerecord %s: %s, so the library is left unchanged; saving what was recorded in %s failed: %w",
			h.dest.Path(), h.keepOld, where, err)
	}
	h.logf("replayserver: rerecord %s: %s, so the library is left unchanged; the %d cassette(s) recorded are kept in %s (fix the test and rerecord, or delete that folder)",
		h.dest.Path(), h.keepOld, len(names), where)
	return nil
}

// replace writes the staging library's cassettes in place of the
// library's: a file library by its own Save (one new file renamed over
// the old); a directory library by a new folder, made beside the old one,
// that takes its place: swapped with it in one step where the system
// can, else with two renames.
func (h *Handler) replace() error {
	if !h.dest.IsDir() {
		h.dest.Clear()
		if err := copyCassettes(h.dest, h.lib); err != nil {
			return err
		}
		return h.dest.Save()
	}
	dir := filepath.Clean(h.dest.Path())
	if target, err := filepath.EvalSymlinks(dir); err == nil {
		dir = target // a linked library folder: the link stays, the folder it names is replaced
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o777); err != nil {
		return err
	}
	tmp, err := atomicfile.MkdirTemp(parent, atomicfile.RerecordPrefix, 0o777) // less the umask, as a new folder
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	next, err := library.Open(tmp, library.WithFormat(h.dest.Format()))
	if err != nil {
		return err
	}
	if err := copyCassettes(next, h.lib); err != nil {
		return err
	}
	if err := next.Save(); err != nil {
		return err
	}
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := atomicfile.Rename(tmp, dir); err != nil {
			return err
		}
		done = true
		return nil
	case err != nil:
		return err
	}
	if err := os.Chmod(tmp, fi.Mode().Perm()); err != nil {
		return err
	}
	if err := keepOtherFiles(dir, tmp); err != nil {
		return err
	}
	// Swapped in one step where the system can (Linux): a crash leaves
	// the old library or the new one in place, and the other in tmp.
	switch err := exchange(tmp, dir); {
	case err == nil:
		return nil // the deferred RemoveAll removes the old library, now in tmp
	case !errors.Is(err, errors.ErrUnsupported):
		return err
	}
	// Elsewhere with two renames: a crash between them leaves the old
	// library in tmp+".old", and the new one in tmp.
	old := tmp + ".old"
	if err := atomicfile.Rename(dir, old); err != nil {
		return err
	}
	if err := atomicfile.Rename(tmp, dir); err != nil {
		if back := atomicfile.Rename(old, dir); back != nil {
			return fmt.Errorf("%w (and the old library could not be put back from %s: %v)", err, old, back)
		}
		return err
	}
	done = true
	os.RemoveAll(old)
	return nil
}

// exchange is atomicfile.Exchange; tests replace it.
var exchange = atomicfile.Exchange

// copyCassettes puts every cassette of from into to.
func copyCassettes(to, from *library.Library) error {
	names, err := from.Names()
	if err != nil {
		return err
	}
	for _, n := range names {
		c, ok, err := from.Get(n)
		if err != nil {
			return err
		}
		if ok {
			if err := to.Put(c); err != nil {
				return err
			}
		}
	}
	return nil
}

// keepOtherFiles copies into the new library folder next what the old
// folder dir holds besides the library: the dot files and folders a
// directory library leaves alone (.gitkeep, .DS_Store, a .notes folder).
// Everything else there is the library's (cassette files, the body
// folder), as are its temporary files (.cassette-*), and is not copied.
// Files are hard-linked where the file system allows it.
func keepOtherFiles(dir, next string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, ".") || strings.HasPrefix(name, ".cassette-") {
			continue
		}
		if _, err := os.Lstat(filepath.Join(next, name)); err == nil {
			continue // the new library has its own
		}
		if err := copyTree(filepath.Join(dir, name), filepath.Join(next, name)); err != nil {
			return err
		}
	}
	return nil
}

// copyTree copies the file or folder src to dst, linking files where it
// can and keeping symbolic links as links.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.MkdirAll(to, info.Mode().Perm())
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(target, to)
		}
		if os.Link(p, to) == nil {
			return nil
		}
		return copyFile(p, to, info.Mode().Perm())
	})
}

func copyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
