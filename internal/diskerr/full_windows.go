package diskerr

import (
	"errors"
	"syscall"
)

// Errors of Windows for a full disk, which the syscall package does not
// name (its ENOSPC is one of its own, which no system call returns).
const (
	errorHandleDiskFull syscall.Errno = 39  // ERROR_HANDLE_DISK_FULL
	errorDiskFull       syscall.Errno = 112 // ERROR_DISK_FULL
)

// full reports whether err says the disk, or the user's quota on it, is
// full.
func full(err error) bool {
	return errors.Is(err, errorDiskFull) || errors.Is(err, errorHandleDiskFull) ||
		errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}
