package diskerr

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
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
		{&fs.PathError{Op: "write", Path: "x", Err: syscall.EFBIG}, "a file size limit was reached: raise it (ulimit -f)"},
		{&fs.PathError{Op: "open", Path: "x", Err: syscall.EROFS}, "the file system is read-only: use a library on a writable one"},
		{&fs.PathError{Op: "open", Path: "x", Err: os.ErrPermission}, "no permission to write there: make its folder writable for this user, or give a path you can write"},
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

// Every hint says, after what happened, what to do about it: "no
// permission to write there" and "a file size limit was reached" said
// only what happened, where the others said to free space or to use a
// library on a writable file system.
func TestEveryHintSaysWhatToDo(t *testing.T) {
	for _, tt := range []struct {
		err  error
		todo string
	}{
		{syscall.ENOSPC, "free space on it"},
		{syscall.EFBIG, "raise it"},
		{syscall.EROFS, "use a library on a writable one"},
		{os.ErrPermission, "make its folder writable"},
	} {
		err := &fs.PathError{Op: "open", Path: "x", Err: tt.err}
		if got := Hint(err); !strings.Contains(got, ": "+tt.todo) {
			t.Errorf("Hint(%v) = %q, want it to say what to do: %q", err, got, tt.todo)
		}
	}
}
