//go:build unix

package main

import (
	"io/fs"
	"syscall"
)

// unlink is unlink(2); a test makes it fail as a signal would.
var unlink = syscall.Unlink

// removeFile removes the file at path, or the symbolic link there (not
// what it leads to), and never a folder: unlink(2) refuses one (EISDIR on
// Linux, EPERM elsewhere), where os.Remove, when unlinking fails, removes
// an empty folder. So a folder made at path after the caller looked there
// is left, in one step that leaves no moment for it to appear. A call a
// signal interrupts (EINTR) is made again, as os.Remove makes its own.
func removeFile(path string) error {
	for {
		err := unlink(path)
		switch err {
		case nil:
			return nil
		case syscall.EINTR:
			continue
		}
		return &fs.PathError{Op: "remove", Path: path, Err: err}
	}
}
