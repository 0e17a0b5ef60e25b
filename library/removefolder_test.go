package library

import (
	"os"
	"path/filepath"
	"testing"
)

// removeFolder removes an empty folder, and neither a folder that holds
// something nor a file.
func TestRemoveFolderNeverRemovesAFile(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name   string
		make   func(path string) error
		remove bool // removeFolder removes it
	}{
		{"an empty folder", func(p string) error { return os.Mkdir(p, 0o755) }, true},
		{"a folder that holds a file", func(p string) error {
			if err := os.Mkdir(p, 0o755); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(p, "x.bin"), []byte("x"), 0o644)
		}, false},
		{"a regular file", func(p string) error { return os.WriteFile(p, []byte("a file of another writer"), 0o644) }, false},
		{"an empty file", func(p string) error { return os.WriteFile(p, nil, 0o644) }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "bodies")
			if err := tc.make(path); err != nil {
				t.Fatal(err)
			}
			defer os.RemoveAll(path)
			err := removeFolder(path)
			_, lerr := os.Lstat(path)
			switch {
			case tc.remove && (err != nil || lerr == nil):
				t.Errorf("removeFolder(%s) = %v, and after it Lstat = %v; want it removed", tc.name, err, lerr)
			case !tc.remove && lerr != nil:
				t.Errorf("removeFolder(%s) = %v, and removed it", tc.name, err)
			case !tc.remove && err == nil:
				t.Errorf("removeFolder(%s) = nil, and left it; want an error", tc.name)
			}
		})
	}
}

// The folders a NewBody made are removed, if empty, when its body file is
// given up (Abort) or the NewBody fails: with os.Remove, which removes a
// file as well. A file another writer put where one of them was since
// (here as the removal is about to start, under the lock of the folder's
// saves) was removed; it stays.
func TestGivingUpABodyLeavesAFilePutWhereItsFolderWas(t *testing.T) {
	const content = "a file of another writer"
	for _, tc := range []struct {
		name string
		// start makes the folders through l and returns what gives them up.
		start func(t *testing.T, l *Library) (giveUp func())
		// replaced is the folder replaced by a file: "lib" or "bodies".
		replaced string
	}{
		{"Abort, the body folder replaced", func(t *testing.T, l *Library) func() {
			w := newBody(t, l)
			return w.Abort
		}, "bodies"},
		{"Abort, the library's folder replaced", func(t *testing.T, l *Library) func() {
			w := newBody(t, l)
			return w.Abort
		}, "lib"},
		{"NewBody that fails, the library's folder replaced", func(t *testing.T, l *Library) func() {
			// The body folder is removed as NewBody is about to create
			// its file there, twice: it fails, and gives up the
			// library's folder it made.
			testHookBodyFolder = func(dir string) { os.Remove(dir) }
			return func() {
				if w, err := l.NewBody(); err == nil {
					w.Abort()
					t.Error("NewBody with its body folder removed twice = nil error; want an error (the test's premise failed)")
				}
				testHookBodyFolder = nil
			}
		}, "lib"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "testdata", "api")
			l, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { testHookLockFolder, testHookBodyFolder = nil, nil })
			giveUp := tc.start(t, l)
			target := path
			if tc.replaced == "bodies" {
				target = filepath.Join(path, bodiesDir)
			}
			replaced := false
			testHookLockFolder = func(abs string) {
				if replaced || abs != l.abs {
					return
				}
				replaced = true
				// Another writer removes the folder, found empty (the
				// body folder with it), and puts a file in its place.
				os.Remove(filepath.Join(path, bodiesDir))
				if err := os.Remove(target); err != nil && !os.IsNotExist(err) {
					t.Errorf("remove the empty folder %s: %v", target, err)
				}
				if err := os.WriteFile(target, []byte(content), 0o644); err != nil {
					t.Error(err)
				}
			}
			giveUp()
			testHookLockFolder = nil
			if !replaced {
				t.Fatal("the folders were removed without the lock of the library's folder: the test's premise failed")
			}
			got, err := os.ReadFile(target)
			if err != nil || string(got) != content {
				t.Errorf("the file put where the folder %s was: %q, %v; want it left, holding %q", target, got, err, content)
			}
		})
	}
}
