package library

import (
	"io/fs"
	"path/filepath"
	"strings"
	"syscall"
)

// removeFolder removes the folder at path if it is empty, and never a
// file: RemoveDirectory refuses one, where os.Remove, which calls
// DeleteFile first, removes it. So a file put at path by another writer
// after a folder of this library's was there is left.
func removeFolder(path string) error {
	p, err := syscall.UTF16PtrFromString(extendedPath(path))
	if err == nil {
		err = syscall.RemoveDirectory(p)
	}
	if err != nil {
		return &fs.PathError{Op: "remove", Path: path, Err: err}
	}
	return nil
}

// extendedPath returns the absolute path in its \\?\ form when it is too
// long for a folder (248 characters or more) in the plain form, as the os
// package gives it to the system, so that removeFolder removes what
// os.Remove removed.
func extendedPath(path string) string {
	const tooLong = 248
	if len(path) < tooLong || !filepath.IsAbs(path) || strings.HasPrefix(path, `\\?\`) || strings.HasPrefix(path, `\\.\`) {
		return path
	}
	path = filepath.Clean(path)
	if strings.HasPrefix(path, `\\`) {
		return `\\?\UNC\` + path[len(`\\`):] // \\server\share\...
	}
	return `\\?\` + path
}
