package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/internal/fsizelimit"
)

// TestUnusedListOnAFullDiskNamesTheFile: serve and record whose -unused
// FILE cannot be written (a full disk: here past a file size limit) exit
// 1 with an error naming FILE, not the temporary file the list went to
// first, and leave no list behind: not the earlier run's it held, which a
// prune would take for this one's.
func TestUnusedListOnAFullDiskNamesTheFile(t *testing.T) {
	if !fsizelimit.InOwnProcess(t) { // the limit is the process's
		return
	}
	t.Setenv("CASSETTE_MODE", "")
	t.Setenv("TMPDIR", t.TempDir())
	// Unused cassettes whose list is past the limit.
	var exs []recorded
	for i := range 300 {
		exs = append(exs, recorded{"GET", fmt.Sprintf("https://api.example.com/v1/%s/%03d", strings.Repeat("x", 150), i), 200, "{}"})
	}
	path, _ := writeLibrary(t, "api.json", exs...)
	for _, args := range [][]string{
		{"serve"},
		{"record", "-upstream", "http://127.0.0.1:1"},
	} {
		t.Run(args[0], func(t *testing.T) {
			dir := t.TempDir()
			report := filepath.Join(dir, "unused.log")
			if err := os.WriteFile(report, []byte("an earlier run's list\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // Ctrl-C as it starts
			all := append(args, "-unused", report, path)
			var stdout, stderr bytes.Buffer
			lift := fsizelimit.Limit(t, 16<<10)
			code := run(ctx, all, &stdout, &stderr)
			lift()
			if code != exitError || !strings.Contains(stderr.String(), "write "+report+": file too large") {
				t.Errorf("run(%q) with writes failing = %d, stderr:\n%s\nwant %d and an error naming %s", all, code, stderr.String(), exitError, report)
			}
			if strings.Contains(stderr.String(), ".cassette-") {
				t.Errorf("run(%q) with writes failing names a temporary file:\n%s", all, stderr.String())
			}
			if b, err := os.ReadFile(report); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("-unused %s = %.100q, %v; want no file (and not the earlier run's)", report, b, err)
			}
			if left, _ := filepath.Glob(filepath.Join(dir, ".cassette-*")); len(left) > 0 {
				t.Errorf("run(%q) left %q behind", all, left)
			}
		})
	}
}
