//go:build linux || darwin || ios || freebsd || netbsd || openbsd || dragonfly

package library

import (
	"os"
	"syscall"
)

// lockDir takes an exclusive lock, shared with every process, on the
// folder dir (see lockFile), waiting for it, and returns the function
// that releases it. Where the lock cannot be taken (a file system without
// flock, such as some network ones), it takes none.
func lockDir(dir string) (unlock func()) {
	f, err := os.Open(dir)
	if err != nil {
		return func() {}
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return func() {}
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}
}
