package library

import (
	"os"
	"path/filepath"
	"slices"
	"sync"
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

// A writer that gives up what made a directory library's folder (a body
// file aborted, a recording discarded) removes the folder, found empty,
// under the lock of the folder's saves: a Save of another writer that
// holds the lock found the folder there and is about to write into it.
// Before, the removal took no lock and came between that Save's check and
// its writes: its cassettes failed, "no such file or directory".
func TestGivingUpTheFolderWaitsForASaveInIt(t *testing.T) {
	for _, tc := range []struct {
		why string
		// giveUp makes the folder, through l, and returns what gives it up.
		giveUp func(t *testing.T, l *Library) func()
	}{
		{"BodyWriter.Abort", func(t *testing.T, l *Library) func() {
			w, err := l.NewBody()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Write([]byte("a body given up")); err != nil {
				t.Fatal(err)
			}
			return w.Abort
		}},
		{"Library.Discard", func(t *testing.T, l *Library) func() {
			mustAppend(t, l, "GET_big", fileExchange(writeBody(t, l, []byte("a body given up"))))
			return func() {
				if err := l.Discard(); err != nil {
					t.Errorf("Discard: %v", err)
				}
			}
		}},
	} {
		t.Run(tc.why, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "testdata", "api")
			other, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			giveUp := tc.giveUp(t, other)
			l, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			mustAppend(t, l, "GET_a", exchange(1))
			var (
				waits   sync.Once
				waiting = make(chan struct{}) // the other writer is about to take the lock
				gaveUp  = make(chan struct{})
				locked  = false
			)
			testHookFolderLocked = func(abs string) {
				if locked {
					return
				}
				locked = true
				testHookLockFolder = func(string) { waits.Do(func() { close(waiting) }) }
				go func() {
					giveUp()
					close(gaveUp)
				}()
				// The other writer gives up as this Save holds the lock:
				// it waits for the lock (or, before, removed the folder).
				select {
				case <-waiting:
				case <-gaveUp:
				}
			}
			t.Cleanup(func() { testHookFolderLocked, testHookLockFolder = nil, nil })
			err = l.Save()
			<-gaveUp
			if !locked {
				t.Fatal("the Save took no lock of its folder: the test's premise failed")
			}
			if err != nil {
				t.Fatalf("Save as another writer gave up the folder = %v", err)
			}
			if got := listDir(t, path); !slices.Equal(got, []string{"GET_a.json"}) {
				t.Errorf("after the Save and the other writer's giving up, %s holds %q; want [GET_a.json]", path, got)
			}
		})
	}
}
