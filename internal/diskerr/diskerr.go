// Package diskerr tells the errors of writes that failed for the disk's
// sake (no room, a quota, a file size limit, a read-only file system, no
// permission) from others, and says what to do about them: retrying, or
// fixing the data written, does not help then.
package diskerr

import (
	"errors"
	"io/fs"
	"syscall"
)

// Hint returns what to do about err, a write that failed for the disk's
// sake, or "" for another error.
func Hint(err error) string {
	switch {
	case full(err):
		return "the disk is full: free space on it"
	case errors.Is(err, syscall.EFBIG):
		return "a file size limit was reached: raise it (ulimit -f)"
	case errors.Is(err, syscall.EROFS):
		return "the file system is read-only: use a library on a writable one"
	case errors.Is(err, fs.ErrPermission):
		return "no permission to write there: make its folder writable for this user, or give a path you can write"
	}
	return ""
}

// Is reports whether err is a write that failed for the disk's sake (see
// [Hint]).
func Is(err error) bool { return Hint(err) != "" }
