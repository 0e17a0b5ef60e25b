package library

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/internal/fsizelimit"
)

// errLockedAgain is the panic of a lock of a library's folder taken by
// the Save that holds it (see TestACopyGivenUpInASaveDoesNotWaitForItsSave).
var errLockedAgain = errors.New("the folder's lock taken again by the Save that holds it")

// A Save that copies another library's body file into a directory
// library, and gives the copy up (a full disk: here past a file size
// limit), does not take the lock of the folder it holds. When the folder
// was gone by then (removed, found empty, by another writer that the lock
// does not keep out: a process where there is no flock, or after the
// Save's tries to make it again), the copy's NewBody made it again, and
// its Abort took the Save's own lock (a sync.Mutex) to remove it: the
// Save waited for itself, for ever. The lock taken again panics here
// instead.
func TestACopyGivenUpInASaveDoesNotWaitForItsSave(t *testing.T) {
	if !fsizelimit.InOwnProcess(t) { // the limit is the process's
		return
	}
	src := stores[2].open(t, t.TempDir())
	mustAppend(t, src, "GET_big", fileExchange(writeBody(t, src, []byte(strings.Repeat("x", 64<<10)))))
	mustSave(t, src)
	c, _, err := src.Get("GET_big")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "testdata", "api")
	dst, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := dst.Put(c); err != nil {
		t.Fatal(err)
	}
	holds := false // the Save holds the folder's lock
	testHookFolderLocked = func(abs string) {
		testHookFolderLocked = nil
		// Another writer removes the folder, found empty.
		if err := os.Remove(abs); err != nil {
			t.Errorf("remove %s: %v", abs, err)
		}
		holds = true
	}
	testHookLockFolder = func(string) {
		if holds {
			panic(errLockedAgain)
		}
	}
	t.Cleanup(func() { testHookFolderLocked, testHookLockFolder = nil, nil })
	lift := fsizelimit.Limit(t, 16<<10)
	err = func() (err error) {
		defer func() {
			if v := recover(); v != nil {
				if v != errLockedAgain {
					panic(v)
				}
				err = errLockedAgain
			}
		}()
		return dst.Save()
	}()
	holds = false
	lift()
	if errors.Is(err, errLockedAgain) {
		t.Fatal("the Save's copy of a body file, given up, took the lock of the folder the Save holds: the Save waits for itself")
	}
	if err == nil || !strings.Contains(err.Error(), "copy body file") {
		t.Errorf("Save with the copy of its body file past the file size limit = %v, want an error saying the copy failed", err)
	}
}
