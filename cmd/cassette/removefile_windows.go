package main

import (
	"io/fs"
	"syscall"
)

// removeFile removes the file at path, or the symbolic link to a file
// there (not what it leads to), and never a folder: DeleteFile refuses
// one, where os.Remove, when DeleteFile fails, removes an empty folder
// (and a link to a folder, which DeleteFile refuses too). So a folder
// made at path after the caller looked there is left.
func removeFile(path string) error {
	p, err := syscall.UTF16PtrFromString(path)
	if err == nil {
		err = syscall.DeleteFile(p)
	}
	if err != nil {
		return &fs.PathError{Op: "remove", Path: path, Err: err}
	}
	return nil
}
