//go:build unix

package library

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestANamedPipeIsNoLibraryFile: a named pipe where a library file or a
// body file should be is an error at once, as a folder there is: opening
// one for reading used to wait for a writer, forever.
func TestANamedPipeIsNoLibraryFile(t *testing.T) {
	mkfifo := func(t *testing.T, path string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Mkfifo(path, 0o644); err != nil {
			t.Skip("no named pipes here:", err)
		}
	}
	within := func(t *testing.T, what, want string, f func() error) {
		t.Helper()
		done := make(chan error, 1)
		go func() { done <- f() }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s = %v; want an error saying %q", what, err, want)
			}
		case <-time.After(time.Minute):
			t.Fatalf("%s has not returned after a minute", what)
		}
	}
	for _, ext := range []string{"json", "yaml"} {
		t.Run("file library "+ext, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "lib."+ext)
			mkfifo(t, path)
			within(t, "Load of a named pipe", "not a regular file", func() error {
				l, err := Open(path)
				if err != nil {
					return err
				}
				return l.Load()
			})
		})
	}
	t.Run("directory library", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "lib")
		mkfifo(t, path)
		within(t, "Names of a named pipe", "not a folder: a named pipe", func() error {
			l, err := Open(path)
			if err != nil {
				return err
			}
			_, err = l.Names()
			return err
		})
	})
	t.Run("body file", func(t *testing.T) {
		root := t.TempDir()
		dir := filepath.Join(root, "lib")
		writeFile(t, filepath.Join(dir, "GET_x.json"),
			`{"version": 1, "exchanges": [{"request": {"method": "GET", "url": "http://x/"}, "response": {"status": 200, "body_file": "bodies/data.bin"}}]}`)
		mkfifo(t, filepath.Join(dir, "bodies", "data.bin"))
		within(t, "OpenBody of a named pipe", "not a regular file", func() error {
			l, err := Open(dir)
			if err != nil {
				return err
			}
			c, ok, err := l.Get("GET_x")
			if err != nil || !ok {
				return err
			}
			rc, _, err := c.Exchanges[0].Response.OpenBody()
			if err == nil {
				rc.Close()
			}
			return err
		})
	})
}
