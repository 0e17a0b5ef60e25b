package library

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// errTakenBySave is the panic of a lock of a library's folder taken by
// the Save that holds it.
var errTakenBySave = errors.New("the folder's lock taken again by the Save that holds it")

// A NewBody that fails once it made the folder of a new directory library
// (and its bodies/ folder) leaves no folder at the library's path: it
// left them, empty, and the next run in once mode took the folder for a
// library recorded, and replayed it rather than record it. Here the body
// folder is gone each time NewBody is about to create its file there, as
// another writer giving up its body file removes it, found empty, and
// NewBody fails after its second try; the folders it made are removed, as
// Abort removes them.
func TestNewBodyThatFailsLeavesNoLibraryFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "testdata", "api")
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	tries := 0
	testHookBodyFolder = func(dir string) {
		tries++
		if err := os.Remove(dir); err != nil {
			t.Errorf("remove %s: %v", dir, err)
		}
	}
	t.Cleanup(func() { testHookBodyFolder = nil })
	w, err := l.NewBody()
	testHookBodyFolder = nil
	if err == nil {
		w.Abort()
		t.Fatalf("NewBody with its body folder removed twice = nil error; want an error (the test's premise failed)")
	}
	if tries != 2 {
		t.Errorf("NewBody created the body folder %d times, want 2", tries)
	}
	if !strings.Contains(err.Error(), "create body file in "+filepath.Join(path, "bodies")) {
		t.Errorf("NewBody = %v; want an error naming the body folder", err)
	}
	if bodyExists(t, path) {
		t.Errorf("after a NewBody that failed, %s is there, holding %q: it would pass for a library recorded", path, listDir(t, path))
	}
	if !bodyExists(t, filepath.Dir(path)) {
		t.Errorf("%s, the folder the library goes in, is gone", filepath.Dir(path))
	}
	// A NewBody that works makes the folders again.
	w = newBody(t, l)
	w.Abort()
	if bodyExists(t, path) {
		t.Errorf("after the body file was given up, %s is there", path)
	}
}

// A NewBody that fails in a directory library that was there before
// leaves it, and whatever it holds, but not the body folder it made.
func TestNewBodyThatFailsLeavesTheFolderThatWasThere(t *testing.T) {
	path := filepath.Join(t.TempDir(), "api")
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	testHookBodyFolder = func(dir string) { os.Remove(dir) }
	t.Cleanup(func() { testHookBodyFolder = nil })
	if w, err := l.NewBody(); err == nil {
		w.Abort()
		t.Fatal("NewBody with its body folder removed twice = nil error; want an error")
	}
	testHookBodyFolder = nil
	if !bodyExists(t, path) {
		t.Fatalf("after a NewBody that failed, %s, there before, is gone", path)
	}
	if got := listDir(t, path); len(got) != 0 {
		t.Errorf("after a NewBody that failed, %s holds %q, want nothing", path, got)
	}
}

// A NewBody that fails after making the folders, its body folder not
// writable, leaves no library folder either. Root writes there anyway:
// the test needs another user.
func TestNewBodyInAnUnwritableBodyFolderLeavesNoLibraryFolder(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes in a folder without write permission")
	}
	path := filepath.Join(t.TempDir(), "api")
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	testHookBodyFolder = func(dir string) {
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Error(err)
		}
	}
	t.Cleanup(func() { testHookBodyFolder = nil })
	w, err := l.NewBody()
	testHookBodyFolder = nil
	if err == nil {
		w.Abort()
		t.Skip("NewBody created a file in a folder without write permission")
	}
	if bodyExists(t, path) {
		t.Errorf("after a NewBody that failed (%v), %s is there, holding %q", err, path, listDir(t, path))
	}
}

// A Save whose copy of another library's body file fails in its NewBody
// (the body folder removed each time, as above) does not take the lock of
// the folder it holds to remove the folders that NewBody made: it would
// wait for itself.
func TestACopyWhoseNewBodyFailsInASaveDoesNotWaitForItsSave(t *testing.T) {
	src := stores[2].open(t, t.TempDir())
	mustAppend(t, src, "GET_big", fileExchange(writeBody(t, src, []byte(strings.Repeat("x", 1<<10)))))
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
	testHookFolderLocked = func(string) { holds = true }
	testHookLockFolder = func(string) {
		if holds {
			panic(errTakenBySave)
		}
	}
	testHookBodyFolder = func(dir string) { os.Remove(dir) }
	t.Cleanup(func() { testHookFolderLocked, testHookLockFolder, testHookBodyFolder = nil, nil, nil })
	err = func() (err error) {
		defer func() {
			if v := recover(); v != nil {
				if v != errTakenBySave {
					panic(v)
				}
				err = errTakenBySave
			}
		}()
		return dst.Save()
	}()
	holds = false
	testHookFolderLocked, testHookLockFolder, testHookBodyFolder = nil, nil, nil
	if errors.Is(err, errTakenBySave) {
		t.Fatal("the Save's copy of a body file, whose NewBody failed, took the lock of the folder the Save holds: the Save waits for itself")
	}
	if err == nil || !strings.Contains(err.Error(), "create body file") {
		t.Errorf("Save with the copy of its body file failing = %v, want an error saying the body file could not be created", err)
	}
}
