//go:build unix

package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// removeFile gave up on a call a signal interrupted (EINTR), which
// os.Remove makes again: the -unused FILE of an earlier run was left, with
// an error. It makes it again, and removes the file.
func TestRemoveFileRetriesWhenInterrupted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "unused.log")
	if err := os.WriteFile(path, []byte("GET_a.json\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	calls := 0
	real := unlink
	unlink = func(p string) error {
		calls++
		if calls == 1 {
			return syscall.EINTR
		}
		return real(p)
	}
	defer func() { unlink = real }()
	if err := removeFile(path); err != nil || calls != 2 {
		t.Errorf("removeFile(%s), interrupted once = %v after %d call(s); want it removed by a second call", path, err, calls)
	}
	if _, err := os.Lstat(path); err == nil {
		t.Errorf("%s is still there", path)
	}
}
