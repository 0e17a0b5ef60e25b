package main

import (
	"bytes"
	"encoding/binary"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// TestPruneUnusedReport prunes with a report written by the replay server:
// exactly the cassettes the test used are left.
func TestPruneUnusedReport(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	for _, lib := range []string{"api", "api.json", "api.yaml"} {
		t.Run(lib, func(t *testing.T) {
			path := writeSample(t, lib)
			ex := sampleExchanges(t)
			var report bytes.Buffer
			t.Run("replay", func(t *testing.T) {
				srv := replayserver.New(t, path)
				for _, e := range []int{2, 3} { // POST /v1/orders, GET /logo.png
					req := ex[e].Request
					hreq, err := http.NewRequest(req.Method, req.URL, bytes.NewReader(req.Body))
					if err != nil {
						t.Fatal(err)
					}
					resp, err := srv.Client().Do(hreq)
					if err != nil {
						t.Fatal(err)
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != ex[e].Response.StatusCode {
						t.Fatalf("%s %s replayed = %d, want %d", req.Method, req.URL, resp.StatusCode, ex[e].Response.StatusCode)
					}
				}
				if err := srv.ReportUnused(&report); err != nil {
					t.Fatal(err)
				}
			})
			used := []string{nameOf(ex[2]), nameOf(ex[3])}
			slices.Sort(used)
			unused := filepath.Join(t.TempDir(), "unused.log")
			if err := os.WriteFile(unused, append(report.Bytes(), "GET_gone.example.com_443_x.json\n"...), 0o644); err != nil {
				t.Fatal(err)
			}

			// A dry run lists and removes nothing.
			code, stdout, stderr := runSync(t, "prune", "-unused", unused, path)
			if code != exitOK {
				t.Fatalf("prune (dry run) = %d, stderr %q", code, stderr)
			}
			if got := len(loadAll(t, path)); got != 5 {
				t.Errorf("dry run left %d cassettes, want all 5", got)
			}
			if n := strings.Count(stdout, "would remove "); n != 3 || !strings.Contains(stdout, "dry run: 3 of 5") {
				t.Errorf("dry run stdout lists %d cassettes, want 3 and a summary:\n%s", n, stdout)
			}
			if !strings.Contains(stderr, "warning: GET_gone.example.com_443_x.json is not in") || strings.Count(stderr, "\n") != 1 {
				t.Errorf("dry run stderr = %q, want one warning about the entry not in the library", stderr)
			}

			code, stdout, stderr = runSync(t, "prune", "-force", "-unused", unused, path)
			if code != exitOK {
				t.Fatalf("prune -force = %d, stderr %q", code, stderr)
			}
			var left []string
			for _, c := range loadAll(t, path) {
				left = append(left, c.Name)
			}
			if !slices.Equal(left, used) {
				t.Errorf("prune -force left %q, want exactly the used %q\nstdout:\n%s", left, used, stdout)
			}
			if !strings.Contains(stdout, "removed 3 of 5 cassette(s)") {
				t.Errorf("prune -force stdout = %q, want a count of 3 removed", stdout)
			}
		})
	}
}

func TestPruneUsage(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"prune", "lib"}, "cassette prune: missing -unused FILE (see cassette prune -h)"},
		{[]string{"prune", "-unused", "u.log"}, "cassette prune: missing PATH (see cassette prune -h)"},
		{[]string{"prune", "-unused", "u.log", "a", "b"}, `cassette prune: too many arguments ["b"] (see cassette prune -h)`},
	}
	for _, tt := range tests {
		code, stdout, stderr := runSync(t, tt.args...)
		if code != exitUsage || stderr != tt.want+"\n" || stdout != "" {
			t.Errorf("run(%q) = %d, stdout %q, stderr %q; want 2 and the line %q", tt.args, code, stdout, stderr, tt.want)
		}
	}
	path := writeSample(t, "api")
	code, _, stderr := runSync(t, "prune", "-unused", filepath.Join(t.TempDir(), "none.log"), path)
	if code != exitError || !strings.Contains(stderr, "none.log") {
		t.Errorf("prune with a missing report = %d, stderr %q; want 1 naming it", code, stderr)
	}
}

// TestPruneRemovesUnusedBodyFiles: the body files of pruned cassettes go,
// and those a crash left behind, but not the ones still in use, nor a
// file placed by hand that a hand-written cassette named (only files the
// recorder names after their content are its own).
func TestPruneRemovesUnusedBodyFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "api")
	lib, err := library.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	keep, gone := commitBody(t, lib, "kept"), commitBody(t, lib, "pruned")
	byHand := filepath.Join(filepath.Dir(keep), "report.pdf")
	if err := os.WriteFile(byHand, []byte("%PDF"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]string{"GET_keep": keep, "GET_gone": gone, "GET_hand": byHand} {
		ex := library.Exchange{Request: library.Request{Method: "GET", URL: "http://x/"}, Response: library.Response{StatusCode: 200, BodyFile: p}}
		if err := lib.Append(name, ex); err != nil {
			t.Fatal(err)
		}
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	crashed := filepath.Join(filepath.Dir(keep), strings.Repeat("0", 32)+".bin")
	if err := os.WriteFile(crashed, []byte("left behind"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A save interrupted long ago, and one going on now.
	stale, fresh := filepath.Join(dir, ".cassette-1.tmp"), filepath.Join(dir, ".cassette-2.tmp")
	os.WriteFile(stale, []byte("half"), 0o644)
	os.WriteFile(fresh, []byte("half"), 0o644)
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	// A rerecord interrupted long ago while it built the new folder
	// beside the library, and one whose two renames were cut between
	// them: that one holds the old library, and stays.
	building, aside := filepath.Join(filepath.Dir(dir), ".cassette-rerecord-1"), filepath.Join(filepath.Dir(dir), ".cassette-rerecord-2.old")
	for _, p := range []string{building, aside} {
		writeFileAt(t, filepath.Join(p, "GET_x.json"), "{}")
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	unused := filepath.Join(t.TempDir(), "unused.log")
	os.WriteFile(unused, []byte("GET_gone.json\nGET_hand.json\n"), 0o644)

	code, stdout, stderr := runSync(t, "prune", "-unused", unused, dir)
	if code != exitOK || !strings.Contains(stdout, "would remove body file") || !strings.Contains(stdout, filepath.Base(crashed)) {
		t.Errorf("prune (dry run) = %d, stdout %q, stderr %q; want the left-behind body file listed", code, stdout, stderr)
	}
	// The dry run lists what -force removes: the pruned cassette's body
	// file too (it used to leave it out), not the kept one's.
	if !strings.Contains(stdout, filepath.Base(gone)) || strings.Contains(stdout, filepath.Base(keep)) || strings.Contains(stdout, "report.pdf") {
		t.Errorf("prune (dry run) stdout %q; want the pruned cassette's body file %s listed, not the kept one's", stdout, filepath.Base(gone))
	}
	for _, p := range []string{keep, gone, crashed, filepath.Join(dir, "GET_gone.json")} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("after the dry run, %s: %v; want it still there", p, err)
		}
	}
	code, stdout, stderr = runSync(t, "prune", "-force", "-unused", unused, dir)
	if code != exitOK {
		t.Fatalf("prune -force = %d, stderr %q", code, stderr)
	}
	if !strings.Contains(stdout, "removed temporary file "+building) && !strings.Contains(stdout, filepath.Base(building)) {
		t.Errorf("prune -force stdout %q; want the rerecord's folder named", stdout)
	}
	for p, want := range map[string]bool{keep: true, gone: false, crashed: false, stale: false, fresh: true, building: false, aside: true,
		byHand: true, filepath.Join(dir, "GET_hand.json"): false} {
		if _, err := os.Stat(p); (err == nil) != want {
			t.Errorf("after prune -force, %s exists: %v, want %v\nstdout:\n%s", filepath.Base(p), err == nil, want, stdout)
		}
	}
}

// writeFileAt writes content to the file at p, making its folders.
func writeFileAt(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestPruneReadsAReportSavedOnWindows: a report saved by a Windows tool
// starts with a byte order mark (Notepad's "UTF-8 with BOM"), or is in
// UTF-16 (PowerShell 5's > and Out-File), with CRLF line ends. Its first
// entry, or every one, was not found in the library, and not removed.
func TestPruneReadsAReportSavedOnWindows(t *testing.T) {
	utf16le := func(s string) []byte {
		b := []byte{0xff, 0xfe}
		for _, u := range utf16.Encode([]rune(s)) {
			b = binary.LittleEndian.AppendUint16(b, u)
		}
		return b
	}
	for _, tc := range []struct {
		why    string
		encode func(string) []byte
	}{
		{"UTF-8 with a byte order mark", func(s string) []byte { return []byte("\ufeff" + s) }},
		{"UTF-16 with a byte order mark", utf16le},
	} {
		t.Run(tc.why, func(t *testing.T) {
			path := writeSample(t, "api")
			lib, err := library.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			ex := sampleExchanges(t)
			gone := []string{nameOf(ex[0]), nameOf(ex[1])}
			report := lib.File(gone[0]) + "\r\n" + lib.File(gone[1]) + "\r\n"
			unused := filepath.Join(t.TempDir(), "unused.log")
			if err := os.WriteFile(unused, tc.encode(report), 0o644); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := runSync(t, "prune", "-force", "-unused", unused, path)
			if code != exitOK || stderr != "" {
				t.Fatalf("prune -force = %d, stderr %q", code, stderr)
			}
			for _, c := range loadAll(t, path) {
				if slices.Contains(gone, c.Name) {
					t.Errorf("prune -force left %s, listed in the report\nstdout:\n%s", c.Name, stdout)
				}
			}
		})
	}
}

// A prune -force whose save fails after the library file was written (a
// body file of a cassette removed could not be removed: here a folder in
// its place) says the cassettes removed, which are: it said "0 of the 1
// cassette(s) to remove were removed", and printed none, for a file
// library, as though the file were unchanged.
func TestPruneWhoseSaveFailsAfterWritingSaysWhatWasRemoved(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "api.json")
	body := "api.json.bodies/0123456789abcdef0123456789abcdef.bin"
	if err := os.MkdirAll(filepath.Join(dir, body, "in-the-way"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFileAt(t, lib, `{"version": 1, "cassettes": [
		{"name": "GET_kept", "exchanges": [{"request": {"method": "GET", "url": "https://api.example.com/kept"}, "response": {"status": 200, "body": "kept"}}]},
		{"name": "GET_stale", "exchanges": [{"request": {"method": "GET", "url": "https://api.example.com/stale"}, "response": {"status": 200, "body_file": "`+body+`"}}]}
	]}`)
	report := filepath.Join(dir, "unused.log")
	writeFileAt(t, report, "GET_stale\n")
	code, stdout, stderr := runSync(t, "prune", "-force", "-unused", report, lib)
	if code != exitError || !strings.Contains(stderr, "1 of the 1 cassette(s) to remove were removed") {
		t.Errorf("prune -force whose body file cannot be removed = %d, stderr %q; want 1, and that the cassette was removed", code, stderr)
	}
	if !strings.Contains(stdout, "removed GET_stale\n") {
		t.Errorf("prune -force printed %q; want GET_stale said removed", stdout)
	}
	if b, _ := os.ReadFile(lib); strings.Contains(string(b), "GET_stale") {
		t.Fatalf("%s still holds GET_stale: the test's premise failed", lib)
	}
}
