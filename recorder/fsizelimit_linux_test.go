package recorder_test

import (
	"syscall"
	"testing"
)

// limitFileSize makes writes that would take a file of this process past
// n bytes fail (EFBIG), as writes fail on a full disk, without the
// privileges a small file system of its own would take; the Go runtime
// ignores the SIGXFSZ that comes with them. It returns the function that
// lifts the limit, which the test calls before it reports anything (the
// test's output may go to a file). The limit is the process's: the test
// must not be parallel.
func limitFileSize(t *testing.T, n uint64) (lift func()) {
	t.Helper()
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Skipf("no file size limit here: %v", err)
	}
	lim := old
	lim.Cur = n
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		t.Skipf("cannot limit the size of files: %v", err)
	}
	lifted := false
	lift = func() {
		if !lifted {
			lifted = true
			if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
				panic("restore the file size limit: " + err.Error())
			}
		}
	}
	t.Cleanup(lift)
	return lift
}
