package main

import (
	"os"
	"path/filepath"
	"testing"
)

// removeFile removes a file, or a symbolic link in its place, and never a
// folder: removeList and writeList look at what is at an -unused FILE,
// then remove it, and os.Remove, which they called, removed an empty
// folder made there between the two.
func TestRemoveFileNeverRemovesAFolder(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		make   func(path string) error
		remove bool // removeFile removes it
	}{
		{"a regular file", func(p string) error { return os.WriteFile(p, []byte("GET_a.json\n"), 0o644) }, true},
		{"a symbolic link to a folder", func(p string) error { return os.Symlink(target, p) }, true},
		{"an empty folder", func(p string) error { return os.Mkdir(p, 0o755) }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "unused.log")
			if err := tc.make(path); err != nil {
				t.Skip(err) // no symbolic links here
			}
			defer os.RemoveAll(path)
			err := removeFile(path)
			_, lerr := os.Lstat(path)
			switch {
			case tc.remove && (err != nil || lerr == nil):
				t.Errorf("removeFile(%s) = %v, and after it Lstat = %v; want it removed", tc.name, err, lerr)
			case !tc.remove && lerr != nil:
				t.Errorf("removeFile(%s) = %v, and removed it", tc.name, err)
			case !tc.remove && err == nil:
				t.Errorf("removeFile(%s) = nil, and left it; want an error", tc.name)
			}
		})
	}
	if fi, err := os.Stat(target); err != nil || !fi.IsDir() {
		t.Errorf("the folder a removed link led to: %v, %v; want it left", fi, err)
	}
}

// A folder made at an -unused FILE between the look that found a file
// there and the removal (removeLooked is what follows the look, in
// removeList and writeList) stays, and is no error: it is no list of an
// earlier run, and not the command's to remove.
func TestRemoveLookedLeavesAFolderMadeInPlace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "unused.log")
	if err := os.WriteFile(path, []byte("GET_a.json\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(path); err != nil || !fi.Mode().IsRegular() {
		t.Fatalf("Lstat(%s) = %v, %v; want a regular file", path, fi, err)
	}
	// Between the look and the removal, a folder takes its place.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
	if removed, err := removeLooked(path); removed || err != nil {
		t.Errorf("removeLooked(%s), a folder since the look = %v, %v; want false, nil", path, removed, err)
	}
	if !folderAt(path) {
		t.Errorf("removeLooked(%s) removed the folder made there", path)
	}
}
