//go:build !unix && !windows

package main

import (
	"fmt"
	"os"
)

// removeFile removes the file at path, or the symbolic link there (not
// what it leads to), and never a folder. This system has no call that
// removes a file and refuses a folder in one step: a folder made at path
// between the look here and the removal, if empty, is removed.
func removeFile(path string) error {
	if fi, err := os.Lstat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("remove %s: is a folder", path)
	}
	return os.Remove(path)
}
