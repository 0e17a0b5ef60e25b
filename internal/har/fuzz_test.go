package har

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cassette-go/cassette/library"
)

// FuzzImport checks that Import never panics on any file, gives one
// answer for one file, and that what it imports can be put into a library,
// saved, and read back as it was put: an import must never write a library
// that cannot be opened again, nor one that holds other exchanges than it
// imported.
func FuzzImport(f *testing.F) {
	if data, err := os.ReadFile("../../testdata/chromium-sample.har"); err == nil {
		f.Add(data)
	}
	f.Add([]byte(`{"log":{"version":"1.2","entries":[{"startedDateTime":"2024-05-01T10:00:00Z","time":1e300,"request":{"method":"GET","url":"https://h/x","headers":[]},"response":{"status":200,"headers":[],"content":{"text":"hi"},"_chunks":[{"size":-1,"at":"1ms"}]}}]}}`))
	f.Add([]byte(`{"log":{"version":"1.2","entries":[{"request":{"method":"POST","url":"https://h/x","postData":{"mimeType":"","params":[{"name":"a","value":"b"}]}},"response":{"status":200,"content":{"text":"aGk","encoding":"base64"}}}]}}`))
	f.Add([]byte("\xff\xfe{\x00}\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, skipped, err := Import(data)
		if err != nil {
			return
		}
		if cs2, skipped2, _ := Import(data); !reflect.DeepEqual(cs, cs2) || !reflect.DeepEqual(skipped, skipped2) {
			t.Fatalf("Import twice differently:\n%+v %q\n%+v %q", cs, skipped, cs2, skipped2)
		}
		dir := t.TempDir()
		for _, path := range []string{filepath.Join(dir, "lib.json"), filepath.Join(dir, "lib")} {
			lib, err := library.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			var put []library.Cassette
			for _, c := range cs {
				if err := lib.Put(c); err != nil {
					// The command fails on this, saying why: acceptable
					// as long as it is an error.
					continue
				}
				put = append(put, c)
			}
			if len(put) == 0 {
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
			for _, c := range put {
				got, ok, err := again.Get(c.Name)
				if err != nil || !ok {
					t.Fatalf("Get(%q) of the library an import wrote: %v, %v", c.Name, ok, err)
				}
				// A HAR file is JSON: its strings are UTF-8, and read
				// back exactly (empty and nil alike).
				if d := cmp.Diff(c.Exchanges, got.Exchanges, cmpopts.EquateEmpty()); d != "" {
					t.Fatalf("cassette %s read back from %s differs (-imported +read):\n%s", c.Name, filepath.Base(path), d)
				}
			}
		}
	})
}
