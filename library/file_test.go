package library

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSaveAtomic(t *testing.T) {
	forEachStore(t, func(t *testing.T, s store) {
		root := filepath.Join(t.TempDir(), "missing", "parents")
		l := s.open(t, root)
		mustAppend(t, l, "a", exchange(1))
		mustSave(t, l)

		file := s.path(root)
		if s.dir {
			file = filepath.Join(file, "a."+string(s.format))
		}
		old, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		defer old.Close()
		oldInfo, err := old.Stat()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(file, 0o600); err != nil {
			t.Fatal(err)
		}

		// A reader of the old file reads it whole. On Windows, where a
		// file held open cannot be replaced, the Save waits for the reader
		// to close it (see atomicfile.Rename); elsewhere it reads the old
		// file after the Save.
		readOld := make(chan []byte, 1)
		read := func() {
			data, err := io.ReadAll(old)
			if err != nil {
				t.Error(err)
				data = nil
			}
			old.Close()
			readOld <- data
		}
		mustAppend(t, l, "a", exchange(2))
		if runtime.GOOS == "windows" {
			go func() {
				time.Sleep(100 * time.Millisecond)
				read()
			}()
			mustSave(t, l)
		} else {
			mustSave(t, l)
			read()
		}

		newInfo, err := os.Stat(file)
		if err != nil {
			t.Fatal(err)
		}
		if os.SameFile(oldInfo, newInfo) {
			t.Errorf("Save wrote over %s in place; want a new file renamed over it", file)
		}
		// Windows keeps no permission bits but read-only.
		if got := newInfo.Mode().Perm(); got != 0o600 && runtime.GOOS != "windows" {
			t.Errorf("Save changed the permissions of %s to %v, want 0600 kept", file, got)
		}
		data := <-readOld
		if data == nil {
			t.Fatal("reading the old file failed")
		}
		if strings.Contains(string(data), "answer 2") || !strings.Contains(string(data), "answer 1") {
			t.Errorf("the old file changed:\n%s", data)
		}
		wantCassettes(t, s.open(t, root), map[string][]Exchange{"a": {exchange(1), exchange(2)}})
		noTempFiles(t, filepath.Dir(file))
	})
}

func TestSaveFails(t *testing.T) {
	forEachStore(t, func(t *testing.T, s store) {
		root := t.TempDir()
		path := s.path(root)
		target := path
		if s.dir {
			target = filepath.Join(path, "a."+string(s.format))
		}
		// A folder where the file should be.
		if err := os.MkdirAll(filepath.Join(target, "x"), 0o755); err != nil {
			t.Fatal(err)
		}
		before := snapshot(t, root)
		l := s.open(t, root)
		l.Clear()
		if err := l.Append("a", exchange(1)); err != nil {
			t.Fatal(err)
		}
		err := l.Save()
		if err == nil {
			t.Fatalf("Save() = nil, want an error")
		}
		t.Logf("Save() = %v", err)
		if !strings.Contains(err.Error(), path) {
			t.Errorf("Save() = %v, does not name %s", err, path)
		}
		if after := snapshot(t, root); after != before {
			t.Errorf("files changed:\nbefore:\n%s\nafter:\n%s", before, after)
		}
		noTempFiles(t, filepath.Dir(target))
	})
}

func noTempFiles(t *testing.T, dir string) {
	t.Helper()
	for _, f := range listDir(t, dir) {
		if strings.HasPrefix(f, ".cassette-") {
			t.Errorf("temporary file left in %s: %s", dir, f)
		}
	}
}

func TestFileSorted(t *testing.T) {
	for _, f := range []Format{JSON, YAML} {
		path := filepath.Join(t.TempDir(), "lib."+string(f))
		l, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"c", "a", "b"} {
			mustAppend(t, l, name, exchange(1))
		}
		mustSave(t, l)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		ia, ib, ic := strings.Index(string(data), "name: a"), strings.Index(string(data), "name: b"), strings.Index(string(data), "name: c")
		if f == JSON {
			ia, ib, ic = strings.Index(string(data), `"name": "a"`), strings.Index(string(data), `"name": "b"`), strings.Index(string(data), `"name": "c"`)
		}
		if !slices.IsSorted([]int{ia, ib, ic}) || ia < 0 {
			t.Errorf("%s: cassettes not written sorted by name:\n%s", f, data)
		}
	}
}
