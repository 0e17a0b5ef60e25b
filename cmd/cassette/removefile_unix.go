//go:build unix

package main

import (
	"io/fs"
	"syscall"
)

// removeFile removes the file at path, or the symbolic link there (not
// what it leads to), and never a folder: unlink(2) refuses one (EISDIR on
// Linux, EPERM elsewhere), where os.Remove, when unlinking fails, removes
// an empty folder. So a folder made at path after the caller looked there
// is left, in one step that leaves no moment for it to appear.
func removeFile(path string) error {
	if err := syscall.Unlink(path); err != nil {
		return &fs.PathError{Op: "remove", Path: path, Err: err}
	}
	return nil
}
