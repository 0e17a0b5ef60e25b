package library

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
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
