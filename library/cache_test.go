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
