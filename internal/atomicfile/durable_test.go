package atomicfile

import (
	"errors"
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
