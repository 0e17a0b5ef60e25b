package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// ReplaceDir puts a folder that build fills in place of the folder dir, at
// once, so that a crash, or a build or replacement that fails (a full
// disk), leaves dir as it was. build gets a new, empty folder beside dir
// (named RerecordPrefix and a random suffix, so that `cassette prune`
// finds one a crash left); when it returns without error, that folder
// gets dir's mode and the files and folders of dir that it lacks and a
// library leaves alone (see [LeftAlone]: .gitkeep, a .notes folder,
// Explorer's desktop.ini; everything else in dir is the library's, and
// is replaced), is synced to disk (the files that [WriteFile] wrote into
// it, which it does not sync one by one there, then its folders), then
// takes dir's place: swapped with it in one step by
// swap (Exchange, or a test's stand-in), else, where swap matches
// errors.ErrUnsupported, by two renames, the first undone if the second
// fails. A dir that does not exist is made by one rename, its missing
// parents first. Once the new folder is in place, the folder holding it
// is synced (and the parents ReplaceDir made, up to the first that was
// there), so that the swap or rename is on disk when ReplaceDir returns;
// if that sync fails, the old folder (or none) is put back, and the
// error returned. A symbolic link at dir stays: the folder it names is
// replaced. The new folder is removed when anything fails, and the old
// one once it is replaced. A dir that is a mount point (a container's
// volume) cannot be replaced: ReplaceDir returns an error matching
// [ErrMountPoint] before it builds anything. A relative dir is taken from the working
// directory, which may be dir itself (".") or lie inside it: the process
// is then left in the old folder, removed (a shell there sees an empty
// folder until it enters dir again: cd "$PWD").
func ReplaceDir(dir string, build func(tmp string) error, swap func(a, b string) error) error {
	// Absolute: "." or ".." cannot be renamed (EBUSY), and the folder
	// beside "." is not filepath.Dir(".").
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if target, err := filepath.EvalSymlinks(dir); err == nil {
		dir = target // a linked folder: the link stays, the folder it names is replaced
	}
	parent := filepath.Dir(dir)
	if fi, err := os.Stat(dir); err == nil && mountPoint(dir, fi) {
		// No other folder can take its place, and one built beside it
		// would be on another file system (a container's, for a volume).
		return &fs.PathError{Op: "replace", Path: dir, Err: ErrMountPoint}
	}
	top := existingAncestor(parent) // the first folder from parent up that is there
	if err := os.MkdirAll(parent, 0o777); err != nil {
		return err
	}
	tmp, err := MkdirTemp(parent, RerecordPrefix, 0o777) // less the umask, as a new folder
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	unsynced, err := buildFolder(tmp, build)
	if err != nil {
		return err
	}
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := syncBuilt(tmp, unsynced); err != nil {
			return err
		}
		if err := Rename(tmp, dir); err != nil {
			return err
		}
		if err := syncParents(parent, top); err != nil {
			// In place, but not known to be on disk: taken back.
			if back := Rename(dir, tmp); back != nil {
				done = true
				return fmt.Errorf("%w (and the new folder %s could not be taken back: %v)", err, dir, back)
			}
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
	if err := syncBuilt(tmp, unsynced); err != nil {
		return err
	}
	// Swapped in one step where the system can (Linux): a crash leaves
	// the old folder or the new one in place, and the other in tmp.
	switch err := swap(tmp, dir); {
	case err == nil:
		if err := syncParents(parent, top); err != nil {
			// In place, but not known to be on disk: the old folder is
			// put back.
			if back := swap(tmp, dir); back != nil {
				done = true // tmp holds the old folder: kept
				return fmt.Errorf("%w (and the old folder could not be put back from %s: %v)", err, tmp, back)
			}
			return err
		}
		return nil // the deferred RemoveAll removes the old folder, now in tmp
	case !errors.Is(err, errors.ErrUnsupported):
		return err
	}
	// Elsewhere with two renames: a crash between them leaves the old
	// folder in tmp+".old", and the new one in tmp.
	old := tmp + ".old"
	if err := Rename(dir, old); err != nil {
		return err
	}
	if err := Rename(tmp, dir); err != nil {
		if back := Rename(old, dir); back != nil {
			return fmt.Errorf("%w (and the old folder could not be put back from %s: %v)", err, old, back)
		}
		return err
	}
	if err := syncParents(parent, top); err != nil {
		// In place, but not known to be on disk: the old folder is put
		// back.
		if back := Rename(dir, tmp); back != nil {
			done = true
			return fmt.Errorf("%w (and the old folder could not be put back from %s: %v)", err, old, back)
		}
		if back := Rename(old, dir); back != nil {
			return fmt.Errorf("%w (and the old folder could not be put back from %s: %v)", err, old, back)
		}
		return err
	}
	done = true
	os.RemoveAll(old)
	return nil
}

// existingAncestor returns the first of dir and its parents that exists,
// or "" when none can be seen.
func existingAncestor(dir string) string {
	for p := dir; ; p = filepath.Dir(p) {
		if _, err := os.Lstat(p); err == nil {
			return p
		}
		if filepath.Dir(p) == p {
			return ""
		}
	}
}

// syncParents syncs to disk the folder parent, in which a folder was just
// renamed, and, when ReplaceDir made parent, its parents up to top, the
// first that was there, which each hold a new entry: the rename is then
// on disk. A folder that may be written but not read (mode -wx), which
// cannot be opened to be synced, is passed over: the file system syncs
// it in its time, as before. Not on Windows, where a folder is not synced
// (see syncBuilt).
func syncParents(parent, top string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	for p := parent; ; p = filepath.Dir(p) {
		if err := syncPath(p); err != nil && !errors.Is(err, fs.ErrPermission) {
			return err
		}
		if p == top || top == "" || filepath.Dir(p) == p {
			return nil
		}
	}
}

// LeftAlone reports whether a directory library leaves alone a file (or
// folder) of this name in its folder (see library.IgnoredFile, which
// documents it): a name that starts with a dot, and the files Windows
// Explorer writes into folders it shows (desktop.ini, Thumbs.db,
// ehthumbs.db, in any case).
func LeftAlone(name string) bool {
	if strings.HasPrefix(name, ".") {
		return true
	}
	switch strings.ToLower(name) {
	case "desktop.ini", "thumbs.db", "ehthumbs.db":
		return true
	}
	return false
}

// ErrMountPoint is the error of [ReplaceDir] for a folder on which a file
// system is mounted.
var ErrMountPoint = errors.New("a mount point, which no other folder can replace")

// keepOtherFiles copies into the new folder next what the old folder dir
// holds besides the library: the files and folders a directory library
// leaves alone (see [LeftAlone]: .gitkeep, .DS_Store, a .notes folder,
// Explorer's desktop.ini and Thumbs.db).
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
		if !LeftAlone(name) || strings.HasPrefix(name, ".cassette-") {
			continue
		}
		if _, err := os.Lstat(filepath.Join(next, name)); err == nil {
			continue // the new folder has its own
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
		if link(p, to) == nil {
			return nil // the file the old folder held, on disk as it was
		}
		return copyFile(p, to, info.Mode().Perm())
	})
}

// link is os.Link; a test stands in a file system without hard links.
var link = os.Link

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
	// Synced as the files of the new folder are: the old folder, which
	// holds the original, is removed once replaced.
	if err := fsync(out); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
