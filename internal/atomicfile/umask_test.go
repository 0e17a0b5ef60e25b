//go:build unix

package atomicfile

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestNewFilesFollowTheUmask: a new file gets perm less the umask, as any
// new file does; it used to get perm whatever the umask (0644 for a
// library, readable by all under a umask of 077).
func TestNewFilesFollowTheUmask(t *testing.T) {
	for _, umask := range []int{0o077, 0o022, 0o002} {
		old := syscall.Umask(umask)
		dir := t.TempDir()
		name := filepath.Join(dir, "f.json")
		err := WriteFile(name, []byte("one"), 0o666)
		tmp, tmpErr := MkdirTemp(dir, ".x-", 0o777)
		syscall.Umask(old)
		if err != nil || tmpErr != nil {
			t.Fatalf("WriteFile = %v, MkdirTemp = %v", err, tmpErr)
		}
		checkFile(t, name, "one", os.FileMode(0o666&^umask))
		if fi, err := os.Stat(tmp); err != nil || fi.Mode().Perm() != os.FileMode(0o777&^umask) {
			t.Errorf("umask %#o: MkdirTemp made %v (%v), want %v", umask, fi.Mode().Perm(), err, os.FileMode(0o777&^umask))
		}
		// An existing file keeps its mode.
		if err := os.Chmod(name, 0o640); err != nil {
			t.Fatal(err)
		}
		if err := WriteFile(name, []byte("two"), 0o666); err != nil {
			t.Fatal(err)
		}
		checkFile(t, name, "two", 0o640)
		checkNoTemp(t, dir)
	}
}
