// Package atomicfile writes files atomically: a reader of the file sees its
// old content or its new content, never a mix, and a crash leaves at most
// a stray temporary file behind.
package atomicfile

import (
	"io/fs"
	"os"
	"path/filepath"
)

// TempPattern is the pattern, for [os.CreateTemp], of the temporary files
// WriteFile makes. They start with a dot, so tools that skip dotfiles skip
// any a crash leaves behind.
const TempPattern = ".cassette-*.tmp"

// WriteFile writes data to the file name: to a new temporary file in the
// same directory, synced to disk, then renamed over name. A new file gets
// permission bits perm; an existing file keeps its own. On failure the
// temporary file is removed and name is unchanged. When name is a
// symbolic link, the file it points to is replaced (or made) and the link
// kept (see Target).
func WriteFile(name string, data []byte, perm fs.FileMode) (err error) {
	name = Target(name)
	if fi, err := os.Stat(name); err == nil && fi.Mode().IsRegular() {
		perm = fi.Mode().Perm()
	}
	f, err := os.CreateTemp(filepath.Dir(name), TempPattern)
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
	if err := f.Chmod(perm); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}

// maxLinks is the most symbolic links Target follows, as Linux does.
const maxLinks = 40

// Target returns the file that writing name writes: name, or where the
// symbolic links at name lead, even when that file does not exist yet
// (a link made ahead, to a file a first save creates). Links in the
// folders above are left as they are: a rename in a linked folder
// replaces the file in the folder it leads to.
func Target(name string) string {
	for range maxLinks {
		fi, err := os.Lstat(name)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			return name
		}
		dest, err := os.Readlink(name)
		if err != nil {
			return name
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(name), dest)
		}
		name = dest
	}
	return name
}
