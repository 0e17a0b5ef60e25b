//go:build unix

package library

import (
	"io/fs"
	"syscall"
)

// rmdir is rmdir(2); a test makes it fail as a signal would.
var rmdir = syscall.Rmdir

// removeFolder removes the folder at path if it is empty, and never a
// file: rmdir(2) refuses one (ENOTDIR), and a symbolic link too, where
// os.Remove, which unlinks first, removes it. So a file put at path by
// another writer after a folder of this library's was there is left, in
// one step that leaves no moment for it to appear. A call a signal
// interrupts (EINTR) is made again, as os.Remove makes its own.
func removeFolder(path string) error {
	for {
		err := rmdir(path)
		switch err {
		case nil:
			return nil
		case syscall.EINTR:
			continue
		}
		return &fs.PathError{Op: "remove", Path: path, Err: err}
	}
}
