package atomicfile

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "f.json")
	if err := WriteFile(name, []byte("one"), 0o640); err != nil {
		t.Fatalf("WriteFile(new) = %v", err)
	}
	checkFile(t, name, "one", 0o640)

	if err := os.Chmod(name, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(name, []byte("two"), 0o644); err != nil {
		t.Fatalf("WriteFile(existing) = %v", err)
	}
	checkFile(t, name, "two", 0o600)
	checkNoTemp(t, dir)
}

func TestWriteFileFails(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		why  string
		name string
	}{
		{"no such directory", filepath.Join(dir, "missing", "f.json")},
		{"a directory is in the way, so the rename fails", filepath.Join(dir, "sub")},
	} {
		if err := os.MkdirAll(filepath.Join(dir, "sub", "x"), 0o755); err != nil {
			t.Fatal(err)
		}
		err := WriteFile(tc.name, []byte("data"), 0o644)
		if err == nil {
			t.Errorf("%s: WriteFile(%s) = nil, want an error", tc.why, tc.name)
		}
		checkNoTemp(t, dir)
		checkNoTemp(t, filepath.Join(dir, "sub"))
	}
}

func checkFile(t *testing.T, name, content string, perm os.FileMode) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil || string(data) != content {
		t.Errorf("ReadFile(%s) = %q, %v; want %q", name, data, err, content)
	}
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	// Windows keeps no permission bits but read-only, which Go shows as
	// 0444 (0666 without it).
	if got := fi.Mode().Perm(); got != perm && runtime.GOOS != "windows" {
		t.Errorf("%s has permissions %v, want %v", name, got, perm)
	}
}

func checkNoTemp(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".cassette-") {
			t.Errorf("temporary file left: %s", filepath.Join(dir, e.Name()))
		}
	}
}

func TestWriteFileThroughASymbolicLinkKeepsTheLink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "shared", "real.json")
	os.MkdirAll(filepath.Dir(real), 0o755)
	os.WriteFile(real, []byte("old"), 0o644)
	link := filepath.Join(dir, "lib.json")
	if err := os.Symlink(real, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if err := WriteFile(link, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v, %v", fi.Mode(), err)
	}
	if b, _ := os.ReadFile(real); string(b) != "new" {
		t.Errorf("the file the link names holds %q, want new", b)
	}
}
