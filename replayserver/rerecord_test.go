package replayserver_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// Rerecording a directory library replaces it whole, in one step: the
// new folder takes the old one's place, keeping the files that are not
// the library's (the dot files a directory library may hold beside its
// cassettes: a .gitkeep, a .notes folder) and its permissions, and
// nothing is left beside it.
func TestRerecordReplacesADirectoryLibraryInOneStep(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	up := startUpstream(t)
	parent := t.TempDir()
	path := writeLibrary(t, filepath.Join(parent, "api"), "api.example.com", "/gone")
	for name, body := range map[string]string{".gitkeep": "", ".notes/why.txt": "because\n"} {
		p := filepath.Join(path, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(path, 0o750); err != nil {
		t.Fatal(err)
	}
	ft := newFakeTB(t)
	ft.do(func() {
		srv := replayserver.New(ft, path, replayserver.WithMode(replayserver.ModeRerecord), replayserver.Upstream(up.URL))
		do(t, rawClient(), srv.URL, call{"GET", "/json", ""})
	})
	ft.finish()
	if ft.Failed() {
		t.Fatalf("rerecord failed: %s", ft.errors())
	}
	var files []string
	filepath.WalkDir(path, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(path, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(files)
	if len(files) != 3 || files[0] != ".gitkeep" || files[1] != ".notes/why.txt" || !strings.HasSuffix(files[2], "_json.json") {
		t.Errorf("after rerecord the folder holds %q; want .gitkeep, .notes/why.txt and the /json cassette", files)
	}
	if b, _ := os.ReadFile(filepath.Join(path, ".notes/why.txt")); string(b) != "because\n" {
		t.Errorf(".notes/why.txt = %q", b)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o750 {
		t.Errorf("the library folder's mode is %v (%v), want 0750 as before", fi.Mode().Perm(), err)
	}
	left, _ := os.ReadDir(parent)
	if len(left) != 1 || left[0].Name() != "api" {
		var names []string
		for _, e := range left {
			names = append(names, e.Name())
		}
		t.Errorf("beside the library: %q; want only the library", names)
	}
}

// Where the old library has something the new one cannot simply write
// over (here a folder in place of a cassette file that rerecording drops),
// the old way of replacing file by file failed half-way; the new folder
// takes its place whole.
func TestRerecordReplacesALibraryWhateverItHeld(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	up := startUpstream(t)
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/gone", "/also-gone")
	ft := newFakeTB(t)
	ft.do(func() {
		srv := replayserver.New(ft, path, replayserver.WithMode(replayserver.ModeRerecord), replayserver.Upstream(up.URL))
		do(t, rawClient(), srv.URL, call{"GET", "/json", ""})
		// A cassette file of the old library becomes a folder with a file
		// in it, which no file-by-file save can remove.
		entries, _ := os.ReadDir(path)
		for _, e := range entries {
			if strings.Contains(e.Name(), "also-gone") {
				p := filepath.Join(path, e.Name())
				os.Remove(p)
				os.MkdirAll(filepath.Join(p, "inside"), 0o755)
			}
		}
	})
	ft.finish()
	if ft.Failed() {
		t.Fatalf("rerecord failed: %s", ft.errors())
	}
	entries, _ := os.ReadDir(path)
	if len(entries) != 1 || !strings.HasSuffix(entries[0].Name(), "_json.json") {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("after rerecord the library folder holds %q; want only the /json cassette", names)
	}
}

// A library folder reached through a symbolic link (testdata/api ->
// shared/api) is replaced where it lives: the link stays.
func TestRerecordThroughASymbolicLinkKeepsTheLink(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	up := startUpstream(t)
	root := t.TempDir()
	real := writeLibrary(t, filepath.Join(root, "shared", "api"), "api.example.com", "/gone")
	link := filepath.Join(root, "api")
	if err := os.Symlink(real, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	ft := newFakeTB(t)
	ft.do(func() {
		srv := replayserver.New(ft, link, replayserver.WithMode(replayserver.ModeRerecord), replayserver.Upstream(up.URL))
		do(t, rawClient(), srv.URL, call{"GET", "/json", ""})
	})
	ft.finish()
	if ft.Failed() {
		t.Fatalf("rerecord failed: %s", ft.errors())
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced by a folder: %v, %v", fi.Mode(), err)
	}
	entries, _ := os.ReadDir(real)
	if len(entries) != 1 || !strings.HasSuffix(entries[0].Name(), "_json.json") {
		t.Errorf("the linked folder holds %d entries (%v); want only the new /json cassette", len(entries), entries)
	}
}
