// Package atomicfile writes files atomically: a reader of the file sees its
// old content or its new content, never a mix, and a crash leaves at most
// a stray temporary file behind.
package atomicfile

import (
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// TempPattern is the pattern, for [filepath.Glob], of the temporary files
// WriteFile and CreateTemp make. They start with a dot, so tools that skip
// dotfiles skip any a crash leaves behind.
const TempPattern = ".cassette-*.tmp"

// RerecordPrefix starts the name of the folder a rerecord of a directory
// library (or `cassette convert` and `import`) builds beside it, which
// then takes the library's place (see [ReplaceDir]); a crash while it is
// built leaves it behind. Two renames (see [Exchange]) name
// the old library's folder so, followed by ".old".
const RerecordPrefix = ".cassette-rerecord-"

// CreateTemp creates a new file in dir, named as TempPattern says, open for
// reading and writing. Its permission bits are perm less the process's
// umask, as for any new file (os.CreateTemp gives 0600 whatever the umask:
// a library renamed from one would not be readable by the group that the
// umask lets read it).
func CreateTemp(dir string, perm fs.FileMode) (*os.File, error) {
	for range 10000 {
		f, err := os.OpenFile(tempName(dir, ".cassette-", ".tmp"), os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, &fs.PathError{Op: "createtemp", Path: filepath.Join(dir, TempPattern), Err: fs.ErrExist}
}

// MkdirTemp creates a new folder in dir whose name starts with prefix, and
// returns its path. Its permission bits are perm less the umask.
func MkdirTemp(dir, prefix string, perm fs.FileMode) (string, error) {
	for range 10000 {
		name := tempName(dir, prefix, "")
		err := os.Mkdir(name, perm)
		if !errors.Is(err, fs.ErrExist) {
			return name, err
		}
	}
	return "", &fs.PathError{Op: "mkdirtemp", Path: filepath.Join(dir, prefix+"*"), Err: fs.ErrExist}
}

// tempName returns a name in dir made of prefix, a random part and suffix.
func tempName(dir, prefix, suffix string) string {
	return filepath.Join(dir, prefix+strconv.FormatUint(rand.Uint64(), 36)+suffix)
}

// WriteFile writes data to the file name: to a new temporary file in the
// same directory, synced to disk, then renamed over name (with [Rename]:
// on Windows, once no reader holds it). Into a folder that [ReplaceDir]
// builds, it writes without syncing: ReplaceDir syncs the file before the
// folder takes its place (see deferred.go). A new file gets
// permission bits perm less the umask; an existing file keeps its own. On failure the
// temporary file is removed and name is unchanged. When name is a
// symbolic link, the file it points to is replaced and the link kept.
func WriteFile(name string, data []byte, perm fs.FileMode) (err error) {
	if target, err := filepath.EvalSymlinks(name); err == nil {
		name = target
	}
	old, err := os.Stat(name) // the file replaced, if any, keeps its mode
	replacing := err == nil && old.Mode().IsRegular()
	f, err := CreateTemp(filepath.Dir(name), perm)
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return err
	}
	if replacing {
		if err := f.Chmod(old.Mode().Perm()); err != nil {
			return err
		}
	}
	deferred := deferSync(name)
	if !deferred {
		if err := fsync(f); err != nil {
			return err
		}
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := Rename(tmp, name); err != nil {
		return err
	}
	if deferred && !noteUnsynced(name) {
		return syncPath(name)
	}
	return nil
}
