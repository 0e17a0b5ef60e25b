//go:build darwin || ios || freebsd || netbsd

package library

import (
	"io/fs"
	"syscall"
)

// changeOf returns the change time (in Unix nanoseconds) and the inode
// number of the file fi describes, zero when they are unknown.
func changeOf(fi fs.FileInfo) (ctime int64, ino uint64) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0
	}
	return st.Ctimespec.Nano(), uint64(st.Ino)
}
