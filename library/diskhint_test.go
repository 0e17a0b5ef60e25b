package library

import (
	"io/fs"
	"strings"
	"syscall"
	"testing"
)

// A cassette that cannot be saved because of the disk (full, read-only)
// is not the cassette's fault: the error says what to do about the disk,
// not to fix or delete the cassette, as it did.
func TestNotSavedForTheDiskSaysWhatToDo(t *testing.T) {
	for _, tc := range []struct {
		err     syscall.Errno
		want    string
		notWant string
	}{
		{syscall.ENOSPC, `cassette "GET_a" not saved: open /lib/.cassette-1.tmp: no space left on device (the disk is full: free space on it)`, "next Save"},
		{syscall.EDQUOT, "(the disk is full: free space on it)", "fix or delete it"},
		{syscall.EROFS, "(the file system is read-only: use a library on a writable one)", "fix or delete it"},
		{syscall.EFBIG, "(a file size limit was reached: raise it (ulimit -f))", "fix or delete it"},
		{syscall.EINVAL, "fix or delete it", "(the disk"},
	} {
		write := &fs.PathError{Op: "open", Path: "/lib/.cassette-1.tmp", Err: tc.err}
		err := notSaved(map[string]error{"GET_a": withDiskHint(write)})
		if msg := err.Error(); !strings.Contains(msg, tc.want) || strings.Contains(msg, tc.notWant) {
			t.Errorf("notSaved(%v) = %q; want it to say %q, not %q", tc.err, msg, tc.want, tc.notWant)
		}
	}
}
