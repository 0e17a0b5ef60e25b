package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
)

// writeBodyFileLibrary writes a directory library whose one cassette has
// its response body, content, in a body file, and returns its path.
func writeBodyFileLibrary(t *testing.T, content string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "api")
	lib, err := library.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ex := library.Exchange{
		Request:  library.Request{Method: "GET", URL: "https://api.example.com/export"},
		Response: library.Response{StatusCode: 200, BodyFile: commitBody(t, lib, content)},
	}
	if err := lib.Append("GET_api.example.com_443_export", ex); err != nil {
		t.Fatal(err)
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// commitBody writes content as a body file of lib and returns its path.
func commitBody(t *testing.T, lib *library.Library, content string) string {
	t.Helper()
	w, err := lib.NewBody()
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(content))
	p, err := w.Commit()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestToolsReadBodyFiles: ls, show and export see a body kept in a body
// file as they see one in the cassette.
func TestToolsReadBodyFiles(t *testing.T) {
	content := "id,total\n" + strings.Repeat("1,2\n", 1000)
	dir := writeBodyFileLibrary(t, content)

	code, stdout, stderr := runSync(t, "ls", dir)
	if code != exitOK || !strings.Contains(stdout, "3.9 KiB") {
		t.Errorf("ls = %d, %q, %q; want the body file's size, 3.9 KiB", code, stdout, stderr)
	}
	code, stdout, stderr = runSync(t, "show", dir, "GET_api.example.com_443_export")
	if code != exitOK || !strings.Contains(stdout, "in body file") || !strings.Contains(stdout, filepath.Join(dir, "bodies")) {
		t.Errorf("show = %d, %q, %q; want the size and path of the body file", code, stdout, stderr)
	}
	code, stdout, stderr = runSync(t, "show", "-raw", dir, "GET_api.example.com_443_export")
	if code != exitOK || !strings.Contains(stdout, content) {
		t.Errorf("show -raw = %d, stderr %q; want the body itself in:\n%s", code, stderr, stdout)
	}

	out := filepath.Join(t.TempDir(), "api.har")
	if code, _, stderr := runSync(t, "export", "-to", "har", dir, out); code != exitOK {
		t.Fatalf("export = %d, stderr %q", code, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var har struct {
		Log struct {
			Entries []struct {
				Response struct {
					Content struct{ Text string }
				}
			}
		}
	}
	if err := json.Unmarshal(data, &har); err != nil {
		t.Fatal(err)
	}
	if len(har.Log.Entries) != 1 || har.Log.Entries[0].Response.Content.Text != content {
		t.Errorf("exported HAR does not hold the body of the body file:\n%.300s", data)
	}
}

// TestToolsDoNotReadBodyFilesLinkedOutOfTheLibrary: a body file that is a
// symbolic link to a file outside the library (a cassette from a pull
// request) is neither shown nor measured: ls and show give its size as
// unknown, not the outside file's.
func TestToolsDoNotReadBodyFilesLinkedOutOfTheLibrary(t *testing.T) {
	dir := writeBodyFileLibrary(t, "inside")
	outside := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(outside, []byte(strings.Repeat("s", 5000)), 0o600); err != nil {
		t.Fatal(err)
	}
	bodies, _ := filepath.Glob(filepath.Join(dir, "bodies", "*"))
	if len(bodies) != 1 {
		t.Fatalf("body files: %q; want one", bodies)
	}
	if err := os.Remove(bodies[0]); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, bodies[0]); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	for _, args := range [][]string{{"ls", dir}, {"show", dir, "GET_api.example.com_443_export"}} {
		_, stdout, stderr := runSync(t, args...)
		if strings.Contains(stdout, "4.9 KiB") || strings.Contains(stdout, "5000") || strings.Contains(stdout, "sss") {
			t.Errorf("%s shows the outside file: %q, %q", args[0], stdout, stderr)
		}
	}
}

// TestExportLeavesTheLibraryAsItWas: export reads the body files into the
// exchanges it writes, not into the cassettes the library shares with the
// others of the process (a small file library is decoded once per
// process): after an export, a prune run in the same process still sees
// the body file of a cassette it keeps, and does not remove it.
func TestExportLeavesTheLibraryAsItWas(t *testing.T) {
	tmp := t.TempDir()
	path := filepath.Join(tmp, "api.json")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	gone := exchange("GET", "https://api.example.com/gone", "", 200, "text/csv", nil, fixedNow)
	gone.Response.BodyFile = commitBody(t, lib, "a,b\n1,2\n")
	kept := exchange("GET", "https://api.example.com/kept", "", 200, "text/csv", nil, fixedNow)
	kept.Response.BodyFile = commitBody(t, lib, "c,d\n3,4\n")
	writeExchanges(t, path, gone, kept)

	if code, _, stderr := runSync(t, "export", "-to", "har", path, filepath.Join(tmp, "api.har")); code != exitOK {
		t.Fatalf("export = %d, stderr %q", code, stderr)
	}
	for _, c := range loadAll(t, path) {
		if f := c.Exchanges[0].Response.BodyFile; f == "" {
			t.Errorf("after export, cassette %s has no body file (body %q)", c.Name, c.Exchanges[0].Response.Body)
		}
	}
	report := filepath.Join(tmp, "unused.log")
	if err := os.WriteFile(report, []byte(nameOf(gone)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := runSync(t, "prune", "-unused", report, "-force", path); code != exitOK {
		t.Fatalf("prune = %d, %q, %q", code, stdout, stderr)
	}
	if _, err := os.Stat(kept.Response.BodyFile); err != nil {
		t.Errorf("prune removed the body file of the cassette it kept: %v", err)
	}
	if _, err := os.Stat(gone.Response.BodyFile); err == nil {
		t.Errorf("prune kept the body file of the cassette it removed, %s", gone.Response.BodyFile)
	}
}

// TestShowRawFailsOnABodyFileItCannotRead: show -raw of a cassette whose
// body file is missing, or is not a file, writes nothing to stdout (no
// error message passed off as the body), names the body file on stderr
// with what to do, and exits 1.
func TestShowRawFailsOnABodyFileItCannotRead(t *testing.T) {
	tests := []struct {
		why    string
		damage func(t *testing.T, body string)
	}{
		{"missing", func(t *testing.T, body string) {
			if err := os.Remove(body); err != nil {
				t.Fatal(err)
			}
		}},
		{"a folder in its place", func(t *testing.T, body string) {
			if err := os.Remove(body); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(body, 0o755); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			dir := writeBodyFileLibrary(t, "id,total\n1,2\n")
			bodies, _ := filepath.Glob(filepath.Join(dir, "bodies", "*"))
			if len(bodies) != 1 {
				t.Fatalf("body files: %q; want one", bodies)
			}
			tt.damage(t, bodies[0])
			args := []string{"show", "-raw", dir, "GET_api.example.com_443_export"}
			code, stdout, stderr := runSync(t, args...)
			if code != exitError || stdout != "" {
				t.Errorf("run(%q) = %d, stdout %q; want %d and nothing", args, code, stdout, exitError)
			}
			for _, w := range []string{bodies[0], "GET_api.example.com_443_export", "record the cassette again"} {
				if !strings.Contains(stderr, w) {
					t.Errorf("run(%q) stderr lacks %q: %q", args, w, stderr)
				}
			}
		})
	}
}
