package atomicfile

import (
	"errors"
	"syscall"
)

// Errors of Windows that the file system gives while another handle
// holds a file (the syscall package names the first only).
const (
	errorSharingViolation syscall.Errno = 32 // ERROR_SHARING_VIOLATION
	errorLockViolation    syscall.Errno = 33 // ERROR_LOCK_VIOLATION
)

// busy reports whether err may be that of a file another handle holds
// open, which its closing ends (see Rename). Access denied is also the
// error of a file held by a handle that does not share its deletion.
func busy(err error) bool {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return false
	}
	switch errno {
	case syscall.ERROR_ACCESS_DENIED, errorSharingViolation, errorLockViolation:
		return true
	}
	return false
}
