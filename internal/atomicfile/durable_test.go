package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
)

// syncLog records the paths fsync is called on, in order, from the moment
// it is made until the test ends; fail, if not nil, says which sync fails.
type syncLog struct {
	mu     sync.Mutex
	synced []string // guarded by mu
	fail   func(path string) bool
}

func newSyncLog(t *testing.T) *syncLog {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("no folder is synced on Windows")
	}
	l := &syncLog{}
	old := fsync
	t.Cleanup(func() { fsync = old })
	fsync = func(f *os.File) error {
		l.mu.Lock()
		l.synced = append(l.synced, f.Name())
		fail := l.fail != nil && l.fail(f.Name())
		l.mu.Unlock()
		if fail {
			return errors.New("input/output error")
		}
		return old(f)
	}
	return l
}

// since returns the paths synced from the n-th call on.
func (l *syncLog) since(n int) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.synced[n:])
}

func (l *syncLog) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.synced)
}

// The files and folders a library leaves alone in its folder (.gitkeep,
// a .notes folder) are copied into the new folder where the file system
// does not link them; the old folder, which holds the originals, is
// removed once replaced. Those copies were not synced: a crash after
// ReplaceDir returned could leave them empty. They are synced before
// the swap, as the files WriteFile wrote there are.
func TestReplaceDirSyncsTheFilesItCopies(t *testing.T) {
	log := newSyncLog(t)
	oldLink := link
	t.Cleanup(func() { link = oldLink })
	link = func(string, string) error { return errors.New("no hard links on this file system") }

	dir := filepath.Join(t.TempDir(), "lib")
	if err := os.MkdirAll(filepath.Join(dir, ".notes"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{".gitkeep": "", ".notes/todo.txt": "record /v2 again"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var tmpDir string
	swap := func(a, b string) error {
		synced := log.since(0)
		for _, name := range []string{".gitkeep", ".notes/todo.txt", ".notes"} {
			if p := filepath.Join(a, name); !slices.Contains(synced, p) {
				t.Errorf("%s, copied from the old folder, was not synced before the swap", p)
			}
		}
		return Exchange(a, b)
	}
	err := ReplaceDir(dir, func(tmp string) error {
		tmpDir = tmp
		return WriteFile(filepath.Join(tmp, "c.json"), []byte("{}"), 0o666)
	}, swap)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, ".notes/todo.txt")); string(b) != "record /v2 again" {
		t.Errorf("after ReplaceDir, .notes/todo.txt = %q, %v (built in %s)", b, err, tmpDir)
	}
}

// Once the new folder is in place, its parent is synced, so that the
// rename (or the swap) that put it there is on disk when ReplaceDir
// returns; so are the parents ReplaceDir made for a new folder, up to the
// first one that was there. Before, no folder outside the new one was
// synced: a crash just after a convert or import that said it was done
// could leave the old library, or none, at its path.
func TestReplaceDirSyncsTheParentOnceInPlace(t *testing.T) {
	log := newSyncLog(t)
	for _, tc := range []struct {
		why     string
		exists  bool
		made    []string // parents of the library's parent that ReplaceDir makes, relative to the test's folder
		library string   // relative to the test's folder
	}{
		{"folder replaced", true, nil, "lib"},
		{"new folder", false, nil, "lib"},
		{"new folder in new parents", false, []string{"a"}, "a/b/lib"},
	} {
		t.Run(tc.why, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, tc.library)
			if tc.exists {
				if err := os.Mkdir(dir, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			placed := -1 // calls to fsync when the new folder took dir's place
			swap := func(a, b string) error {
				err := Exchange(a, b)
				placed = log.len()
				return err
			}
			var tmpDir string
			err := ReplaceDir(dir, func(tmp string) error {
				tmpDir = tmp
				return WriteFile(filepath.Join(tmp, "c.json"), []byte("{}"), 0o666)
			}, swap)
			if err != nil {
				t.Fatal(err)
			}
			synced := log.since(0)
			if !tc.exists {
				// No swap for a new folder: it is renamed into place once
				// it is synced itself, last.
				placed = slices.Index(synced, tmpDir) + 1
			}
			if placed <= 0 {
				t.Fatalf("the new folder took its place after %d syncs; synced %q", placed, synced)
			}
			after := synced[placed:]
			want := []string{filepath.Dir(dir)}
			for _, m := range tc.made {
				want = append(want, filepath.Join(root, m))
			}
			if len(tc.made) > 0 {
				want = append(want, root) // the first parent that was there holds a new entry
			}
			for _, w := range want {
				if !slices.Contains(after, w) {
					t.Errorf("%s was not synced once the new folder was in place; synced then: %q", w, after)
				}
			}
		})
	}
}

// A sync that fails leaves the old folder in place (or none, where there
// was none), and is the error of ReplaceDir: one of a file of the new
// folder before the swap, and one of the parent after the swap or the
// renames, which put the old folder back.
func TestReplaceDirOfASyncThatFails(t *testing.T) {
	log := newSyncLog(t)
	unsupported := func(a, b string) error { return errors.ErrUnsupported }
	for _, tc := range []struct {
		why    string
		exists bool
		swap   func(a, b string) error
		fail   func(dir, path string) bool
	}{
		{"a file of the new folder", true, Exchange, func(dir, path string) bool { return filepath.Base(path) == "c.json" }},
		{"the parent, once swapped", true, Exchange, func(dir, path string) bool { return path == filepath.Dir(dir) }},
		{"the parent, once renamed twice", true, unsupported, func(dir, path string) bool { return path == filepath.Dir(dir) }},
		{"the parent, once a new folder is renamed", false, Exchange, func(dir, path string) bool { return path == filepath.Dir(dir) }},
	} {
		t.Run(tc.why, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "lib")
			want := []string(nil)
			if tc.exists {
				if err := os.Mkdir(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, "old.json"), []byte("old"), 0o644); err != nil {
					t.Fatal(err)
				}
				want = []string{"old.json"}
			}
			log.mu.Lock()
			log.fail = func(p string) bool { return tc.fail(dir, p) }
			log.mu.Unlock()
			defer func() {
				log.mu.Lock()
				log.fail = nil
				log.mu.Unlock()
			}()
			err := ReplaceDir(dir, func(tmp string) error {
				return WriteFile(filepath.Join(tmp, "c.json"), []byte("{}"), 0o666)
			}, tc.swap)
			if err == nil {
				t.Fatal("ReplaceDir = nil, want the error of the sync that failed")
			}
			ents, _ := os.ReadDir(dir)
			var names []string
			for _, e := range ents {
				names = append(names, e.Name())
			}
			if !slices.Equal(names, want) {
				t.Errorf("after ReplaceDir = %v, %s holds %q; want it as it was, %q", err, dir, names, want)
			}
			left, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), RerecordPrefix+"*"))
			if len(left) > 0 {
				t.Errorf("after ReplaceDir = %v, %q left beside it", err, left)
			}
		})
	}
}

// A parent that may be written but not read (mode -wx) cannot be opened
// to be synced: the folder takes its place all the same, as before
// ReplaceDir synced its parent.
func TestReplaceDirInAFolderItMayNotRead(t *testing.T) {
	newSyncLog(t)
	dir := filepath.Join(t.TempDir(), "lib")
	oldOpen := open
	t.Cleanup(func() { open = oldOpen })
	open = func(name string) (*os.File, error) {
		if name == filepath.Dir(dir) {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
		}
		return oldOpen(name)
	}
	err := ReplaceDir(dir, func(tmp string) error {
		return WriteFile(filepath.Join(tmp, "c.json"), []byte("{}"), 0o666)
	}, Exchange)
	if err != nil {
		t.Fatalf("ReplaceDir in a folder it may not read = %v, want nil", err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "c.json")); string(b) != "{}" {
		t.Errorf("after ReplaceDir, c.json = %q, %v", b, err)
	}
}
