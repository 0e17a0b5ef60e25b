package library

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A library whose path goes through a file (testdata is a file, not a
// folder: a stray file written by a tool, or a path mistyped) cannot be
// read, made or written; the error names that file and says what to do,
// where it said only "not a directory" of the library's path, which is
// no file at all.
func TestALibraryUnderAFileNamesTheFile(t *testing.T) {
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			root := t.TempDir()
			testdata := filepath.Join(root, "testdata")
			if err := os.WriteFile(testdata, []byte("x"), 0o666); err != nil {
				t.Fatal(err)
			}
			path := s.path(testdata)
			// The file in the way, named: as the folder above the
			// library's, or as the folder a Save makes.
			want := testdata + " is a file, not a folder: rename or remove it"
			made := testdata + ": it is a file, not a folder: rename or remove it"
			l, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := l.Names(); err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("Names() of %s = %v, want an error saying %q", path, err, want)
			}
			if _, err := l.NewBody(); err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("NewBody() of %s = %v, want an error saying %q", path, err, want)
			}
			l.Clear() // reads nothing: Save then makes the folders
			mustAppend(t, l, "GET_a", Exchange{Request: Request{Method: "GET", URL: "https://api.example.com/a"}, Response: Response{StatusCode: 200}})
			if err := l.Save(); err == nil || !strings.Contains(err.Error(), want) && !strings.Contains(err.Error(), made) {
				t.Errorf("Save() of %s = %v, want an error saying %q", path, err, want)
			}
		})
	}
}
