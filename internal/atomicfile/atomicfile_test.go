package atomicfile

import (
	"os"
	"path/filepath"
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
	if got := fi.Mode().Perm(); got != perm {
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
