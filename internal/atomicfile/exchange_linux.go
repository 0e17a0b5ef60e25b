package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"syscall"
	"unsafe"
)

// renameat2 is the number of Linux's renameat2 system call on this
// architecture (which the syscall package, frozen, lacks), as
// golang.org/x/sys/unix gives it; 0 for one it does not know.
var renameat2 = map[string]uintptr{
	"386":      353,
	"amd64":    316,
	"arm":      382,
	"arm64":    276,
	"loong64":  276,
	"mips":     4351,
	"mipsle":   4351,
	"mips64":   5311,
	"mips64le": 5311,
	"ppc64":    357,
	"ppc64le":  357,
	"riscv64":  276,
	"s390x":    347,
}[runtime.GOARCH]

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
	if renameat2 == 0 {
		return &os.LinkError{Op: "exchange", Old: a, New: b, Err: errors.ErrUnsupported}
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
