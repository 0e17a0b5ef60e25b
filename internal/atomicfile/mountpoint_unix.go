//go:build unix

package atomicfile

import (
	"os"
	"path/filepath"
	"syscall"
)

// mountPoint reports whether the folder dir, whose FileInfo is fi, is a
// mount point: on another device than its parent. (A folder bind-mounted
// from the same file system is not seen.)
func mountPoint(dir string, fi os.FileInfo) bool {
	parent, err := os.Stat(filepath.Dir(dir))
	if err != nil || filepath.Dir(dir) == dir {
		return false
	}
	a, okA := fi.Sys().(*syscall.Stat_t)
	b, okB := parent.Sys().(*syscall.Stat_t)
	return okA && okB && a.Dev != b.Dev
}
