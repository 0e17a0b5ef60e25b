package library

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cassette-go/cassette/internal/atomicfile"
)

// TestAFailedSaveLeavesNoImportedBodyFile: a Save that copies the body
// file of another library's cassette into its body folder, then fails to
// write the cassette (a full disk, here a folder in the way), removed
// the copy: before, it was left in the body folder, named by no cassette
// file (a rerecord of a file library on a full disk left one of each
// large body recorded). The next Save copies it again.
func TestAFailedSaveLeavesNoImportedBodyFile(t *testing.T) {
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			src := s.open(t, t.TempDir())
			content := bigBody(5000)
			mustAppend(t, src, "GET_big", fileExchange(writeBody(t, src, content)))
			mustSave(t, src)
			c, _, err := src.Get("GET_big")
			if err != nil {
				t.Fatal(err)
			}

			dst := s.open(t, t.TempDir())
			if err := dst.Put(c); err != nil {
				t.Fatal(err)
			}
			// What the Save writes the cassette to is a folder now.
			target := dst.Path()
			if s.dir {
				target = filepath.Join(target, "GET_big."+string(s.format))
			}
			if err := os.MkdirAll(target, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := dst.Save(); err == nil {
				t.Fatalf("Save with a folder at %s = nil, want an error", target)
			}
			if ents, err := os.ReadDir(dst.bodyFolder()); err == nil && len(ents) > 0 {
				t.Errorf("after a failed Save, %s holds %s, want nothing", dst.bodyFolder(), ents[0].Name())
			}

			if err := os.Remove(target); err != nil {
				t.Fatal(err)
			}
			mustSave(t, dst)
			again, ok, err := s.open(t, filepath.Dir(filepath.Clean(dst.Path()))).Get("GET_big")
			if err != nil || !ok {
				t.Fatalf("reopened Get = %v, %v", ok, err)
			}
			if b := readBody(t, &again.Exchanges[0].Response); !bytes.Equal(b, content) {
				t.Errorf("body after the Save that succeeded: %d bytes, want %d", len(b), len(content))
			}
		})
	}
}

// TestAFailedSaveRemovesAnImportedCopyHeldOpen: the copy of another
// library's body file that a failed Save made is removed even while a
// reader holds it for a moment (a virus scanner, a replay in another
// process), as a Save's sweep, ReleaseBody and Discard remove one: on
// Windows, where such a file cannot be removed, it tries again until the
// reader lets it go (see atomicfile.Remove); it gave up at once there,
// and left the copy, named by no cassette file. Elsewhere the file is
// removed at once, and this checks only that it is.
func TestAFailedSaveRemovesAnImportedCopyHeldOpen(t *testing.T) {
	src := stores[2].open(t, t.TempDir())
	mustAppend(t, src, "GET_big", fileExchange(writeBody(t, src, bigBody(5000))))
	mustSave(t, src)
	c, _, err := src.Get("GET_big")
	if err != nil {
		t.Fatal(err)
	}
	dst := stores[2].open(t, t.TempDir())
	if err := dst.Put(c); err != nil {
		t.Fatal(err)
	}
	// What the Save writes the cassette to is a folder: it fails.
	if err := os.MkdirAll(filepath.Join(dst.Path(), "GET_big.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	var copied string
	testHookPlaceBody = func(path string) {
		testHookPlaceBody = nil
		copied = path
		// The copy, about to be given its name: a reader opens it, and
		// holds it for a moment.
		tmps, _ := filepath.Glob(filepath.Join(filepath.Dir(path), atomicfile.TempPattern))
		if len(tmps) != 1 {
			t.Errorf("temporary files in %s: %q, want the copy's", filepath.Dir(path), tmps)
			return
		}
		f, err := os.Open(tmps[0])
		if err != nil {
			t.Error(err)
			return
		}
		go func() {
			time.Sleep(100 * time.Millisecond)
			f.Close()
		}()
	}
	t.Cleanup(func() { testHookPlaceBody = nil })
	if err := dst.Save(); err == nil {
		t.Fatal("Save with a folder in the way of its cassette = nil, want an error")
	}
	if copied == "" {
		t.Fatal("the Save made no copy of the body file: the test's premise failed")
	}
	if _, err := os.Lstat(copied); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("after the failed Save, the copy %s it made is there (%v), held open for 100ms; want it removed", copied, err)
	}
}
