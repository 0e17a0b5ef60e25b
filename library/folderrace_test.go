package library

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// A directory library's Save that finds its folder gone once it holds the
// folder's lock, removed empty by another writer meanwhile (whose own
// first Save wrote nothing, or whose body file given up had made it: see
// 13f7321), makes it again and saves. Before, every cassette failed,
// "not saved: ... no such file or directory": the recording that saved
// it last failed, and gave its exchanges up.
func TestSaveMakesAgainTheFolderAnotherWriterRemoved(t *testing.T) {
	path := filepath.Join(t.TempDir(), "testdata", "api")
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	mustAppend(t, l, "GET_a", exchange(1))
	removed := false
	testHookLockFolder = func(abs string) {
		if !removed {
			removed = true
			// The other writer's removal of the folder, found empty.
			if err := os.Remove(abs); err != nil {
				t.Errorf("remove the empty folder %s: %v", abs, err)
			}
		}
	}
	t.Cleanup(func() { testHookLockFolder = nil })
	if err := l.Save(); err != nil {
		t.Fatalf("Save into a folder removed meanwhile = %v, want it made again", err)
	}
	if !removed {
		t.Fatal("the Save took no lock of its folder: the test's premise failed")
	}
	if got := listDir(t, path); !slices.Equal(got, []string{"GET_a.json"}) {
		t.Errorf("after the Save, %s holds %q; want [GET_a.json]", path, got)
	}
}
