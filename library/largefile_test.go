package library

import (
	"os"
	"path/filepath"
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
