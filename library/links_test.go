package library

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBodyFolderLinkedOutOfTheLibrary: a body folder that is a symbolic
// link out of the folder of its cassette files (put there by hand, or by
// a pull request) is never written, listed nor swept: a recording used to
// write its large bodies there, where replay refuses them, and a Save
// after a Clear would remove the body files of whatever library the link
// leads to. A link to a folder inside is followed.
func TestBodyFolderLinkedOutOfTheLibrary(t *testing.T) {
	forEachStore(t, func(t *testing.T, s store) {
		root := t.TempDir()
		outside := t.TempDir()
		// A body file of another library, named as ours are.
		theirs := filepath.Join(outside, strings.Repeat("ab", 16)+".bin")
		writeFile(t, theirs, "another library's body")
		l := s.open(t, root)
		mustAppend(t, l, "GET_a", exchange(1))
		mustSave(t, l)
		bodies := l.bodyFolder()
		symlink(t, outside, bodies)

		_, err := l.NewBody()
		if err == nil || !strings.Contains(err.Error(), "is a symbolic link to "+outside) || !strings.Contains(err.Error(), "out of") {
			t.Errorf("NewBody with the body folder linked out = %v; want an error saying where the link leads", err)
		}
		if _, err := l.UnusedBodies(); err == nil || !strings.Contains(err.Error(), "is a symbolic link to") {
			t.Errorf("UnusedBodies with the body folder linked out = %v; want an error", err)
		}
		if _, err := l.Leftovers(0); err == nil || !strings.Contains(err.Error(), "is a symbolic link to") {
			t.Errorf("Leftovers with the body folder linked out = %v; want an error", err)
		}
		l.Clear()
		mustAppend(t, l, "GET_b", exchange(2))
		if err := l.Save(); err == nil || !strings.Contains(err.Error(), "is a symbolic link to") {
			t.Errorf("Save after Clear with the body folder linked out = %v; want an error", err)
		}
		if b, err := os.ReadFile(theirs); err != nil || string(b) != "another library's body" {
			t.Errorf("the file outside after Save = %q, %v; want it untouched", b, err)
		}
		ents, _ := os.ReadDir(outside)
		if len(ents) != 1 {
			t.Errorf("the folder outside holds %d files; want only the one it held", len(ents))
		}

		// Linked to a folder inside the library's folder: followed.
		inside := filepath.Join(filepath.Dir(bodies), ".bodies-store") // a dot folder: no stray file in a directory library
		if err := os.MkdirAll(inside, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(bodies); err != nil {
			t.Fatal(err)
		}
		symlink(t, inside, bodies)
		l = s.open(t, root)
		if err := l.Load(); err != nil {
			t.Fatal(err)
		}
		path := writeBody(t, l, []byte("inside"))
		if real, err := filepath.EvalSymlinks(path); err != nil || filepath.Dir(real) != mustEval(t, inside) {
			t.Errorf("body file written at %s (%v); want it in %s", real, err, inside)
		}
	})
}

func mustEval(t *testing.T, path string) string {
	t.Helper()
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		t.Fatal(err)
	}
	return real
}
