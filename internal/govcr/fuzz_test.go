package govcr

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/library"
)

// FuzzImport checks that Import never panics, and that what it imports can
// be saved in a library and read back.
func FuzzImport(f *testing.F) {
	if data, err := os.ReadFile("../../testdata/interop/govcr-sample.yaml"); err == nil {
		f.Add(data)
	}
	f.Add([]byte("version: 2\ninteractions:\n- request: {method: GET, url: 'https://h/x', body: ''}\n  response: {code: 200, body: hi, duration: 1h}\n"))
	f.Add([]byte("version: 1\ninteractions:\n- request: {method: GET, url: 'https://h/x'}\n  response: {status: 200 OK, code: 200, duration: -5}\n"))
	f.Add([]byte("a: &a [x, x]\nb: &b [*a, *a]\n"))
	f.Add([]byte("{{},<<}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := Import(data)
		if err != nil {
			return
		}
		dir := t.TempDir()
		for _, path := range []string{filepath.Join(dir, "lib.yaml"), filepath.Join(dir, "lib")} {
			lib, err := library.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			ok := 0
			for _, c := range cs {
				if lib.Put(c) == nil {
					ok++
				}
			}
			if ok == 0 {
				continue
			}
			if err := lib.Save(); err != nil {
				t.Fatalf("Save of imported cassettes: %v", err)
			}
			again, err := library.Open(path)
			if err != nil {
				t.Fatalf("reopen: %v", err)
			}
			if err := again.Load(); err != nil {
				t.Fatalf("the library an import wrote does not load: %v", err)
			}
		}
	})
}
