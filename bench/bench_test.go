package main

import (
	"bytes"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
)

// TestShort runs every measurement on tiny inputs: the program works. The
// numbers mean nothing and are not checked.
func TestShort(t *testing.T) {
	cfg := shortConfig()
	cfg.work = t.TempDir()
	cfg.isolate = false // the test binary cannot measure a target as a child
	cfg.log = io.Discard
	if testing.Verbose() {
		cfg.log = tWriter{t}
	}
	rows := run(cfg)
	var report bytes.Buffer
	writeReport(&report, cfg, rows, "-short", 0)
	t.Logf("\n%s", report.String())
	seen := map[string]bool{}
	for _, r := range rows {
		if r.result == resultError {
			t.Errorf("%s: %s", r.target, r.measured)
		}
		seen[strings.SplitN(r.target, ".", 2)[0]] = true
	}
	for _, target := range []string{"1", "2", "3", "4", "5", "6", "7"} {
		if !seen[target] {
			t.Errorf("no row for target %s", target)
		}
	}
}

// TestGeneratedLibraries checks that the libraries the program writes
// directly (not through package library) are valid and hold the
// exchanges the program replays.
func TestGeneratedLibraries(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lib")
	if err := writeDirLibrary(dir, 3, 100); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "lib.yaml")
	if err := writeFileLibrary(file, 3, 100); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{dir, file} {
		lib, err := library.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := lib.Load(); err != nil {
			t.Fatalf("Load(%s): %v", path, err)
		}
		for i := range 3 {
			c, ok, err := lib.Get(cassetteName(i))
			if err != nil || !ok {
				t.Fatalf("Get(%s) in %s = %v, %v", cassetteName(i), path, ok, err)
			}
			ex := c.Exchanges[0]
			if ex.Request.URL != itemURL(i) || !bytes.Equal(ex.Response.Body, itemBody(i, 100)) {
				t.Errorf("cassette %s in %s: %s answered %q", cassetteName(i), path, ex.Request.URL, ex.Response.Body)
			}
		}
	}
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}
