package library

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestDirLazy shows that a directory library lists its folder without
// reading cassette files, and reads only the cassettes asked for.
func TestDirLazy(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lib")
	for i := range 5 {
		writeFile(t, filepath.Join(dir, fmt.Sprintf("bad%d.json", i)), "not JSON")
	}
	writeFile(t, filepath.Join(dir, "good.yaml"), "version: 1\nexchanges:\n- request: {method: GET, url: u}\n  response: {status: 200}\n")
	l, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := decodes.Load()
	names, err := l.Names()
	if err != nil {
		t.Fatalf("Names: %v", err)
	}
	if want := []string{"bad0", "bad1", "bad2", "bad3", "bad4", "good"}; !slices.Equal(names, want) {
		t.Errorf("Names() = %q, want %q", names, want)
	}
	if got := decodes.Load() - n; got != 0 {
		t.Errorf("Names decoded %d files, want 0", got)
	}
	if c, ok, err := l.Get("good"); err != nil || !ok || len(c.Exchanges) != 1 {
		t.Errorf("Get(good) = %v, %v, %v", c, ok, err)
	}
	if got := decodes.Load() - n; got != 1 {
		t.Errorf("Names and Get(good) decoded %d files, want 1", got)
	}
	if _, _, err := l.Get("bad3"); err == nil {
		t.Errorf("Get(bad3) = nil error")
	}
	// A broken cassette can be replaced or deleted without being read.
	if err := l.Put(Cassette{Name: "bad0", Exchanges: []Exchange{exchange(0)}}); err != nil {
		t.Errorf("Put(bad0) = %v", err)
	}
	if err := l.Delete("bad1"); err != nil {
		t.Errorf("Delete(bad1) = %v", err)
	}
	mustSave(t, l)
	if files := listDir(t, dir); !slices.Equal(files, []string{"bad0.json", "bad2.json", "bad3.json", "bad4.json", "good.yaml"}) {
		t.Errorf("files = %q", files)
	}
	if err := l.Load(); err == nil {
		t.Errorf("Load() = nil, want the error of bad2")
	}
}

func TestDirIgnores(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lib")
	writeFile(t, filepath.Join(dir, ".gitkeep"), "")
	writeFile(t, filepath.Join(dir, ".cassette-123.tmp"), "left by a crash")
	writeFile(t, filepath.Join(dir, ".hidden", "x.txt"), "")
	writeFile(t, filepath.Join(dir, "desktop.ini"), "[.ShellClassInfo]\r\n") // Windows Explorer's
	writeFile(t, filepath.Join(dir, "Thumbs.db"), "\x00")
	writeFile(t, filepath.Join(dir, "a.json"), `{"version": 1, "exchanges": []}`)
	l, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Load(); err != nil {
		t.Fatalf("Load: %v", err)
	}
	wantCassettes(t, l, map[string][]Exchange{"a": nil})
	l.Clear()
	mustSave(t, l)
	if files := listDir(t, dir); !slices.Equal(files, []string{".cassette-123.tmp", ".gitkeep", ".hidden", "Thumbs.db", "desktop.ini"}) {
		t.Errorf("after Clear and Save: files %q, want only the dot files and Explorer's", files)
	}
}

func TestDirFormat(t *testing.T) {
	for _, tc := range []struct {
		files []string
		opts  []Option
		want  Format
	}{
		{nil, nil, JSON},
		{nil, []Option{WithFormat(YAML)}, YAML},
		{[]string{"a.yaml"}, nil, YAML},
		{[]string{"a.yml", "b.json", "c.yaml"}, nil, YAML},
		{[]string{"a.yml", "b.json"}, nil, JSON},
		{[]string{"a.yaml"}, []Option{WithFormat(JSON)}, JSON},
		{[]string{"a.yaml", "notes.txt"}, nil, YAML},
	} {
		dir := filepath.Join(t.TempDir(), "lib")
		for _, f := range tc.files {
			writeFile(t, filepath.Join(dir, f), "")
		}
		l, err := Open(dir, tc.opts...)
		if err != nil {
			t.Fatal(err)
		}
		if got := l.Format(); got != tc.want {
			t.Errorf("files %q: Format() = %s, want %s", tc.files, got, tc.want)
		}
		if got, want := l.File("new"), "new."+string(tc.want); got != want {
			t.Errorf("files %q: File(new) = %s, want %s", tc.files, got, want)
		}
	}
}

// TestDirClearKeepsFormat shows that Clear and Save replace each file by
// one in the library's format, and remove every other cassette file.
func TestDirClearKeepsFormat(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lib")
	empty := "version: 1\nexchanges: []\n"
	writeFile(t, filepath.Join(dir, "a.yaml"), empty)
	writeFile(t, filepath.Join(dir, "b.yml"), empty)
	writeFile(t, filepath.Join(dir, "c.yaml"), empty)
	writeFile(t, filepath.Join(dir, "c.json"), `{"version": 1, "exchanges": []}`)
	l, err := Open(dir, WithFormat(JSON))
	if err != nil {
		t.Fatal(err)
	}
	l.Clear()
	mustAppend(t, l, "b", exchange(1))
	mustAppend(t, l, "d", exchange(2))
	mustSave(t, l)
	if files := listDir(t, dir); !slices.Equal(files, []string{"b.json", "d.json"}) {
		t.Errorf("files = %q, want b.json d.json", files)
	}
}

func TestDirDeleteThenAppend(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lib")
	l, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	mustAppend(t, l, "a", exchange(1))
	mustSave(t, l)
	if err := l.Delete("a"); err != nil {
		t.Fatal(err)
	}
	mustAppend(t, l, "a", exchange(2))
	mustSave(t, l)
	l, _ = Open(dir)
	wantCassettes(t, l, map[string][]Exchange{"a": {exchange(2)}})
}

func TestDirNotADirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lib")
	writeFile(t, path, "a file")
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if l.Exists() {
		t.Errorf("Exists() = true for a file")
	}
	if _, err := l.Names(); err == nil {
		t.Errorf("Names() = nil error")
	}
	mustAppendFails(t, l)
}

func mustAppendFails(t *testing.T, l *Library) {
	t.Helper()
	if err := l.Append("a", exchange(1)); err == nil {
		t.Errorf("Append = nil error")
	}
}

func TestDirSymlinks(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "lib")
	writeFile(t, filepath.Join(root, "elsewhere.json"), `{"version": 1, "exchanges": []}`)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "elsewhere.json"), filepath.Join(dir, "a.json")); err != nil {
		t.Skip("no symbolic links:", err)
	}
	l, _ := Open(dir)
	if err := l.Load(); err != nil {
		t.Errorf("Load with a link to a file: %v", err)
	}
	if err := os.Symlink(root, filepath.Join(dir, "b.json")); err != nil {
		t.Fatal(err)
	}
	l, _ = Open(dir)
	if err := l.Load(); err == nil {
		t.Errorf("Load with a link to a folder: nil error")
	}
}

func BenchmarkDirNames(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "lib")
	l, err := Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	for i := range 10000 {
		mustAppend(b, l, fmt.Sprintf("GET_api.example.com_443_v1_items_%05d", i), exchange(i))
	}
	mustSave(b, l)
	b.ResetTimer()
	for b.Loop() {
		l, _ := Open(dir)
		names, err := l.Names()
		if err != nil || len(names) != 10000 {
			b.Fatalf("Names() = %d names, %v", len(names), err)
		}
	}
}

// TestSaveThroughADanglingLink: a library path, or a folder above it, that
// is a symbolic link to nothing fails Save with an error that says so,
// rather than os.MkdirAll's "file exists".
func TestSaveThroughADanglingLink(t *testing.T) {
	forEachStore(t, func(t *testing.T, s store) {
		root := t.TempDir()
		missing := filepath.Join(root, "missing")
		link := filepath.Join(root, "link")
		symlink(t, missing, link)
		paths := []string{s.path(link)} // a library in the linked folder
		if s.dir {
			paths = append(paths, link) // the library is the link
		}
		for _, path := range paths {
			l, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			mustAppend(t, l, "GET_a", exchange(1))
			err = l.Save()
			want := link + " is a symbolic link to " + missing + ", which does not exist"
			if path == link || !s.dir { // the folder to create is the link
				want = "create folder " + link + ": it is a symbolic link to " + missing + ", which does not exist"
			}
			if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "create folder") {
				t.Errorf("Save of %s = %v, want an error saying %q", path, err, want)
			}
			t.Logf("Save of %s: %v", path, err)
		}
	})
}
