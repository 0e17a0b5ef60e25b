//go:build unix

package library

import (
	"io/fs"
	"syscall"
)

// removeFolder removes the folder at path if it is empty, and never a
// file: rmdir(2) refuses one (ENOTDIR), and a symbolic link too, where
// os.Remove, which unlinks first, removes it. So a file put at path by
// another writer after a folder of this library's was there is left, in
// one step that leaves no moment for it to appear.
func removeFolder(path string) error {
	if err := syscall.Rmdir(path); err != nil {
		return &fs.PathError{Op: "remove", Path: path, Err: err}
	}
	return nil
}
