package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cassette-go/cassette/internal/fsizelimit"
)

// TestConvertToAFullDiskLeavesNoPartLibrary checks that a convert (or an
// import into a new library) into a
// directory whose writes fail part way (a full disk) leaves no library at
// DST holding part of the cassettes, which would pass for the whole, and
// does not change one that was there (-force).
func TestConvertToAFullDiskLeavesNoPartLibrary(t *testing.T) {
	if !fsizelimit.InOwnProcess(t) { // the limit is the process's
		return
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "src.json")
	// Small cassettes that can be written, and one that cannot.
	writeExchanges(t, src,
		exchange("GET", "https://api.example.com/v1/a", "", 200, "text/plain", []byte("a"), time.Time{}),
		exchange("GET", "https://api.example.com/v1/b", "", 200, "text/plain", []byte("b"), time.Time{}),
		exchange("GET", "https://api.example.com/v1/large", "", 200, "text/plain", []byte(strings.Repeat("x", 64<<10)), time.Time{}),
		exchange("GET", "https://api.example.com/v1/z", "", 200, "text/plain", []byte("z"), time.Time{}),
	)
	old := filepath.Join(dir, "old")
	writeExchanges(t, old, exchange("GET", "https://api.example.com/v1/old", "", 200, "text/plain", []byte("old"), time.Time{}))
	if err := os.WriteFile(filepath.Join(old, ".gitkeep"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	before := listTree(t, old)
	har := filepath.Join(t.TempDir(), "src.har")
	if code, _, stderr := runSync(t, "export", "-to", "har", src, har); code != exitOK {
		t.Fatalf("cassette export -to har %s %s = %d, stderr %q", src, har, code, stderr)
	}

	for _, tc := range []struct {
		why  string
		args []string
		dst  string
	}{
		{"a new library", []string{"convert", src, filepath.Join(dir, "new")}, filepath.Join(dir, "new")},
		{"a library replaced with -force", []string{"convert", "-force", src, old}, old},
		{"an import into a new library", []string{"import", "-from", "har", har, filepath.Join(dir, "imported")}, filepath.Join(dir, "imported")},
	} {
		lift := fsizelimit.Limit(t, 16<<10)
		code, _, stderr := runSync(t, tc.args...)
		lift()
		if code != exitError || !strings.Contains(stderr, "file too large") {
			t.Errorf("%s: cassette %s with writes failing = %d, stderr %q; want %d and the write error", tc.why, strings.Join(tc.args, " "), code, stderr, exitError)
		}
		if tc.dst == old {
			if after := listTree(t, old); after != before {
				t.Errorf("%s: %s changed:\n%s\nwant as it was:\n%s", tc.why, old, after, before)
			}
		} else if _, err := os.Lstat(tc.dst); err == nil {
			t.Errorf("%s: %s was left behind, holding %s", tc.why, tc.dst, listTree(t, tc.dst))
		}
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ".cassette-") {
				t.Errorf("%s: %s was left behind", tc.why, filepath.Join(dir, e.Name()))
			}
		}
	}
}

// listTree returns the files under dir, with their contents, one a line.
func listTree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		b.WriteString(rel + ": " + string(data) + "\n")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestPruneThatCannotSaveSaysNothingRemoved: a prune -force whose save
// fails (a full disk: here past a file size limit) exits 1 and does not
// print "removed" for cassettes still in the library, as it did.
func TestPruneThatCannotSaveSaysNothingRemoved(t *testing.T) {
	if !fsizelimit.InOwnProcess(t) { // the limit is the process's
		return
	}
	lib := filepath.Join(t.TempDir(), "api.json")
	big := exchange("GET", "https://api.example.com/v1/big", "", 200, "text/plain", []byte(strings.Repeat("x", 64<<10)), time.Time{})
	stale := exchange("GET", "https://api.example.com/v1/stale", "", 200, "text/plain", []byte("stale"), time.Time{})
	writeExchanges(t, lib, big, stale)
	before, err := os.ReadFile(lib)
	if err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(t.TempDir(), "unused.log")
	if err := os.WriteFile(report, []byte(nameOf(stale)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	lift := fsizelimit.Limit(t, 16<<10)
	code, stdout, stderr := runSync(t, "prune", "-force", "-unused", report, lib)
	lift()
	if code != exitError || !strings.Contains(stderr, "file too large") || !strings.Contains(stderr, "0 of the 1 cassette(s) to remove were removed") {
		t.Errorf("prune -force with writes failing = %d, stderr %q; want %d, the write error and that none was removed", code, stderr, exitError)
	}
	if strings.Contains(stdout, "removed") {
		t.Errorf("prune -force with writes failing printed %q, but removed nothing", stdout)
	}
	if after, _ := os.ReadFile(lib); string(after) != string(before) {
		t.Errorf("%s changed", lib)
	}
}
