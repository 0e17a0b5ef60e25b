package interop

// Acceptance probes of package library, package naming and the cassette
// command line, written from DESIGN.md, the issue texts and README.md
// only, through the public API and the built binary as a user calls them.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
)

// sampleCassettes are cassettes that hold what text formats find hard to
// keep: binary and empty bodies, repeated headers, trailers, chunks,
// latencies and recording times, several exchanges in order.
func sampleCassettes() []library.Cassette {
	at := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	return []library.Cassette{
		{Name: "GET_api.example.com_443_v1_users", Exchanges: []library.Exchange{{
			Request: library.Request{Method: "GET", URL: "https://api.example.com/v1/users",
				Header: http.Header{"Accept": {"application/json"}}},
			Response: library.Response{StatusCode: 200,
				Header: http.Header{"Content-Type": {"application/json"}, "Set-Cookie": {"a=1", "b=2", "c=3"}},
				Body:   []byte("{\"users\": [\"ann\", \"bob\"]}\n")},
			Latency:    12500 * time.Microsecond,
			RecordedAt: at,
		}}},
		{Name: "POST_api.example.com_443_v1_upload~b1a2b3c4d", Exchanges: []library.Exchange{{
			Request: library.Request{Method: "POST", URL: "https://api.example.com/v1/upload",
				Body: []byte("line 1\nline 2\n")},
			Response: library.Response{StatusCode: 201,
				Header:  http.Header{"Trailer": {"X-Checksum"}},
				Body:    []byte{0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff},
				Trailer: http.Header{"X-Checksum": {"abc"}}},
		}}},
		{Name: "GET_api.example.com_443_v1_jobs_7", Exchanges: []library.Exchange{
			{Request: library.Request{Method: "GET", URL: "https://api.example.com/v1/jobs/7"},
				Response: library.Response{StatusCode: 202, Body: []byte("pending")}},
			{Request: library.Request{Method: "GET", URL: "https://api.example.com/v1/jobs/7"},
				Response: library.Response{StatusCode: 200, Body: []byte("crlf\r\ntrailing  \n"),
					Chunks: []library.Chunk{{Size: 6, At: 5 * time.Millisecond}, {Size: 11, At: 15 * time.Millisecond}}}},
			{Request: library.Request{Method: "DELETE", URL: "https://api.example.com/v1/jobs/7"},
				Response: library.Response{StatusCode: 204}},
		}},
	}
}

// sameCassette reports how got differs from want, "" when it does not:
// empty and nil bodies and headers are alike, times are compared as
// instants.
func sameCassette(got, want library.Cassette) string {
	if got.Name != want.Name || len(got.Exchanges) != len(want.Exchanges) {
		return fmt.Sprintf("cassette %q with %d exchanges, want %q with %d", got.Name, len(got.Exchanges), want.Name, len(want.Exchanges))
	}
	hdr := func(h http.Header) http.Header {
		if len(h) == 0 {
			return nil
		}
		out := http.Header{}
		for k, v := range h {
			if len(v) == 0 {
				v = nil // a name without values: nil or empty alike
			}
			out[k] = v
		}
		return out
	}
	for i := range want.Exchanges {
		g, w := got.Exchanges[i], want.Exchanges[i]
		gb, err := g.Response.ReadBody()
		if err != nil {
			return fmt.Sprintf("exchange %d: ReadBody: %v", i, err)
		}
		switch {
		case g.Request.Method != w.Request.Method || g.Request.URL != w.Request.URL:
			return fmt.Sprintf("exchange %d: request %s %s, want %s %s", i, g.Request.Method, g.Request.URL, w.Request.Method, w.Request.URL)
		case !reflect.DeepEqual(hdr(g.Request.Header), hdr(w.Request.Header)):
			return fmt.Sprintf("exchange %d: request header %v, want %v", i, g.Request.Header, w.Request.Header)
		case !bytes.Equal(g.Request.Body, w.Request.Body):
			return fmt.Sprintf("exchange %d: request body %q, want %q", i, g.Request.Body, w.Request.Body)
		case g.Response.StatusCode != w.Response.StatusCode:
			return fmt.Sprintf("exchange %d: status %d, want %d", i, g.Response.StatusCode, w.Response.StatusCode)
		case !reflect.DeepEqual(hdr(g.Response.Header), hdr(w.Response.Header)):
			return fmt.Sprintf("exchange %d: response header %v, want %v", i, g.Response.Header, w.Response.Header)
		case !reflect.DeepEqual(hdr(g.Response.Trailer), hdr(w.Response.Trailer)):
			return fmt.Sprintf("exchange %d: trailer %v, want %v", i, g.Response.Trailer, w.Response.Trailer)
		case !bytes.Equal(gb, w.Response.Body):
			return fmt.Sprintf("exchange %d: response body %q, want %q", i, gb, w.Response.Body)
		case !reflect.DeepEqual(g.Response.Chunks, w.Response.Chunks):
			return fmt.Sprintf("exchange %d: chunks %v, want %v", i, g.Response.Chunks, w.Response.Chunks)
		case g.Latency != w.Latency || !g.RecordedAt.Equal(w.RecordedAt):
			return fmt.Sprintf("exchange %d: latency %v at %v, want %v at %v", i, g.Latency, g.RecordedAt, w.Latency, w.RecordedAt)
		}
	}
	return ""
}

// sameLibrary checks that the library at path holds exactly want.
func sameLibrary(t *testing.T, path string, want []library.Cassette) {
	t.Helper()
	lib, err := library.Open(path)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	if err := lib.Load(); err != nil {
		t.Fatalf("Load(%s): %v", path, err)
	}
	names, err := lib.Names()
	if err != nil {
		t.Fatalf("Names(%s): %v", path, err)
	}
	var wantNames []string
	for _, c := range want {
		wantNames = append(wantNames, c.Name)
	}
	slices.Sort(wantNames)
	if !slices.Equal(names, wantNames) {
		t.Fatalf("Names(%s) = %q, want %q", path, names, wantNames)
	}
	for _, w := range want {
		c, ok, err := lib.Get(w.Name)
		if err != nil || !ok {
			t.Fatalf("Get(%s, %s) = ok %v, %v", path, w.Name, ok, err)
		}
		if d := sameCassette(c, w); d != "" {
			t.Errorf("%s: %s", path, d)
		}
	}
}

// saveSample writes sampleCassettes to a new library at path.
func saveSample(t *testing.T, path string, opts ...library.Option) {
	t.Helper()
	lib, err := library.Open(path, opts...)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	for _, c := range sampleCassettes() {
		if err := lib.Put(c); err != nil {
			t.Fatalf("Put(%s): %v", c.Name, err)
		}
	}
	if err := lib.Save(); err != nil {
		t.Fatalf("Save(%s): %v", path, err)
	}
}

// listFiles returns every file and folder under root, relative, sorted.
func listFiles(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel != "." {
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestAcceptLibraryEveryKind: DESIGN "path with a file extension (.json,
// .yaml, .yml) is a single-file library; a path without one is a
// directory library"; Get/Put/Append/Delete/Names/Save/Load round trip
// losslessly; saves are atomic and leave no temporary file.
func TestAcceptLibraryEveryKind(t *testing.T) {
	for _, tc := range []struct {
		path  string
		opts  []library.Option
		files []string // what the folder holds after Save
	}{
		{path: "lib.json", files: []string{"lib.json"}},
		{path: "lib.yaml", files: []string{"lib.yaml"}},
		{path: "lib.yml", files: []string{"lib.yml"}},
		{path: "LIB.JSON", files: []string{"LIB.JSON"}},
		{path: "lib", files: []string{"lib", "lib/GET_api.example.com_443_v1_jobs_7.json", "lib/GET_api.example.com_443_v1_users.json", "lib/POST_api.example.com_443_v1_upload~b1a2b3c4d.json"}},
		{path: "lib", opts: []library.Option{library.WithFormat(library.YAML)}, files: []string{"lib", "lib/GET_api.example.com_443_v1_jobs_7.yaml", "lib/GET_api.example.com_443_v1_users.yaml", "lib/POST_api.example.com_443_v1_upload~b1a2b3c4d.yaml"}},
	} {
		t.Run(tc.path+fmt.Sprint(len(tc.opts)), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, tc.path)
			lib, err := library.Open(path, tc.opts...)
			if err != nil {
				t.Fatalf("Open(%s): %v", tc.path, err)
			}
			if lib.Exists() {
				t.Errorf("Exists() of a new %s = true", tc.path)
			}
			if wantDir := filepath.Ext(tc.path) == ""; lib.IsDir() != wantDir {
				t.Errorf("IsDir(%s) = %v, want %v", tc.path, lib.IsDir(), wantDir)
			}
			if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("Open created %s: %v", tc.path, err)
			}
			samples := sampleCassettes()
			if err := lib.Put(samples[0]); err != nil {
				t.Fatal(err)
			}
			if err := lib.Put(samples[1]); err != nil {
				t.Fatal(err)
			}
			for _, ex := range samples[2].Exchanges {
				if err := lib.Append(samples[2].Name, ex); err != nil {
					t.Fatalf("Append(%s): %v", samples[2].Name, err)
				}
			}
			if err := lib.Append("GET_doomed", samples[0].Exchanges[0]); err != nil {
				t.Fatal(err)
			}
			if err := lib.Delete("GET_doomed"); err != nil {
				t.Fatal(err)
			}
			if err := lib.Delete("GET_never_there"); err != nil {
				t.Errorf("Delete of a missing cassette: %v, want nil", err)
			}
			if _, ok, err := lib.Get("GET_doomed"); ok || err != nil {
				t.Errorf("Get(deleted) = ok %v, %v", ok, err)
			}
			if err := lib.Save(); err != nil {
				t.Fatalf("Save: %v", err)
			}
			if got := listFiles(t, dir); !slices.Equal(got, tc.files) {
				t.Errorf("after Save the folder holds %q, want %q (no temporary file)", got, tc.files)
			}
			sameLibrary(t, path, samples)

			// The file says its schema version.
			var first string
			if lib.IsDir() {
				first = filepath.Join(path, strings.TrimPrefix(tc.files[1], "lib/"))
			} else {
				first = path
			}
			raw, _ := os.ReadFile(first)
			if !regexp.MustCompile(`"?version"?:\s*1\b`).Match(raw) {
				t.Errorf("%s has no version 1:\n%s", first, raw)
			}
			// A binary body is base64 with its marker, text stays text.
			if !lib.IsDir() && (!bytes.Contains(raw, []byte("base64")) || !bytes.Contains(raw, []byte("pending"))) {
				t.Errorf("%s: binary body not marked base64 or text body not readable:\n%s", first, raw)
			}

			// Append to a saved library merges; a second Save with no change writes nothing.
			lib2, _ := library.Open(path, tc.opts...)
			extra := library.Exchange{Request: library.Request{Method: "GET", URL: "https://api.example.com/v1/users"},
				Response: library.Response{StatusCode: 500, Body: []byte("again")}}
			if err := lib2.Append(samples[0].Name, extra); err != nil {
				t.Fatal(err)
			}
			if err := lib2.Save(); err != nil {
				t.Fatal(err)
			}
			samples[0].Exchanges = append(samples[0].Exchanges, extra)
			sameLibrary(t, path, samples)
			before := listFiles(t, dir)
			if err := lib2.Save(); err != nil {
				t.Fatalf("Save with nothing changed: %v", err)
			}
			if after := listFiles(t, dir); !slices.Equal(before, after) {
				t.Errorf("Save with nothing changed: %q, then %q", before, after)
			}

			// Delete of a saved cassette, then Save, removes it (its file, for a directory).
			lib3, _ := library.Open(path, tc.opts...)
			if err := lib3.Delete(samples[1].Name); err != nil {
				t.Fatal(err)
			}
			if err := lib3.Save(); err != nil {
				t.Fatal(err)
			}
			sameLibrary(t, path, []library.Cassette{samples[0], samples[2]})
			if lib3.IsDir() {
				if _, err := os.Stat(filepath.Join(path, lib3.File(samples[1].Name))); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("the file of a deleted cassette is still there: %v", err)
				}
			}
		})
	}
}

// TestAcceptLibraryTrickyStrings: header values, URLs and bodies that
// YAML reads as something else when unquoted (yes, null, ~, 012, 1e3,
// anchors, tags) survive Save and Load, and convert, in every format.
func TestAcceptLibraryTrickyStrings(t *testing.T) {
	bin := acceptBin(t)
	tricky := []string{"yes", "no", "null", "~", "012", "1e3", "- x", ": y", "'q'", "  lead", "trail  ", "\ttab",
		"é漢", "#c", "a: b", "", "true", "0x1F", ".inf", "<<", "&a", "*a", "!t", "%p", "@", "`", "|", ">", "{", "[", "\"", "a\\b"}
	var cs []library.Cassette
	for i, v := range tricky {
		cs = append(cs, library.Cassette{Name: fmt.Sprintf("GET_t%02d", i), Exchanges: []library.Exchange{{
			Request: library.Request{Method: "GET", URL: "https://a.example/x?q=" + v + "#frag",
				Header: http.Header{"X-V": {v, v}, "x-lower": {v}}, Body: []byte(v)},
			Response: library.Response{StatusCode: 200, Header: http.Header{"X-V": tricky},
				Trailer: http.Header{"X-Sum": {}, "X-T": {v}}, Body: []byte(v + "\n" + v)},
		}}})
	}
	dir := t.TempDir()
	for _, p := range []string{"t.yaml", "t.json", "tdir"} {
		path := filepath.Join(dir, p)
		l, _ := library.Open(path, library.WithFormat(library.YAML))
		for _, c := range cs {
			if err := l.Put(c); err != nil {
				t.Fatal(err)
			}
		}
		if err := l.Save(); err != nil {
			t.Fatal(err)
		}
		sameLibrary(t, path, cs)
		for _, to := range []string{"c.yml", "c.json", "cdir"} {
			dst := filepath.Join(t.TempDir(), to)
			args := []string{"convert", path, dst}
			if to == "cdir" {
				args = []string{"convert", "-format", "yaml", path, dst}
			}
			if _, stderr, code := run(t, bin, args...); code != 0 {
				t.Fatalf("convert %s %s: exit %d: %s", p, to, code, stderr)
			}
			sameLibrary(t, dst, cs)
		}
	}
}

// TestAcceptLibraryRefusesInvalid: names a library cannot store and
// exchanges it could not load back are refused when added.
func TestAcceptLibraryRefusesInvalid(t *testing.T) {
	for _, path := range []string{"x.json", "x"} {
		lib, _ := library.Open(filepath.Join(t.TempDir(), path))
		ok := library.Exchange{Request: library.Request{Method: "GET", URL: "http://a/"}, Response: library.Response{StatusCode: 200}}
		for _, name := range []string{"", "../escape", "a/b", "CON", ".hidden", strings.Repeat("a", 201), "sp ace"} {
			if err := lib.Append(name, ok); !errors.Is(err, library.ErrInvalidName) {
				t.Errorf("%s: Append(%q) = %v, want ErrInvalidName", path, name, err)
			}
		}
		if err := lib.Append("GET_a", library.Exchange{Response: library.Response{StatusCode: 200}}); err == nil {
			t.Errorf("%s: Append of an exchange without method succeeded", path)
		}
		if err := lib.Append("GET_a", library.Exchange{Request: library.Request{Method: "GET"}, Response: library.Response{StatusCode: 42}}); err == nil {
			t.Errorf("%s: Append of status 42 succeeded", path)
		}
	}
}

// TestAcceptLibraryVersion: "a higher version refused with a clear
// error", a missing version refused too, for both kinds and formats.
func TestAcceptLibraryVersion(t *testing.T) {
	for _, tc := range []struct{ file, text string }{
		{"v.json", `{"version": 2, "cassettes": []}`},
		{"v.yaml", "version: 2\ncassettes: []\n"},
		{"d/GET_a.json", `{"version": 7, "exchanges": []}`},
		{"d/GET_a.yaml", "version: 3\nexchanges: []\n"},
	} {
		dir := t.TempDir()
		file := filepath.Join(dir, tc.file)
		os.MkdirAll(filepath.Dir(file), 0o755)
		if err := os.WriteFile(file, []byte(tc.text), 0o644); err != nil {
			t.Fatal(err)
		}
		path := file
		if strings.HasPrefix(tc.file, "d/") {
			path = filepath.Join(dir, "d")
		}
		lib, err := library.Open(path)
		if err != nil {
			t.Fatalf("Open(%s): %v", tc.file, err)
		}
		err = lib.Load()
		if err == nil {
			t.Errorf("Load of %s: nil error for a later version", tc.file)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, "version") || !strings.Contains(msg, filepath.Base(file)) || !strings.Contains(strings.ToLower(msg), "upgrade") {
			t.Errorf("Load of %s: %q does not name the file, the version and say to upgrade", tc.file, msg)
		}
	}
	for _, tc := range []struct{ file, text string }{
		{"nov.json", `{"cassettes": []}`},
		{"nov.yaml", "cassettes: []\n"},
	} {
		file := filepath.Join(t.TempDir(), tc.file)
		os.WriteFile(file, []byte(tc.text), 0o644)
		lib, _ := library.Open(file)
		if err := lib.Load(); err == nil || !strings.Contains(err.Error(), "version") {
			t.Errorf("Load of %s without version = %v, want an error about the version", tc.file, err)
		}
	}
}

// TestAcceptLibraryBadFiles: "Errors name the file and, for syntax and
// type errors, the line"; a failed load changes nothing on disk.
func TestAcceptLibraryBadFiles(t *testing.T) {
	for _, tc := range []struct {
		why, file, text string
		line            int // 0: the cassette instead (issue: "the line for YAML/JSON syntax")
	}{
		{"bad JSON", "b.json", "{\n  \"version\": 1,\n  \"cassettes\": [\n    {\"name\": \"GET_a\",, }\n  ]\n}\n", 4},
		{"bad YAML", "b.yaml", "version: 1\ncassettes:\n  - name: GET_a\n    exchanges: [\n  oops: : :\n", 5},
		{"JSON wrong type", "b.json", "{\n  \"version\": 1,\n  \"cassettes\": [\n    {\"name\": \"GET_a\", \"exchanges\": [\n      {\"request\": {\"method\": \"GET\"},\n       \"response\": {\"status\": \"ok\"}}\n    ]}\n  ]\n}\n", 6},
		{"YAML wrong type", "b.yaml", "version: 1\ncassettes:\n  - name: GET_a\n    exchanges:\n      - request: {method: GET}\n        response:\n          status: [200]\n", 7},
		{"bad base64", "b.json", "{\n  \"version\": 1,\n  \"cassettes\": [\n    {\"name\": \"GET_a\", \"exchanges\": [\n      {\"request\": {\"method\": \"GET\"},\n       \"response\": {\"status\": 200, \"body_encoding\": \"base64\", \"body\": \"@@not base64@@\"}}\n    ]}\n  ]\n}\n", 0},
		{"bad base64 YAML", "b.yaml", "version: 1\ncassettes:\n  - name: GET_a\n    exchanges:\n      - request: {method: GET}\n        response:\n          status: 200\n          body_encoding: base64\n          body: '@@not base64@@'\n", 0},
		{"duplicate names", "b.json", "{\n  \"version\": 1,\n  \"cassettes\": [\n    {\"name\": \"GET_a\", \"exchanges\": []},\n    {\"name\": \"GET_a\", \"exchanges\": []}\n  ]\n}\n", 0},
		{"duplicate names YAML", "b.yaml", "version: 1\ncassettes:\n  - name: GET_a\n    exchanges: []\n  - name: GET_a\n    exchanges: []\n", 0},
		{"unknown field", "b.yaml", "version: 1\ncassettes:\n  - name: GET_a\n    exchanges:\n      - request: {method: GET}\n        respons: {status: 200}\n", 6},
		{"field twice", "b.json", "{\n  \"version\": 1,\n  \"version\": 1,\n  \"cassettes\": []\n}\n", 3},
		{"invalid cassette name", "b.json", "{\"version\": 1, \"cassettes\": [{\"name\": \"../x\", \"exchanges\": []}]}", 0},
	} {
		t.Run(tc.why, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, tc.file)
			if err := os.WriteFile(file, []byte(tc.text), 0o644); err != nil {
				t.Fatal(err)
			}
			old := time.Now().Add(-time.Hour).Truncate(time.Second)
			os.Chtimes(file, old, old)
			lib, err := library.Open(file)
			if err != nil {
				t.Fatalf("Open: %v (Open reads nothing)", err)
			}
			err = lib.Load()
			if err == nil {
				t.Fatalf("Load of %s: nil error", tc.why)
			}
			msg := err.Error()
			if tc.line == 0 && !strings.Contains(msg, "GET_a") && !strings.Contains(msg, "../x") {
				t.Errorf("Load error %q names neither the line nor the cassette", msg)
			}
			if !strings.Contains(msg, tc.file) {
				t.Errorf("Load error %q does not name the file %s", msg, tc.file)
			}
			if tc.line > 0 && !regexp.MustCompile(fmt.Sprintf(`\b(line %d|%s:%d)\b`, tc.line, regexp.QuoteMeta(tc.file), tc.line)).MatchString(msg) {
				t.Errorf("Load error %q does not name line %d", msg, tc.line)
			}
			// Every reading method reports it; none writes.
			if _, err := lib.Names(); err == nil {
				t.Errorf("Names of a bad file: nil error")
			}
			if _, _, err := lib.Get("GET_a"); err == nil {
				t.Errorf("Get of a bad file: nil error")
			}
			if err := lib.Append("GET_b", library.Exchange{Request: library.Request{Method: "GET"}, Response: library.Response{StatusCode: 200}}); err == nil {
				if err := lib.Save(); err == nil {
					t.Errorf("Append and Save over a bad file succeeded: the hand edit is lost")
				}
			}
			got, _ := os.ReadFile(file)
			if !bytes.Equal(got, []byte(tc.text)) {
				t.Errorf("a failed load changed the file:\n%s", got)
			}
			if fi, _ := os.Stat(file); !fi.ModTime().Equal(old) {
				t.Errorf("a failed load touched the file: %v", fi.ModTime())
			}
			if files := listFiles(t, dir); !slices.Equal(files, []string{tc.file}) {
				t.Errorf("a failed load left %q", files)
			}
		})
	}
}

// TestAcceptDirectoryLibraryLazyAndStray: "a directory library lists its
// folder on first use and reads a cassette file when that cassette is
// first asked for"; a stray file is an error naming it; dot files are
// ignored.
func TestAcceptDirectoryLibraryLazyAndStray(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "api")
	saveSample(t, dir)
	bad := filepath.Join(dir, "GET_broken.json")
	os.WriteFile(bad, []byte("{\n  \"version\": 1,\n  \"exchanges\": [ nope ]\n}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, ".gitkeep"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "Thumbs.db"), []byte("x"), 0o644)

	lib, err := library.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	names, err := lib.Names()
	if err != nil {
		t.Fatalf("Names of a folder with one bad cassette file: %v (it reads no cassette file)", err)
	}
	if !slices.Contains(names, "GET_broken") || len(names) != 4 {
		t.Errorf("Names = %q, want the 3 samples and GET_broken (dot files and Thumbs.db ignored)", names)
	}
	if _, ok, err := lib.Get("GET_api.example.com_443_v1_users"); !ok || err != nil {
		t.Errorf("Get of a good cassette beside a bad one = %v, %v", ok, err)
	}
	_, _, err = lib.Get("GET_broken")
	if err == nil || !regexp.MustCompile(`GET_broken\.json(:3\b|.*line 3\b)`).MatchString(err.Error()) {
		t.Errorf("Get(GET_broken) = %v, want an error naming GET_broken.json and line 3", err)
	}
	if err := lib.Load(); err == nil || !strings.Contains(err.Error(), "GET_broken.json") {
		t.Errorf("Load = %v, want the error of GET_broken.json", err)
	}
	os.Remove(bad)

	// A stray file or folder is an error naming it.
	for _, stray := range []string{"notes.txt", "sub/"} {
		p := filepath.Join(dir, strings.TrimSuffix(stray, "/"))
		if strings.HasSuffix(stray, "/") {
			os.Mkdir(p, 0o755)
		} else {
			os.WriteFile(p, []byte("hello"), 0o644)
		}
		lib, _ := library.Open(dir)
		_, err := lib.Names()
		if err == nil || !strings.Contains(err.Error(), strings.TrimSuffix(stray, "/")) {
			t.Errorf("Names with a stray %s = %v, want an error naming it", stray, err)
		}
		os.RemoveAll(p)
	}
	// Two files for one cassette.
	os.WriteFile(filepath.Join(dir, "GET_api.example.com_443_v1_users.yaml"), []byte("version: 1\nexchanges: []\n"), 0o644)
	lib, _ = library.Open(dir)
	if _, err := lib.Names(); err == nil || !strings.Contains(err.Error(), "GET_api.example.com_443_v1_users") {
		t.Errorf("Names with x.json and x.yaml = %v, want an error naming them", err)
	}
}

// TestAcceptLibraryBodyFiles: "A response body may be stored in a file of
// its own instead of the cassette: body_file names that file"; written by
// NewBody, read back byte for byte, in both kinds of library; a
// hand-written body_file that leads out of the folder is an error.
func TestAcceptLibraryBodyFiles(t *testing.T) {
	big := bytes.Repeat([]byte{0, 1, 2, 0xff, 'a'}, 300000)
	for _, path := range []string{"big.json", "big.yaml", "big"} {
		dir := t.TempDir()
		p := filepath.Join(dir, path)
		lib, _ := library.Open(p)
		w, err := lib.NewBody()
		if err != nil {
			t.Fatalf("%s: NewBody: %v", path, err)
		}
		w.Write(big)
		bf, err := w.Commit()
		if err != nil {
			t.Fatal(err)
		}
		ex := library.Exchange{Request: library.Request{Method: "GET", URL: "https://a.example/big"},
			Response: library.Response{StatusCode: 200, BodyFile: bf}}
		if err := lib.Append("GET_a.example_443_big", ex); err != nil {
			t.Fatal(err)
		}
		if err := lib.Save(); err != nil {
			t.Fatal(err)
		}
		files := listFiles(t, dir)
		var bodies []string
		for _, f := range files {
			if strings.HasSuffix(f, ".bin") {
				bodies = append(bodies, f)
			}
			if strings.Contains(f, ".tmp") || strings.Contains(filepath.Base(f), ".cassette-") {
				t.Errorf("%s: temporary file left: %s", path, f)
			}
		}
		if len(bodies) != 1 || !regexp.MustCompile(`(^|/)(bodies|big\.(json|yaml)\.bodies)/[0-9a-f]{32}\.bin$`).MatchString(bodies[0]) {
			t.Errorf("%s: body files %q, want one named after its content in the documented folder (all: %q)", path, bodies, files)
		}
		lib2, _ := library.Open(p)
		c, ok, err := lib2.Get("GET_a.example_443_big")
		if !ok || err != nil {
			t.Fatalf("%s: Get = %v, %v", path, ok, err)
		}
		got, err := c.Exchanges[0].Response.ReadBody()
		if err != nil || !bytes.Equal(got, big) {
			t.Errorf("%s: ReadBody = %d bytes, %v; want the %d bytes written", path, len(got), err, len(big))
		}
	}

	// A hand-written body_file, inside and outside the folder.
	dir := filepath.Join(t.TempDir(), "hand")
	os.MkdirAll(filepath.Join(dir, "bodies"), 0o755)
	os.WriteFile(filepath.Join(dir, "bodies", "mine.bin"), []byte("by hand\x00"), 0o644)
	os.WriteFile(filepath.Join(filepath.Dir(dir), "secret.txt"), []byte("secret"), 0o644)
	os.WriteFile(filepath.Join(dir, "GET_in.json"), []byte(`{"version": 1, "exchanges": [{"request": {"method": "GET"}, "response": {"status": 200, "body_file": "bodies/mine.bin"}}]}`), 0o644)
	os.WriteFile(filepath.Join(dir, "GET_out.json"), []byte(`{"version": 1, "exchanges": [{"request": {"method": "GET"}, "response": {"status": 200, "body_file": "../secret.txt"}}]}`), 0o644)
	lib, _ := library.Open(dir)
	c, ok, err := lib.Get("GET_in")
	if !ok || err != nil {
		t.Fatalf("Get(GET_in) = %v, %v", ok, err)
	}
	if b, err := c.Exchanges[0].Response.ReadBody(); err != nil || string(b) != "by hand\x00" {
		t.Errorf("hand-written body_file: %q, %v", b, err)
	}
	c, ok, err = lib.Get("GET_out")
	if err == nil && ok {
		if b, err := c.Exchanges[0].Response.ReadBody(); err == nil {
			t.Errorf("a body_file leading out of the folder was read: %q", b)
		}
	}
}

// TestAcceptNamingGolden: the names DESIGN.md, README.md and the package
// documentation show, pinned as they are written there.
func TestAcceptNamingGolden(t *testing.T) {
	for _, tc := range []struct{ method, url, body, want string }{
		{"GET", "https://api.example.com/v2/forecast?days=3&city=lyon", "", "GET_api.example.com_443_v2_forecast__city=lyon,days=3"},
		{"GET", "https://api.example.com/v1/users?sort=name&page=2", "", "GET_api.example.com_443_v1_users__page=2,sort=name"},
		{"GET", "http://127.0.0.1:8080/Search?q=caf%C3%A9", "", "GET_127.0.0.1_8080_search__q=caf%C3%A9~u2d233354"},
		{"GET", "http://httpbin.org/get", "", "GET_httpbin.org_80_get"},
		{"GET", "https://api.example.com/v1/users", "", "GET_api.example.com_443_v1_users"},
		{"", "https://api.example.com/v1/users", "", "GET_api.example.com_443_v1_users"},
		{"GET", "https://API.Example.COM:443/v1/users", "", "GET_api.example.com_443_v1_users"},
		{"GET", "http://[fe80::1%25en0]:8080/", "", ""}, // checked below against eth0
	} {
		req, err := http.NewRequest(tc.method, tc.url, strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		got := naming.Name(req, []byte(tc.body), naming.Default())
		if tc.want != "" && got != tc.want {
			t.Errorf("Name(%s %s) = %q, want %q", tc.method, tc.url, got, tc.want)
		}
	}
	a, _ := http.NewRequest("GET", "http://[fe80::1%25en0]:8080/x", nil)
	b, _ := http.NewRequest("GET", "http://[fe80::1%25eth0]:8080/x", nil)
	if na, nb := naming.Name(a, nil, naming.Rules{}), naming.Name(b, nil, naming.Rules{}); na != nb {
		t.Errorf("Name of one link-local address with zones en0 and eth0: %q, %q; want one name", na, nb)
	}
	// The upper-case Lyon gets a ~u hash; the README's example shows it.
	up, _ := http.NewRequest("GET", "https://api.example.com/v2/forecast?city=Lyon&days=3", nil)
	if got := naming.Name(up, nil, naming.Default()); got != "GET_api.example.com_443_v2_forecast__city=lyon,days=3~uc42cb088" {
		t.Errorf("Name(GET /v2/forecast?city=Lyon&days=3) = %q, want README's GET_api.example.com_443_v2_forecast__city=lyon,days=3~uc42cb088", got)
	}
	// The POST example: a ~b hash of the body.
	post, _ := http.NewRequest("POST", "https://api.example.com/v2/alerts", strings.NewReader(`{"a":1}`))
	if got := naming.Name(post, []byte(`{"a":1}`), naming.Default()); !regexp.MustCompile(`^POST_api.example.com_443_v2_alerts~b[0-9a-f]{8}$`).MatchString(got) {
		t.Errorf("Name(POST /v2/alerts {\"a\":1}) = %q, want POST_api.example.com_443_v2_alerts~bXXXXXXXX", got)
	}
	// WithoutHost leaves the rest as it is.
	if got := naming.WithoutHost("GET_api.example.com_443_v1_users"); strings.Contains(got, "example") {
		t.Errorf("WithoutHost = %q, still names the host", got)
	}
}

// TestAcceptNamingRules: Rules.Headers, IgnoreQuery, Bodies and Routes as
// README's example documents them.
func TestAcceptNamingRules(t *testing.T) {
	rules := naming.Rules{
		Headers:     []string{"X-Tenant"},
		IgnoreQuery: []string{"_", "cachebuster"},
		Bodies: map[string]naming.BodyRule{
			"application/json":                  naming.JSONBody,
			"application/x-www-form-urlencoded": naming.FormBody,
			"multipart/*":                       naming.MultipartBody,
		},
	}.Route("POST /v1/search", naming.Rules{Bodies: map[string]naming.BodyRule{"": naming.IgnoreBody}})
	if err := rules.Validate(); err != nil {
		t.Fatalf("Validate of README's rules: %v", err)
	}
	name := func(method, u string, h http.Header, body string) string {
		req, err := http.NewRequest(method, u, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range h {
			req.Header[k] = v
		}
		return naming.Name(req, []byte(body), rules)
	}
	base := "https://api.example.com/v1/items"

	// Headers: significant, in any case; absent adds nothing.
	plain := name("GET", base, nil, "")
	t1 := name("GET", base, http.Header{"X-Tenant": {"acme"}}, "")
	t1lower := name("GET", base, http.Header{"x-tenant": {"acme"}}, "")
	t2 := name("GET", base, http.Header{"X-Tenant": {"globex"}}, "")
	if plain != "GET_api.example.com_443_v1_items" {
		t.Errorf("Name without the significant header = %q, want no ~h", plain)
	}
	if !strings.HasPrefix(t1, plain+"~h") || t1 == t2 {
		t.Errorf("X-Tenant acme/globex: %q, %q; want ~h hashes that differ", t1, t2)
	}
	if t1lower != t1 {
		t.Errorf("x-tenant spelt in lower case: %q, want %q", t1lower, t1)
	}
	if got := name("GET", base, http.Header{"User-Agent": {"x/1"}, "Date": {"now"}, "X-Request-Id": {"9"}}, ""); got != plain {
		t.Errorf("volatile headers change the name: %q", got)
	}
	if got := name("GET", base, http.Header{"Range": {"bytes=0-9"}}, ""); !strings.HasPrefix(got, plain+"~h") {
		t.Errorf("Range is not part of the name: %q", got)
	}
	if got := name("GET", base, http.Header{"Proxy-Authorization": {"Basic x"}, "X-Tenant": {"acme"}}, ""); got != t1 {
		t.Errorf("a hop-by-hop header changes the name: %q, want %q", got, t1)
	}
	// IgnoreQuery.
	if got, want := name("GET", base+"?page=2&_=12345&cachebuster=abc", nil, ""), name("GET", base+"?page=2", nil, ""); got != want || !strings.HasSuffix(got, "__page=2") {
		t.Errorf("ignored query parameters: %q, want %q", got, want)
	}
	if got := name("GET", base+"?_=1&cachebuster=2", nil, ""); got != plain {
		t.Errorf("only ignored parameters: %q, want %q", got, plain)
	}
	// Bodies: JSON key order and whitespace ignored; not for another value.
	jh := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	j1 := name("POST", base, jh, `{"a":1,"b":[1,2]}`)
	j2 := name("POST", base, jh, "{ \"b\" : [1, 2],\n \"a\": 1 }")
	j3 := name("POST", base, jh, `{"a":2,"b":[1,2]}`)
	if j1 != j2 || j1 == j3 || !strings.Contains(j1, "~b") {
		t.Errorf("JSON bodies: %q, %q, %q; want the first two equal, the third apart", j1, j2, j3)
	}
	if exact1, exact2 := naming.Name(mustReq(t, "POST", base, jh), []byte(`{"a":1,"b":[1,2]}`), naming.Default()), naming.Name(mustReq(t, "POST", base, jh), []byte(`{"b":[1,2],"a":1}`), naming.Default()); exact1 == exact2 {
		t.Errorf("default rules: JSON bodies in another key order share %q", exact1)
	}
	// Form bodies compared as sorted pairs.
	fh := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	if f1, f2, f3 := name("POST", base, fh, "a=1&b=2"), name("POST", base, fh, "b=2&a=1"), name("POST", base, fh, "a=1&b=3"); f1 != f2 || f1 == f3 {
		t.Errorf("form bodies: %q, %q, %q", f1, f2, f3)
	}
	// Multipart: any boundary.
	mp := func(boundary, value string) (http.Header, string) {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		w.SetBoundary(boundary)
		w.WriteField("field", value)
		w.Close()
		return http.Header{"Content-Type": {w.FormDataContentType()}}, buf.String()
	}
	h1, b1 := mp("boundary111", "v")
	h2, b2 := mp("boundary222", "v")
	h3, b3 := mp("boundary333", "w")
	if m1, m2, m3 := name("POST", base, h1, b1), name("POST", base, h2, b2), name("POST", base, h3, b3); m1 != m2 || m1 == m3 {
		t.Errorf("multipart bodies: %q, %q, %q; want any boundary alike, another value apart", m1, m2, m3)
	}
	// Route: POST /v1/search ignores its body; other paths do not.
	s1 := name("POST", "https://api.example.com/v1/search", jh, `{"q":"a"}`)
	s2 := name("POST", "https://api.example.com/v1/search", jh, `{"q":"b"}`)
	if s1 != s2 || s1 != "POST_api.example.com_443_v1_search" {
		t.Errorf("route POST /v1/search with IgnoreBody: %q, %q; want POST_api.example.com_443_v1_search", s1, s2)
	}
	// A route's rules are used whole: X-Tenant is not significant there.
	if got := name("POST", "https://api.example.com/v1/search", http.Header{"X-Tenant": {"acme"}}, "x"); got != s1 {
		t.Errorf("route rules not used whole: %q, want %q", got, s1)
	}
	// Validate refuses what the docs say it refuses.
	for _, bad := range []naming.Rules{
		{Headers: []string{"Host"}},
		{Bodies: map[string]naming.BodyRule{"Application/JSON": naming.JSONBody}},
		{Bodies: map[string]naming.BodyRule{"": naming.JSONBody, "*/*": naming.ExactBody}},
		naming.Rules{}.Route("POST v1 search", naming.Rules{}),
	} {
		if err := bad.Validate(); err == nil {
			t.Errorf("Validate(%+v) = nil, want an error", bad)
		}
	}
}

func mustReq(t *testing.T, method, u string, h http.Header) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	return req
}

// TestAcceptNamingSafeFileNames: names are safe as file names everywhere,
// at most 184 bytes, valid library names, and distinct for distinct
// requests that differ in method, host, port, path, query or case.
func TestAcceptNamingSafeFileNames(t *testing.T) {
	safe := regexp.MustCompile(`^[A-Za-z0-9.\-_=,~%+]+$`)
	urls := []string{
		"https://api.example.com/a",
		"https://api.example.com/A",
		"https://api.example.com/a/",
		"https://api.example.com/a//b",
		"https://api.example.com/a_b",
		"https://api.example.com/a-b",
		"https://api.example.com/a,b",
		"https://api.example.com/a%2Fb",
		"https://api.example.com/a/b",
		"https://api.example.com/a?x=1",
		"https://api.example.com/a?x=1&x=2",
		"https://api.example.com/a?x=2&x=1",
		"https://api.example.com/a?x",
		"https://api.example.com/a?x=",
		"https://api.example.com/a?q=new+york",
		"https://api.example.com/a?q=new%20york",
		"https://api.example.com:8443/a",
		"http://api.example.com/a",
		"https://api.example.org/a",
		"https://bücher.example/a",
		"http://[::1]:8080/a",
		"https://" + strings.Repeat("h", 60) + ".example/a",
		"https://api.example.com/" + strings.Repeat("x", 300),
		"https://api.example.com/" + strings.Repeat("x", 300) + "y",
		"https://api.example.com/a.",
		"https://api.example.com/con",
		"https://api.example.com/aux.txt",
		"https://api.example.com/%E6%BC%A2",
		"https://api.example.com/a?b=<script>",
		"https://api.example.com/..%2F..%2Fetc",
	}
	seen := map[string]string{}
	for _, method := range []string{"GET", "get", "POST", "M-SEARCH"} {
		for _, u := range urls {
			req, err := http.NewRequest(method, u, nil)
			if err != nil {
				t.Fatal(err)
			}
			n := naming.Name(req, nil, naming.Default())
			key := method + " " + u
			if !safe.MatchString(n) || len(n) > 184 || !library.ValidName(n) || strings.HasSuffix(n, ".") {
				t.Errorf("Name(%s) = %q (%d bytes): not safe as a file name", key, n, len(n))
			}
			if other, ok := seen[n]; ok {
				t.Errorf("Name(%s) = Name(%s) = %q", key, other, n)
			}
			seen[n] = key
			if again := naming.Name(req, nil, naming.Default()); again != n {
				t.Errorf("Name(%s) not deterministic: %q, %q", key, n, again)
			}
		}
	}
}

// acceptBin builds cmd/cassette once per test.
func acceptBin(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "cassette")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	out, err := exec.Command("go", "build", "-o", bin, "github.com/cassette-go/cassette/cmd/cassette").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// run runs the binary and returns stdout, stderr and the exit status.
func run(t *testing.T, bin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "CASSETTE_MODE=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("cassette %q: %v", args, err)
		}
		code = ee.ExitCode()
	}
	return stdout.String(), stderr.String(), code
}

// TestAcceptCommandLine: the library tools of README "Command line", as
// a user runs them.
func TestAcceptCommandLine(t *testing.T) {
	bin := acceptBin(t)
	root := t.TempDir()
	src := filepath.Join(root, "api")
	saveSample(t, src)
	samples := sampleCassettes()

	t.Run("usage errors exit 2", func(t *testing.T) {
		for _, args := range [][]string{
			{},
			{"no-such-command"},
			{"ls"},
			{"ls", src, "extra"},
			{"show", src},
			{"convert", src},
			{"convert", "-format", "xml", src, filepath.Join(root, "x")},
			{"import", "-from", "vcrpy", "a.yaml", filepath.Join(root, "y")},
			{"export", "-to", "pdf", src, filepath.Join(root, "z.har")},
			{"prune", src},
			{"ls", "-no-such-flag", src},
			{"drift", src},
		} {
			_, stderr, code := run(t, bin, args...)
			if code != 2 {
				t.Errorf("cassette %q: exit %d, want 2 (stderr %q)", args, code, stderr)
			}
			if strings.TrimSpace(stderr) == "" {
				t.Errorf("cassette %q: says nothing on stderr", args)
			}
		}
		if _, stderr, code := run(t, bin, "ls", filepath.Join(root, "missing")); code == 0 {
			t.Errorf("ls of a missing library: exit 0 (stderr %q)", stderr)
		}
		// A bad library is an error naming the file and line, status 1.
		bad := filepath.Join(root, "bad.json")
		os.WriteFile(bad, []byte("{\n  \"version\": 1,\n  \"cassettes\": [,]\n}\n"), 0o644)
		later := filepath.Join(root, "later.yaml")
		os.WriteFile(later, []byte("version: 2\ncassettes: []\n"), 0o644)
		for _, cmd := range []string{"ls", "audit", "export"} {
			for _, p := range []string{bad, later} {
				args := []string{cmd, p}
				if cmd == "export" {
					args = []string{"export", "-to", "har", p, "-"}
				}
				_, stderr, code := run(t, bin, args...)
				if code != 1 || !strings.Contains(stderr, filepath.Base(p)) {
					t.Errorf("cassette %s of %s: exit %d, want 1 naming the file: %q", cmd, filepath.Base(p), code, stderr)
				}
				if p == bad && !strings.Contains(stderr, "bad.json:3") && !strings.Contains(stderr, "line 3") {
					t.Errorf("cassette %s of bad.json: %q does not name line 3", cmd, stderr)
				}
			}
		}
	})

	t.Run("ls and show", func(t *testing.T) {
		out, stderr, code := run(t, bin, "ls", src)
		if code != 0 {
			t.Fatalf("ls: exit %d: %s", code, stderr)
		}
		for _, c := range samples {
			if !strings.Contains(out, c.Name) {
				t.Errorf("ls does not list %s:\n%s", c.Name, out)
			}
		}
		if !strings.Contains(out, "204") || !strings.Contains(out, "DELETE") {
			t.Errorf("ls does not show the last exchange of the jobs cassette (DELETE, 204):\n%s", out)
		}
		out, stderr, code = run(t, bin, "show", src, "GET_api.example.com_443_v1_users")
		if code != 0 {
			t.Fatalf("show: exit %d: %s", code, stderr)
		}
		for _, want := range []string{"GET", "https://api.example.com/v1/users", "200", "a=1", "c=3", "ann"} {
			if !strings.Contains(out, want) {
				t.Errorf("show does not print %q:\n%s", want, out)
			}
		}
		out, _, code = run(t, bin, "show", "-raw", src, "POST_api.example.com_443_v1_upload~b1a2b3c4d")
		if code != 0 || !strings.Contains(out, string(samples[1].Exchanges[0].Response.Body)) {
			t.Errorf("show -raw: exit %d, the binary body not written as stored:\n%q", code, out)
		}
		if _, _, code := run(t, bin, "show", src, "GET_nope"); code == 0 {
			t.Errorf("show of a missing cassette: exit 0")
		}
	})

	t.Run("convert round trip", func(t *testing.T) {
		dir := t.TempDir()
		steps := []string{"a.yaml", "b", "c.json", "d.yml", "e"}
		prev := src
		for i, s := range steps {
			dst := filepath.Join(dir, s)
			args := []string{"convert"}
			if i == 1 {
				args = append(args, "-format", "yaml")
			}
			args = append(args, prev, dst)
			if _, stderr, code := run(t, bin, args...); code != 0 {
				t.Fatalf("convert %s %s: exit %d: %s", prev, s, code, stderr)
			}
			sameLibrary(t, dst, samples)
			prev = dst
		}
		if got := listFiles(t, filepath.Join(dir, "b")); len(got) != 3 || !strings.HasSuffix(got[0], ".yaml") {
			t.Errorf("convert -format yaml to a directory wrote %q", got)
		}
		// A non-empty DST is not overwritten without -force.
		before, _ := os.ReadFile(filepath.Join(dir, "c.json"))
		if _, _, code := run(t, bin, "convert", filepath.Join(dir, "a.yaml"), filepath.Join(dir, "c.json")); code == 0 {
			t.Errorf("convert over a non-empty DST without -force: exit 0")
		}
		if after, _ := os.ReadFile(filepath.Join(dir, "c.json")); !bytes.Equal(before, after) {
			t.Errorf("convert without -force changed DST")
		}
		if _, stderr, code := run(t, bin, "convert", "-force", filepath.Join(dir, "a.yaml"), filepath.Join(dir, "c.json")); code != 0 {
			t.Errorf("convert -force: exit %d: %s", code, stderr)
		}
		sameLibrary(t, filepath.Join(dir, "c.json"), samples)
		for _, f := range listFiles(t, dir) {
			if strings.Contains(f, ".tmp") || strings.Contains(f, ".cassette-") {
				t.Errorf("convert left %s", f)
			}
		}
	})

	t.Run("prune", func(t *testing.T) {
		lib := filepath.Join(t.TempDir(), "api")
		saveSample(t, lib)
		unused := filepath.Join(t.TempDir(), "unused.log")
		os.WriteFile(unused, []byte("GET_api.example.com_443_v1_jobs_7.json\nGET_not_in_library.json\n"), 0o644)
		out, stderr, code := run(t, bin, "prune", "-unused", unused, lib)
		if code != 0 {
			t.Fatalf("prune (dry run): exit %d: %s", code, stderr)
		}
		if !strings.Contains(out+stderr, "GET_api.example.com_443_v1_jobs_7") {
			t.Errorf("prune dry run does not say what it would remove:\n%s%s", out, stderr)
		}
		sameLibrary(t, lib, samples)
		out, stderr, code = run(t, bin, "prune", "-unused", unused, "-force", lib)
		if code != 0 {
			t.Fatalf("prune -force: exit %d: %s%s", code, out, stderr)
		}
		if !strings.Contains(out+stderr, "GET_not_in_library") {
			t.Errorf("prune does not warn of an entry not in the library:\n%s%s", out, stderr)
		}
		sameLibrary(t, lib, samples[:2])
	})

	t.Run("prune a file library and orphan body files", func(t *testing.T) {
		dir := t.TempDir()
		lib := filepath.Join(dir, "api.json")
		saveSample(t, lib)
		bodies := filepath.Join(dir, "api.json.bodies")
		os.MkdirAll(bodies, 0o755)
		orphan := filepath.Join(bodies, "0123456789abcdef0123456789abcdef.bin")
		os.WriteFile(orphan, []byte("nobody refers to me"), 0o644)
		byHand := filepath.Join(bodies, "mine.bin")
		os.WriteFile(byHand, []byte("placed by hand"), 0o644)
		unused := filepath.Join(dir, "unused.log")
		os.WriteFile(unused, []byte("GET_api.example.com_443_v1_users\n"), 0o644)
		out, stderr, code := run(t, bin, "prune", "-unused", unused, lib)
		if code != 0 || !strings.Contains(out+stderr, "0123456789abcdef0123456789abcdef.bin") {
			t.Errorf("prune dry run: exit %d, does not list the orphan body file:\n%s%s", code, out, stderr)
		}
		if _, err := os.Stat(orphan); err != nil {
			t.Errorf("prune without -force removed the orphan body file")
		}
		if _, stderr, code := run(t, bin, "prune", "-force", "-unused", unused, lib); code != 0 {
			t.Fatalf("prune -force: exit %d: %s", code, stderr)
		}
		sameLibrary(t, lib, sampleCassettes()[1:])
		if _, err := os.Stat(orphan); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("prune -force kept the orphan body file: %v", err)
		}
		if _, err := os.Stat(byHand); err != nil {
			t.Errorf("prune -force removed a file placed by hand: %v", err)
		}
	})

	t.Run("import HAR, export, import again", func(t *testing.T) {
		har, err := filepath.Abs("../testdata/chromium-sample.har")
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		first := filepath.Join(dir, "first")
		out, stderr, code := run(t, bin, "import", "-from", "har", har, first)
		if code != 0 {
			t.Fatalf("import -from har: exit %d: %s%s", code, out, stderr)
		}
		lib, _ := library.Open(first)
		names, err := lib.Names()
		if err != nil || len(names) != 6 {
			t.Fatalf("import of 6 HAR entries gave %q, %v", names, err)
		}
		want := map[string]bool{
			"GET_127.0.0.1_40099":            true,
			"GET_127.0.0.1_40099_v2_cities":  true,
			"GET_127.0.0.1_40099_v2_map.png": true,
		}
		for n := range want {
			if !slices.Contains(names, n) {
				t.Errorf("import: no cassette %s in %q", n, names)
			}
		}
		byPrefix := func(p string) library.Cassette {
			for _, n := range names {
				if strings.HasPrefix(n, p) {
					c, _, err := lib.Get(n)
					if err != nil {
						t.Fatal(err)
					}
					return c
				}
			}
			t.Fatalf("no cassette %s* in %q", p, names)
			return library.Cassette{}
		}
		png := byPrefix("GET_127.0.0.1_40099_v2_map.png").Exchanges[0].Response
		wantPNG, _ := base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNg+M/A8B8ABQACAaX3pLkAAAAASUVORK5CYII=")
		if !bytes.Equal(png.Body, wantPNG) {
			t.Errorf("map.png body %q, want the decoded base64 of the HAR", png.Body)
		}
		bulletin := byPrefix("GET_127.0.0.1_40099_v2_bulletin").Exchanges[0].Response
		if !strings.HasPrefix(string(bulletin.Body), "all the news") || bulletin.Header.Get("Content-Encoding") != "" {
			t.Errorf("bulletin: Content-Encoding %q, body %.20q; want decoded text without Content-Encoding", bulletin.Header.Get("Content-Encoding"), bulletin.Body)
		}
		if cl := bulletin.Header.Get("Content-Length"); cl != "" && cl != fmt.Sprint(len(bulletin.Body)) {
			t.Errorf("bulletin: Content-Length %s for a body of %d bytes", cl, len(bulletin.Body))
		}
		if !strings.HasPrefix(byPrefix("GET_127.0.0.1_40099_v2_forecast__city=lyon,days=3~u").Exchanges[0].Request.URL, "http://127.0.0.1:40099/v2/forecast?city=Lyon") {
			t.Errorf("forecast: request URL not kept")
		}
		alerts := byPrefix("POST_127.0.0.1_40099_v2_alerts~b")
		if string(alerts.Exchanges[0].Request.Body) != `{"item":2,"qty":3}` || alerts.Exchanges[0].Response.StatusCode != 201 {
			t.Errorf("alerts: request body %q, status %d", alerts.Exchanges[0].Request.Body, alerts.Exchanges[0].Response.StatusCode)
		}

		exported := filepath.Join(dir, "api.har")
		if _, stderr, code := run(t, bin, "export", "-to", "har", first, exported); code != 0 {
			t.Fatalf("export -to har: exit %d: %s", code, stderr)
		}
		var doc struct {
			Log struct {
				Version string
				Entries []struct {
					Request struct{ Method, URL string }
				}
			}
		}
		raw, _ := os.ReadFile(exported)
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("export wrote no JSON: %v", err)
		}
		if doc.Log.Version != "1.2" || len(doc.Log.Entries) != 6 {
			t.Errorf("exported HAR: version %q, %d entries; want 1.2 and 6", doc.Log.Version, len(doc.Log.Entries))
		}
		if _, _, code := run(t, bin, "export", "-to", "har", first, exported); code == 0 {
			t.Errorf("export over an existing DST without -force: exit 0")
		}
		out, _, code = run(t, bin, "export", "-to", "har", first, "-")
		if code != 0 || !json.Valid([]byte(out)) {
			t.Errorf("export to stdout: exit %d, valid JSON %v", code, json.Valid([]byte(out)))
		}
		second := filepath.Join(dir, "second.yaml")
		if _, stderr, code := run(t, bin, "import", "-from", "har", exported, second); code != 0 {
			t.Fatalf("import of the exported HAR: exit %d: %s", code, stderr)
		}
		var want1 []library.Cassette
		for _, n := range names {
			c, _, _ := lib.Get(n)
			c.Exchanges = slices.Clone(c.Exchanges)
			for i := range c.Exchanges {
				c.Exchanges[i].RecordedAt = c.Exchanges[i].RecordedAt.UTC()
			}
			want1 = append(want1, c)
		}
		sameLibrary(t, second, want1)
	})

	t.Run("export then import is lossless", func(t *testing.T) {
		// README: "Export then import gives back the same cassettes, byte
		// for byte": trailers, chunks, latencies, binary bodies and all.
		dir := t.TempDir()
		smp := sampleCassettes()
		smp[2].Exchanges = smp[2].Exchanges[:2] // the DELETE would name another cassette
		req, _ := http.NewRequest("POST", "https://api.example.com/v1/upload", nil)
		smp[1].Name = naming.Name(req, smp[1].Exchanges[0].Request.Body, naming.Default())
		src := filepath.Join(dir, "src.yaml")
		sl, _ := library.Open(src)
		for _, c := range smp {
			if err := sl.Put(c); err != nil {
				t.Fatal(err)
			}
		}
		if err := sl.Save(); err != nil {
			t.Fatal(err)
		}
		har := filepath.Join(dir, "x.har")
		if _, stderr, code := run(t, bin, "export", "-to", "har", src, har); code != 0 {
			t.Fatalf("export: exit %d: %s", code, stderr)
		}
		dst := filepath.Join(dir, "dst")
		if _, stderr, code := run(t, bin, "import", "-no-redact", "-from", "har", har, dst); code != 0 {
			t.Fatalf("import -no-redact: exit %d: %s", code, stderr)
		}
		sameLibrary(t, dst, smp)
	})

	t.Run("import go-vcr", func(t *testing.T) {
		dir := t.TempDir()
		vcr := filepath.Join(dir, "fixture.yaml")
		os.WriteFile(vcr, []byte(`---
version: 2
interactions:
    - id: 0
      request:
        proto: HTTP/1.1
        proto_major: 1
        proto_minor: 1
        content_length: 0
        host: api.example.com
        body: ""
        form: {}
        headers:
            Authorization:
                - Bearer sk-live-secret-123456
        url: https://api.example.com/v1/users?page=2
        method: GET
      response:
        proto: HTTP/1.1
        proto_major: 1
        proto_minor: 1
        content_length: 13
        body: "{\"users\":[]}\n"
        headers:
            Content-Type:
                - application/json
            Set-Cookie:
                - a=1
                - b=2
        status: 200 OK
        code: 200
        duration: 15ms
    - id: 1
      request:
        body: ""
        url: https://api.example.com/v1/users?page=2
        method: GET
      response:
        body: second
        status: 404 Not Found
        code: 404
        duration: 1ms
`), 0o644)
		dst := filepath.Join(dir, "api")
		if out, stderr, code := run(t, bin, "import", "-from", "go-vcr", vcr, dst); code != 0 {
			t.Fatalf("import -from go-vcr: exit %d: %s%s", code, out, stderr)
		}
		lib, _ := library.Open(dst)
		c, ok, err := lib.Get("GET_api.example.com_443_v1_users__page=2")
		if !ok || err != nil {
			names, _ := lib.Names()
			t.Fatalf("Get = %v, %v; names %q", ok, err, names)
		}
		if len(c.Exchanges) != 2 || c.Exchanges[0].Response.StatusCode != 200 || c.Exchanges[1].Response.StatusCode != 404 {
			t.Fatalf("imported %d exchanges, want 200 then 404: %+v", len(c.Exchanges), c.Exchanges)
		}
		e := c.Exchanges[0]
		if got := e.Request.Header.Get("Authorization"); strings.Contains(got, "sk-live") {
			t.Errorf("imported Authorization %q not redacted", got)
		}
		// Cookies are redacted as the recorder redacts them, every value kept in order.
		if !slices.Equal(e.Response.Header["Set-Cookie"], []string{"a=REDACTED", "b=REDACTED"}) || e.Latency != 15*time.Millisecond {
			t.Errorf("Set-Cookie %q, latency %v; want a=REDACTED, b=REDACTED and 15ms", e.Response.Header["Set-Cookie"], e.Latency)
		}
		if string(e.Response.Body) != "{\"users\":[]}\n" {
			t.Errorf("body %q", e.Response.Body)
		}
		// vcrpy cassettes are refused, saying so.
		py := filepath.Join(dir, "vcrpy.yaml")
		os.WriteFile(py, []byte("interactions:\n- request:\n    body: null\n    headers: {}\n    method: GET\n    uri: https://api.example.com/\n  response:\n    body: {string: hi}\n    headers: {}\n    status: {code: 200, message: OK}\nversion: 1\n"), 0o644)
		_, stderr, code := run(t, bin, "import", "-from", "go-vcr", py, filepath.Join(dir, "py"))
		if code == 0 || !strings.Contains(strings.ToLower(stderr), "vcrpy") {
			t.Errorf("import of a vcrpy cassette: exit %d, %q; want a failure naming vcrpy", code, stderr)
		}
	})

	t.Run("audit", func(t *testing.T) {
		dir := t.TempDir()
		clean := filepath.Join(dir, "clean")
		cl, _ := library.Open(clean)
		for _, c := range sampleCassettes() {
			for i := range c.Exchanges {
				c.Exchanges[i].Response.Header.Del("Set-Cookie") // a cookie set is a finding
			}
			cl.Put(c)
		}
		if err := cl.Save(); err != nil {
			t.Fatal(err)
		}
		if out, stderr, code := run(t, bin, "audit", clean); code != 0 {
			t.Errorf("audit of a clean library: exit %d: %s%s", code, out, stderr)
		}
		for _, plant := range []struct {
			why string
			ex  library.Exchange
		}{
			{"header", library.Exchange{Request: library.Request{Method: "GET", URL: "https://api.github.com/user",
				Header: http.Header{"Authorization": {"token ghp_0123456789abcdefghijABCDEFGHIJ012345"}}},
				Response: library.Response{StatusCode: 200}}},
			{"body", library.Exchange{Request: library.Request{Method: "GET", URL: "https://api.example.com/keys"},
				Response: library.Response{StatusCode: 200, Body: []byte(`{"aws": "AKIAIOSFODNN7EXAMPLE", "key": "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD"}`)}}},
			{"query", library.Exchange{Request: library.Request{Method: "GET", URL: "https://api.example.com/x?access_token=abcdef1234567890"},
				Response: library.Response{StatusCode: 200}}},
		} {
			path := filepath.Join(dir, plant.why+".yaml")
			lib, _ := library.Open(path)
			if err := lib.Append("GET_planted", plant.ex); err != nil {
				t.Fatal(err)
			}
			lib.Save()
			out, stderr, code := run(t, bin, "audit", path)
			if code != 1 {
				t.Errorf("audit of a secret in the %s: exit %d, want 1: %s%s", plant.why, code, out, stderr)
			}
			if !strings.Contains(out+stderr, "GET_planted") {
				t.Errorf("audit of a secret in the %s does not name the cassette:\n%s%s", plant.why, out, stderr)
			}
			for _, secret := range []string{"ghp_0123456789abcdefghijABCDEFGHIJ012345", "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD", "abcdef1234567890"} {
				if strings.Contains(out+stderr, secret) {
					t.Errorf("audit prints the secret %s unmasked", secret)
				}
			}
			// Several paths: the clean one and the planted one.
			if _, _, code := run(t, bin, "audit", clean, path); code != 1 {
				t.Errorf("audit CLEAN PLANTED: exit %d, want 1", code)
			}
		}
	})

	t.Run("drift", func(t *testing.T) {
		var body atomic.Pointer[string]
		body.Store(ptr(`{"users": ["ann", "bob"], "updated_at": "x"}`))
		api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/v1/users" {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(*body.Load()))
		}))
		defer api.Close()
		lib := filepath.Join(t.TempDir(), "drift.json")
		l, _ := library.Open(lib)
		l.Append("GET_api.example.com_443_v1_users", library.Exchange{
			Request: library.Request{Method: "GET", URL: "https://api.example.com/v1/users"},
			Response: library.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
				Body: []byte(`{"updated_at": "y", "users": ["ann", "bob"]}`)}})
		if err := l.Save(); err != nil {
			t.Fatal(err)
		}
		if out, stderr, code := run(t, bin, "drift", "-upstream", api.URL, "-ignore-fields", "updated_at", lib); code != 0 {
			t.Errorf("drift with nothing changed but an ignored field: exit %d: %s%s", code, out, stderr)
		}
		if out, stderr, code := run(t, bin, "drift", "-upstream", api.URL, lib); code != 1 {
			t.Errorf("drift with updated_at changed and not ignored: exit %d, want 1: %s%s", code, out, stderr)
		}
		body.Store(ptr(`{"users": ["ann"], "updated_at": "x"}`))
		out, stderr, code := run(t, bin, "drift", "-upstream", api.URL, "-ignore-fields", "updated_at", lib)
		if code != 1 || !strings.Contains(out+stderr, "GET_api.example.com_443_v1_users") {
			t.Errorf("drift of a changed body: exit %d, want 1 naming the cassette: %s%s", code, out, stderr)
		}
	})
}

func ptr(s string) *string { return &s }
