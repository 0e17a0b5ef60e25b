//go:build !windows

package diskerr

import (
	"errors"
	"syscall"
)

// full reports whether err says the disk, or the user's quota on it, is
// full.
func full(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}
