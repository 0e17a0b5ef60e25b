package diskerr

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
	"testing"
)

func TestHint(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{&fs.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC}, "the disk is full: free space on it"},
		{fmt.Errorf("save: %w", &fs.PathError{Op: "write", Path: "x", Err: syscall.EDQUOT}), "the disk is full: free space on it"},
		{&fs.PathError{Op: "write", Path: "x", Err: syscall.EFBIG}, "a file size limit was reached (ulimit -f)"},
		{&fs.PathError{Op: "open", Path: "x", Err: syscall.EROFS}, "the file system is read-only: use a library on a writable one"},
		{&fs.PathError{Op: "open", Path: "x", Err: os.ErrPermission}, "no permission to write there"},
		{&fs.PathError{Op: "open", Path: "x", Err: syscall.ENOENT}, ""},
		{errors.New("unexpected end of JSON input"), ""},
		{nil, ""},
	} {
		if got := Hint(tt.err); got != tt.want {
			t.Errorf("Hint(%v) = %q, want %q", tt.err, got, tt.want)
		}
		if got := Is(tt.err); got != (tt.want != "") {
			t.Errorf("Is(%v) = %v, want %v", tt.err, got, tt.want != "")
		}
	}
}
