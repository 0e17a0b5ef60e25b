package library

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// Libraries of one file opened apart (parallel tests recording into one
// file library) each save the whole file: every save merges what the
// others saved since it read the file, so nothing is lost, and what a
// library deleted or changed itself stays so.
func TestFileLibrariesSavingOneFileMergeTheirCassettes(t *testing.T) {
	for _, ext := range []string{".json", ".yaml"} {
		t.Run(ext, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "lib"+ext)
			const writers = 8
			var wg sync.WaitGroup
			for i := range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					l, err := Open(path)
					if err != nil {
						t.Error(err)
						return
					}
					for j := range 3 {
						if err := l.Append(fmt.Sprintf("GET_w%d_%d", i, j), exchange(j)); err != nil {
							t.Error(err)
						}
						if err := l.Save(); err != nil {
							t.Error(err)
						}
					}
				}()
			}
			wg.Wait()
			l, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			names, err := l.Names()
			if err != nil || len(names) != writers*3 {
				t.Fatalf("the file holds %d cassettes (%v), want %d", len(names), err, writers*3)
			}

			// A library deletes one cassette and changes another; a second
			// library, opened before, adds one: all three changes stay.
			a, _ := Open(path)
			b, _ := Open(path)
			if _, err := b.Names(); err != nil {
				t.Fatal(err)
			}
			mustAppend(t, a, "GET_w0_1", exchange(9))
			if err := a.Delete("GET_w0_0"); err != nil {
				t.Fatal(err)
			}
			mustSave(t, a)
			mustAppend(t, b, "GET_new", exchange(1))
			mustSave(t, b)
			c, _ := Open(path)
			if _, ok, _ := c.Get("GET_w0_0"); ok {
				t.Errorf("a cassette deleted by one library came back with another's save")
			}
			if got, _, _ := c.Get("GET_w0_1"); len(got.Exchanges) != 2 {
				t.Errorf("GET_w0_1 has %d exchanges, want the 2 of the library that changed it", len(got.Exchanges))
			}
			if _, ok, _ := c.Get("GET_new"); !ok {
				t.Errorf("the second library's cassette is missing")
			}
		})
	}
}

// A Save that fails keeps its changes as this library's own: the next
// Save still writes them, merged with what another writer saved between.
func TestAFailedSaveKeepsItsChangesForTheMerge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lib.json")
	a, _ := Open(path)
	mustAppend(t, a, "GET_a", exchange(1))
	if err := os.Mkdir(path, 0o755); err != nil { // in the way of the save
		t.Fatal(err)
	}
	if err := a.Save(); err == nil {
		t.Fatal("Save over a folder succeeded")
	}
	os.Remove(path)
	b, _ := Open(path)
	mustAppend(t, b, "GET_b", exchange(2))
	mustSave(t, b)
	mustSave(t, a)
	c, _ := Open(path)
	for _, n := range []string{"GET_a", "GET_b"} {
		if _, ok, err := c.Get(n); !ok || err != nil {
			t.Errorf("%s is missing (%v)", n, err)
		}
	}
}
