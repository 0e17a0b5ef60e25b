//go:build linux && (amd64 || arm64 || loong64 || riscv64)

package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"syscall"
	"unsafe"
)

// renameat2 is the number of Linux's renameat2 system call: the
// generic one, and amd64's own (the syscall package, frozen, lacks it
// there).
var renameat2 uintptr = 276

func init() {
	if runtime.GOARCH == "amd64" {
		renameat2 = 316
	}
}

const (
	atFDCWD        = -0x64 // AT_FDCWD: paths relative to the working directory
	renameExchange = 0x2   // RENAME_EXCHANGE
)

func exchange(a, b string) error {
	pa, err := syscall.BytePtrFromString(a)
	if err != nil {
		return &os.LinkError{Op: "exchange", Old: a, New: b, Err: err}
	}
	pb, err := syscall.BytePtrFromString(b)
	if err != nil {
		return &os.LinkError{Op: "exchange", Old: a, New: b, Err: err}
	}
	fd := atFDCWD
	_, _, e := syscall.Syscall6(renameat2, uintptr(fd), uintptr(unsafe.Pointer(pa)), uintptr(fd), uintptr(unsafe.Pointer(pb)), renameExchange, 0)
	switch e {
	case 0:
		return nil
	case syscall.ENOSYS, syscall.EINVAL, syscall.ENOTSUP, syscall.EPERM:
		// A kernel before 3.15, a file system that cannot swap, or a
		// sandbox (seccomp) that refuses the call: renames may do.
		return &os.LinkError{Op: "exchange", Old: a, New: b, Err: fmt.Errorf("%w: %w", errors.ErrUnsupported, e)}
	}
	return &os.LinkError{Op: "exchange", Old: a, New: b, Err: e}
}
