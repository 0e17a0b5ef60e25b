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
// symbolic link, the file it points to is replaced and the link kept.
func WriteFile(name string, data []byte, perm fs.FileMode) (err error) {
	if target, err := filepath.EvalSymlinks(name); err == nil {
		name = target
	}
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
