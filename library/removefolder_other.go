//go:build !unix && !windows

package library

import (
	"fmt"
	"os"
)

// removeFolder removes the folder at path if it is empty, and never a
// file it finds there. This system has no call that removes a folder and
// refuses a file in one step: a file put at path between the look here
// and the removal is removed.
func removeFolder(path string) error {
	if fi, err := os.Lstat(path); err == nil && !fi.IsDir() {
		return fmt.Errorf("remove %s: not a folder", path)
	}
	return os.Remove(path)
}
