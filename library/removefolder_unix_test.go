//go:build unix

package library

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// removeFolder gave up on a call a signal interrupted (EINTR), which
// os.Remove makes again: a folder made for a body file was left behind
// with an error. It makes it again, and removes the folder.
func TestRemoveFolderRetriesWhenInterrupted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bodies")
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
	calls := 0
	real := rmdir
	rmdir = func(p string) error {
		calls++
		if calls == 1 {
			return syscall.EINTR
		}
		return real(p)
	}
	defer func() { rmdir = real }()
	if err := removeFolder(path); err != nil || calls != 2 {
		t.Errorf("removeFolder(%s), interrupted once = %v after %d call(s); want it removed by a second call", path, err, calls)
	}
	if _, err := os.Lstat(path); err == nil {
		t.Errorf("%s is still there", path)
	}
}
