package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Exchange swaps two folders, or, where the system cannot, says so and
// changes nothing.
func TestExchange(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, ".new")
	for p, content := range map[string]string{a: "old", b: "new"} {
		if err := os.Mkdir(p, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p, "f"), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	read := func(p string) string {
		data, err := os.ReadFile(filepath.Join(p, "f"))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	err := Exchange(b, a)
	switch {
	case errors.Is(err, errors.ErrUnsupported):
		if runtime.GOOS == "linux" {
			t.Logf("the file system of %s cannot swap in one step: %v", dir, err)
		}
		if read(a) != "old" || read(b) != "new" {
			t.Fatalf("Exchange failed with %v, yet changed the folders", err)
		}
	case err != nil:
		t.Fatal(err)
	default:
		if got, other := read(a), read(b); got != "new" || other != "old" {
			t.Fatalf("after Exchange, a holds %q and .new %q; want them swapped", got, other)
		}
	}
	// A missing path is an error of its own.
	err = Exchange(filepath.Join(dir, "missing"), a)
	if err == nil || !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, errors.ErrUnsupported) {
		t.Fatalf("Exchange of a missing path = %v; want an error saying it does not exist", err)
	}
}
