package library

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestCacheDecodesOnce(t *testing.T) {
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			root := t.TempDir()
			l := s.open(t, root)
			mustAppend(t, l, "a", exchange(1))
			mustAppend(t, l, "b", exchange(2))
			mustSave(t, l)

			n := decodes.Load()
			for range 10 {
				l := s.open(t, root)
				wantCassettes(t, l, map[string][]Exchange{"a": {exchange(1)}, "b": {exchange(2)}})
			}
			files := int64(1)
			if s.dir {
				files = 2
			}
			if got := decodes.Load() - n; got != files {
				t.Errorf("10 libraries on one unchanged library decoded %d files, want %d", got, files)
			}
		})
	}
}

func TestCacheCopyOnWrite(t *testing.T) {
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			root := t.TempDir()
			l := s.open(t, root)
			mustAppend(t, l, "a", exchange(1))
			mustAppend(t, l, "b", exchange(2))
			mustAppend(t, l, "c", exchange(3))
			mustSave(t, l)

			original := map[string][]Exchange{"a": {exchange(1)}, "b": {exchange(2)}, "c": {exchange(3)}}
			x, y := s.open(t, root), s.open(t, root)
			wantCassettes(t, x, original)
			wantCassettes(t, y, original)

			// x changes every cassette in every way; y must not see it,
			// nor must a library opened next, which shares the cache.
			mustAppend(t, x, "a", exchange(4))
			if err := x.Put(Cassette{Name: "b", Exchanges: []Exchange{exchange(5)}}); err != nil {
				t.Fatal(err)
			}
			if err := x.Delete("c"); err != nil {
				t.Fatal(err)
			}
			wantCassettes(t, x, map[string][]Exchange{"a": {exchange(1), exchange(4)}, "b": {exchange(5)}})
			wantCassettes(t, y, original)
			n := decodes.Load()
			wantCassettes(t, s.open(t, root), original)
			if got := decodes.Load() - n; got != 0 {
				t.Errorf("a library opened after changes in memory decoded %d files, want 0", got)
			}

			x.Clear()
			wantCassettes(t, y, original)

			// Appending to the same shared cassette from two libraries:
			// neither sees the other's exchange.
			mustAppend(t, y, "a", exchange(6))
			z := s.open(t, root)
			mustAppend(t, z, "a", exchange(7))
			wantCassettes(t, y, map[string][]Exchange{"a": {exchange(1), exchange(6)}, "b": {exchange(2)}, "c": {exchange(3)}})
			wantCassettes(t, z, map[string][]Exchange{"a": {exchange(1), exchange(7)}, "b": {exchange(2)}, "c": {exchange(3)}})
		})
	}
}

func TestCacheSeesChanges(t *testing.T) {
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			root := t.TempDir()
			l := s.open(t, root)
			mustAppend(t, l, "a", exchange(1))
			mustSave(t, l)
			wantCassettes(t, s.open(t, root), map[string][]Exchange{"a": {exchange(1)}})

			// Save by another library: the cache must not answer with
			// the old content, even within one tick of the clock.
			l = s.open(t, root)
			mustAppend(t, l, "a", exchange(2))
			mustSave(t, l)
			wantCassettes(t, s.open(t, root), map[string][]Exchange{"a": {exchange(1), exchange(2)}})

			// A change by another program, with the same size.
			file := s.path(root)
			if s.dir {
				file = filepath.Join(file, "a."+string(s.format))
			}
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(file)
			if err != nil {
				t.Fatal(err)
			}
			edited := []byte(string(data))
			copy(edited[indexOf(t, edited, "answer 2")+len("answer "):], "9")
			if err := os.WriteFile(file, edited, 0o644); err != nil {
				t.Fatal(err)
			}
			// Make sure the time differs, whatever the file system's
			// resolution.
			later := fi.ModTime().Add(2 * time.Second)
			if err := os.Chtimes(file, later, later); err != nil {
				t.Fatal(err)
			}
			n := decodes.Load()
			want := exchange(2)
			want.Response.Body = []byte("answer 9\n")
			wantCassettes(t, s.open(t, root), map[string][]Exchange{"a": {exchange(1), want}})
			if got := decodes.Load() - n; got != 1 {
				t.Errorf("after a change on disk, decoded %d files, want 1", got)
			}
		})
	}
}

func indexOf(t *testing.T, data []byte, s string) int {
	t.Helper()
	for i := 0; i+len(s) <= len(data); i++ {
		if string(data[i:i+len(s)]) == s {
			return i
		}
	}
	t.Fatalf("%q not found in\n%s", s, data)
	return 0
}

// TestCacheSeesARewriteThatKeepsTheModificationTime: a file rewritten with
// the same size and its old modification time put back (cp -p, rsync -a,
// tar) is read again, not answered from the cache: its change time, which
// no program can set, differs.
func TestCacheSeesARewriteThatKeepsTheModificationTime(t *testing.T) {
	forEachStore(t, func(t *testing.T, s store) {
		root := t.TempDir()
		l := s.open(t, root)
		mustAppend(t, l, "a", exchange(1))
		mustSave(t, l)
		wantCassettes(t, s.open(t, root), map[string][]Exchange{"a": {exchange(1)}}) // cached

		file := s.path(root)
		if s.dir {
			file = filepath.Join(file, "a."+string(s.format))
		}
		before, err := os.Stat(file)
		if err != nil {
			t.Fatal(err)
		}
		if ctime, _ := changeOf(before); ctime == 0 {
			t.Skip("this system does not tell the change time of a file")
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		copy(data[indexOf(t, data, "answer 1")+len("answer "):], "9")
		// In place, as cp -p does: the inode stays.
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		// The old modification time back, until the change time (set by
		// the clock's tick, which may be coarse) differs.
		c0, _ := changeOf(before)
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			if err := os.Chtimes(file, before.ModTime(), before.ModTime()); err != nil {
				t.Fatal(err)
			}
			after, err := os.Stat(file)
			if err != nil {
				t.Fatal(err)
			}
			if after.Size() != before.Size() || !after.ModTime().Equal(before.ModTime()) {
				t.Fatalf("rewritten: size %d, modified %v; want %d, %v", after.Size(), after.ModTime(), before.Size(), before.ModTime())
			}
			if c1, _ := changeOf(after); c1 != c0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the change time of the file did not change in 5s")
			}
		}
		want := exchange(1)
		want.Response.Body = []byte("answer 9\n")
		n := decodes.Load()
		wantCassettes(t, s.open(t, root), map[string][]Exchange{"a": {want}})
		if got := decodes.Load() - n; got != 1 {
			t.Errorf("after a rewrite that kept the size and modification time, decoded %d files, want 1", got)
		}
	})
}
