package library

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// sparse makes path a file of size bytes that takes no room on disk.
func sparse(t *testing.T, path string, size int64) {
	t.Helper()
	writeFile(t, path, "")
	if err := os.Truncate(path, size); err != nil {
		t.Skipf("no file of %d bytes here: %v", size, err)
	}
}

// TestBodyFileOver2GiB: a body file past 2 GiB opens, to be served, on
// every system. On 32-bit Linux (386, arm, mips) it failed with "value
// too large for defined data type": it is opened through an os.Root,
// which, unlike os.Open, did not ask for large files (run this test
// with GOARCH=386 to see it).
func TestBodyFileOver2GiB(t *testing.T) {
	const size = 3 << 30
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "lib", "GET_x.json"),
		`{"version": 1, "exchanges": [{"request": {"method": "GET", "url": "http://x/"}, "response": {"status": 200, "body_file": "bodies/big.bin"}}]}`)
	sparse(t, filepath.Join(root, "lib", "bodies", "big.bin"), size)
	l, err := Open(filepath.Join(root, "lib"))
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := l.Get("GET_x")
	if err != nil {
		t.Fatal(err)
	}
	f, n, err := c.Exchanges[0].Response.OpenBody()
	if err != nil || n != size {
		t.Fatalf("OpenBody() of a 3 GiB body file = %d bytes, %v; want %d", n, err, int64(size))
	}
	f.Close()
}

// TestFilesOver2GiBOn32BitSystems: where an int has 32 bits (386, arm,
// mips), a file past 2 GiB cannot be read into memory. A cassette file,
// or a body file read whole (by cassette audit, drift and export), that
// large is an error naming the file; its size overflowed an int, which
// panicked making the buffer ("negative count", "cap out of range").
// Elsewhere such a file would be read: not tried here.
func TestFilesOver2GiBOn32BitSystems(t *testing.T) {
	if strconv.IntSize > 32 {
		t.Skip("an int has 64 bits here: a file of 3 GiB would be read into memory")
	}
	const size = 3 << 30
	root := t.TempDir()

	t.Run("cassette file", func(t *testing.T) {
		sparse(t, filepath.Join(root, "big", "GET_x.json"), size)
		l, err := Open(filepath.Join(root, "big"))
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = l.Get("GET_x")
		if err == nil || !strings.Contains(err.Error(), "GET_x.json") || !strings.Contains(err.Error(), "too large to read into memory") {
			t.Errorf("Get(GET_x) of a 3 GiB file = %v; want an error naming the file, too large", err)
		}
	})

	t.Run("body file", func(t *testing.T) {
		writeFile(t, filepath.Join(root, "lib", "GET_x.json"),
			`{"version": 1, "exchanges": [{"request": {"method": "GET", "url": "http://x/"}, "response": {"status": 200, "body_file": "bodies/big.bin"}}]}`)
		sparse(t, filepath.Join(root, "lib", "bodies", "big.bin"), size)
		l, err := Open(filepath.Join(root, "lib"))
		if err != nil {
			t.Fatal(err)
		}
		c, _, err := l.Get("GET_x")
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Exchanges[0].Response.ReadBody()
		if err == nil || !strings.Contains(err.Error(), "big.bin") || !strings.Contains(err.Error(), "too large to read into memory") {
			t.Errorf("ReadBody() of a 3 GiB body file = %v; want an error naming the file, too large", err)
		}
	})
}
