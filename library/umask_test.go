//go:build unix

package library

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestSavedFilesFollowTheUmask: the files and folders a Save makes get
// the mode the umask gives new ones, cassette files and body files alike:
// a umask of 077 keeps recorded answers (an OAuth token, say) to their
// owner; they used to be 0644 whatever the umask.
func TestSavedFilesFollowTheUmask(t *testing.T) {
	for _, umask := range []int{0o077, 0o002} {
		root := t.TempDir()
		old := syscall.Umask(umask)
		l, err := Open(filepath.Join(root, "lib"))
		if err == nil {
			w, werr := l.NewBody()
			if werr != nil {
				err = werr
			} else {
				w.Write(bigBody(100))
				path, cerr := w.Commit()
				err = cerr
				if err == nil {
					err = l.Append("GET_big", fileExchange(path))
				}
			}
		}
		if err == nil {
			err = l.Append("GET_a", exchange(1))
		}
		if err == nil {
			err = l.Save()
		}
		syscall.Umask(old)
		if err != nil {
			t.Fatal(err)
		}
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || path == root {
				return err
			}
			fi, err := d.Info()
			if err != nil {
				return err
			}
			want := fs.FileMode(0o666 &^ umask)
			if d.IsDir() {
				want = fs.FileMode(0o777 &^ umask)
			}
			if fi.Mode().Perm() != want {
				t.Errorf("umask %#o: %s has mode %v, want %v", umask, path, fi.Mode().Perm(), want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if ents, _ := os.ReadDir(filepath.Join(root, "lib", "bodies")); len(ents) != 1 {
			t.Errorf("umask %#o: the body folder holds %d files, want 1", umask, len(ents))
		}
	}
}
