package library

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// writeBody writes content as a body file of l and returns its path.
func writeBody(t testing.TB, l *Library, content []byte) string {
	t.Helper()
	w, err := l.NewBody()
	if err != nil {
		t.Fatalf("NewBody: %v", err)
	}
	// In pieces, as a recorder writes.
	for chunk := range slicesChunk(content, 1000) {
		if _, err := w.Write(chunk); err != nil {
			t.Fatalf("Write: %v", err)
		}
	}
	if w.Size() != int64(len(content)) {
		t.Errorf("Size() = %d, want %d", w.Size(), len(content))
	}
	path, err := w.Commit()
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	return path
}

func slicesChunk(b []byte, n int) func(func([]byte) bool) {
	return func(yield func([]byte) bool) {
		for len(b) > 0 {
			k := min(n, len(b))
			if !yield(b[:k]) {
				return
			}
			b = b[k:]
		}
	}
}

// fileExchange returns an exchange whose response body is in the file
// path.
func fileExchange(path string) Exchange {
	return Exchange{
		Request:  Request{Method: "GET", URL: "https://api.example.com/big"},
		Response: Response{StatusCode: 200, BodyFile: path},
	}
}

// readBody reads the body of r through OpenBody, checking the size it
// returns.
func readBody(t *testing.T, r *Response) []byte {
	t.Helper()
	rc, size, err := r.OpenBody()
	if err != nil {
		t.Fatalf("OpenBody: %v", err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	if size != int64(len(b)) {
		t.Errorf("OpenBody size = %d, want %d", size, len(b))
	}
	return b
}

func TestBodyFileRoundTrip(t *testing.T) {
	forEachStore(t, func(t *testing.T, s store) {
		root := t.TempDir()
		l := s.open(t, root)
		content := append(bigBody(3000), 0xff, 0x00) // binary: stored raw, not base64
		path := writeBody(t, l, content)
		if !filepath.IsAbs(path) || filepath.Dir(path) != l.bodyFolder() {
			t.Errorf("Commit() = %s, want a file in %s", path, l.bodyFolder())
		}
		mustAppend(t, l, "GET_big", fileExchange(path), exchange(2))
		mustSave(t, l)

		// The cassette file refers to the body file, relative and with /.
		onDisk := readAll(t, s.path(root))
		if !s.dir {
			data, _ := os.ReadFile(s.path(root))
			onDisk = string(data)
		}
		rel, _ := filepath.Rel(l.baseDir(), path)
		if !strings.Contains(onDisk, "body_file") || !strings.Contains(onDisk, filepath.ToSlash(rel)) {
			t.Errorf("library file does not refer to %s:\n%s", filepath.ToSlash(rel), onDisk)
		}
		if strings.Contains(onDisk, "body_encoding") {
			t.Errorf("the body file's content went into the cassette file:\n%s", onDisk)
		}

		l2 := s.open(t, root)
		c, ok, err := l2.Get("GET_big")
		if err != nil || !ok {
			t.Fatalf("Get(GET_big) = _, %v, %v", ok, err)
		}
		r := &c.Exchanges[0].Response
		if r.BodyFile != path || r.Body != nil {
			t.Errorf("reopened: BodyFile = %q, Body %d bytes; want %q and none", r.BodyFile, len(r.Body), path)
		}
		if got := readBody(t, r); !bytes.Equal(got, content) {
			t.Errorf("body file holds %d bytes, want the %d written", len(got), len(content))
		}
		if got, err := r.ReadBody(); err != nil || !bytes.Equal(got, content) {
			t.Errorf("ReadBody = %d bytes, %v; want %d", len(got), err, len(content))
		}
		if got := readBody(t, &c.Exchanges[1].Response); string(got) != "answer 2\n" {
			t.Errorf("OpenBody of an inline body = %q", got)
		}
		if err := l2.Load(); err != nil {
			t.Errorf("Load with a body folder: %v", err)
		}
	})
}

// TestBodyFileSameContent: two bodies with the same content share one
// file, and committing twice is harmless.
func TestBodyFileSameContent(t *testing.T) {
	l := stores[2].open(t, t.TempDir())
	a := writeBody(t, l, []byte("same"))
	b := writeBody(t, l, []byte("same"))
	c := writeBody(t, l, []byte("other"))
	if a != b || a == c {
		t.Errorf("paths %s, %s, %s: want the first two equal, the third apart", a, b, c)
	}
	if got := listDir(t, l.bodyFolder()); len(got) != 2 {
		t.Errorf("body folder holds %q, want 2 files", got)
	}
}

func TestBodyFileAbort(t *testing.T) {
	l := stores[0].open(t, t.TempDir())
	w, err := l.NewBody()
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("partial"))
	w.Abort()
	if _, err := w.Commit(); err == nil {
		t.Error("Commit after Abort: no error")
	}
	if _, err := w.Write([]byte("more")); err == nil {
		t.Error("Write after Abort: no error")
	}
	if ents, err := os.ReadDir(l.bodyFolder()); err == nil && len(ents) != 0 {
		t.Errorf("Abort left %q", ents[0].Name())
	}
}

// A body file given up in a library that has no folder yet (its first
// recording, whose body write failed on a full disk) leaves no folder
// behind, for either kind of library: an empty directory library would
// be taken for one recorded (replayed in once mode, not recorded). A
// folder that was there stays.
func TestBodyFileAbortLeavesNoFolderItMade(t *testing.T) {
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			root := t.TempDir()
			l := s.open(t, root)
			w, err := l.NewBody()
			if err != nil {
				t.Fatal(err)
			}
			w.Write([]byte("partial"))
			w.Abort()
			if got := listDir(t, root); len(got) != 0 {
				t.Errorf("Abort left %q in %s", got, root)
			}

			// A folder of the user's stays, even empty.
			if err := os.MkdirAll(l.bodyFolder(), 0o755); err != nil {
				t.Fatal(err)
			}
			w, err = l.NewBody()
			if err != nil {
				t.Fatal(err)
			}
			w.Abort()
			if _, err := os.Stat(l.bodyFolder()); err != nil {
				t.Errorf("Abort removed the folder that was there: %v", err)
			}
		})
	}
}

// TestBodyFileTruncate: a body file cut to its first bytes, then written
// on, holds those bytes and what came after, and is named after them.
func TestBodyFileTruncate(t *testing.T) {
	l := stores[0].open(t, t.TempDir())
	w, err := l.NewBody()
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("hello, world"))
	if err := w.Truncate(100); err != nil || w.Size() != 12 {
		t.Fatalf("Truncate past the end = %v, size %d; want nothing done", err, w.Size())
	}
	if err := w.Truncate(5); err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("!"))
	path, err := w.Commit()
	if err != nil {
		t.Fatal(err)
	}
	if want := writeBody(t, l, []byte("hello!")); path != want {
		t.Errorf("truncated body file named %s, want %s, the name of its content", path, want)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "hello!" {
		t.Errorf("truncated body file holds %q, %v; want %q", got, err, "hello!")
	}
	if err := w.Truncate(1); err == nil {
		t.Error("Truncate after Commit: no error")
	}
}

// TestBodyWriterNotFromNewBody: a BodyWriter that NewBody did not make
// (a zero value, a nil pointer) fails each call with an error, as one
// after Commit does, rather than panic.
func TestBodyWriterNotFromNewBody(t *testing.T) {
	var zero BodyWriter
	for _, w := range []*BodyWriter{&zero, nil} {
		if n, err := w.Write([]byte("x")); n != 0 || err == nil || !strings.Contains(err.Error(), "Library.NewBody") {
			t.Errorf("%#v.Write = %d, %v; want 0 and an error pointing at Library.NewBody", w, n, err)
		}
		if p, err := w.Commit(); p != "" || err == nil || !strings.Contains(err.Error(), "Library.NewBody") {
			t.Errorf("%#v.Commit = %q, %v; want an error pointing at Library.NewBody", w, p, err)
		}
		if err := w.Truncate(0); err == nil || !strings.Contains(err.Error(), "Library.NewBody") {
			t.Errorf("%#v.Truncate = %v; want an error pointing at Library.NewBody", w, err)
		}
		w.Abort()
		if n := w.Size(); n != 0 {
			t.Errorf("%#v.Size() = %d, want 0", w, n)
		}
	}
}

// TestBodyFileCopiedBetweenLibraries: a cassette put into another library
// (convert, rerecord) takes its body file along, so that removing the
// first library loses nothing.
func TestBodyFileCopiedBetweenLibraries(t *testing.T) {
	for _, from := range stores {
		for _, to := range stores {
			t.Run(from.name+"->"+to.name, func(t *testing.T) {
				src := from.open(t, t.TempDir())
				content := bigBody(5000)
				mustAppend(t, src, "GET_big", fileExchange(writeBody(t, src, content)))
				mustSave(t, src)
				got, ok, err := from.open(t, filepath.Dir(filepath.Clean(src.Path()))).Get("GET_big")
				if err != nil || !ok {
					t.Fatalf("Get = %v, %v", ok, err)
				}

				dstRoot := t.TempDir()
				dst := to.open(t, dstRoot)
				if err := dst.Put(got); err != nil {
					t.Fatal(err)
				}
				mustSave(t, dst)
				// The copy serves at once, and after the source is gone.
				after, _, _ := dst.Get("GET_big")
				if p := after.Exchanges[0].Response.BodyFile; filepath.Dir(p) != dst.bodyFolder() {
					t.Errorf("after Save, BodyFile = %s, want a file in %s", p, dst.bodyFolder())
				}
				if err := os.RemoveAll(filepath.Dir(src.bodyFolder())); err != nil {
					t.Fatal(err)
				}
				again, ok, err := to.open(t, dstRoot).Get("GET_big")
				if err != nil || !ok {
					t.Fatalf("reopened Get = %v, %v", ok, err)
				}
				if b := readBody(t, &again.Exchanges[0].Response); !bytes.Equal(b, content) {
					t.Errorf("copied body: %d bytes, want %d", len(b), len(content))
				}
			})
		}
	}
}

// TestBodyFileSwept: Save removes body files no cassette refers to any
// more, and keeps the others.
func TestBodyFileSwept(t *testing.T) {
	forEachStore(t, func(t *testing.T, s store) {
		root := t.TempDir()
		l := s.open(t, root)
		keep := writeBody(t, l, []byte("kept"))
		gone := writeBody(t, l, []byte("deleted"))
		replaced := writeBody(t, l, []byte("replaced"))
		mustAppend(t, l, "GET_keep", fileExchange(keep))
		mustAppend(t, l, "GET_gone", fileExchange(gone))
		mustAppend(t, l, "GET_replaced", fileExchange(replaced))
		mustSave(t, l)

		// A library that did not commit the files (a later test run).
		l2 := s.open(t, root)
		if err := l2.Load(); err != nil {
			t.Fatal(err)
		}
		if err := l2.Delete("GET_gone"); err != nil {
			t.Fatal(err)
		}
		if err := l2.Put(Cassette{Name: "GET_replaced", Exchanges: []Exchange{exchange(1)}}); err != nil {
			t.Fatal(err)
		}
		mustSave(t, l2)
		for path, want := range map[string]bool{keep: true, gone: false, replaced: false} {
			if _, err := os.Stat(path); (err == nil) != want {
				t.Errorf("after Save, %s exists: %v, want %v", filepath.Base(path), err == nil, want)
			}
		}

		// Clear, then put back one cassette: the other body files go.
		l3 := s.open(t, root)
		c, _, _ := l3.Get("GET_keep")
		l3.Clear()
		other := writeBody(t, l3, []byte("new"))
		mustAppend(t, l3, "GET_new", fileExchange(other))
		mustSave(t, l3)
		if _, err := os.Stat(keep); err == nil {
			t.Errorf("after Clear and Save, %s still exists", filepath.Base(keep))
		}
		l3.Put(c)
		mustSave(t, l3)
		if _, err := os.Stat(other); err != nil {
			t.Errorf("a body file committed and stored was removed: %v", err)
		}
	})
}

// TestBodyFileLeftWhenUnknown: a directory library does not sweep when it
// has not read every cassette: another cassette may share the file.
func TestBodyFileLeftWhenUnknown(t *testing.T) {
	root := t.TempDir()
	l := stores[2].open(t, root)
	shared := writeBody(t, l, []byte("shared"))
	mustAppend(t, l, "GET_a", fileExchange(shared))
	mustAppend(t, l, "GET_b", fileExchange(shared))
	mustSave(t, l)

	l2 := stores[2].open(t, root)
	if _, _, err := l2.Get("GET_a"); err != nil {
		t.Fatal(err)
	}
	l2.Delete("GET_a")
	mustSave(t, l2)
	c, ok, err := stores[2].open(t, root).Get("GET_b")
	if err != nil || !ok {
		t.Fatalf("Get(GET_b) = %v, %v", ok, err)
	}
	if b := readBody(t, &c.Exchanges[0].Response); string(b) != "shared" {
		t.Errorf("GET_b's body = %q, want %q", b, "shared")
	}
}

func TestBodyFileInvalid(t *testing.T) {
	cases := []struct {
		why, response, want string
	}{
		{"a path out of the folder would read any file", `"body_file": "../secret"`, `body_file "../secret": want a relative path`},
		{"an absolute path would not move with the library", `"body_file": "/etc/passwd"`, `want a relative path`},
		{"Windows separators are not portable", `"body_file": "bodies\\x.bin"`, `want a relative path with /`},
		{"two bodies: which one?", `"body": "x", "body_file": "bodies/x.bin"`, `both body and body_file`},
	}
	for _, tc := range cases {
		t.Run(tc.why, func(t *testing.T) {
			root := t.TempDir()
			writeFile(t, filepath.Join(root, "lib", "GET_x.json"),
				`{"version": 1, "exchanges": [{"request": {"method": "GET", "url": "http://x/"}, "response": {"status": 200, `+tc.response+`}}]}`)
			l, _ := Open(filepath.Join(root, "lib"))
			_, _, err := l.Get("GET_x")
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "GET_x.json") {
				t.Errorf("Get = %v, want an error naming GET_x.json and saying %q", err, tc.want)
			}
		})
	}
}

// TestBodyFileHandWritten: a cassette may point at any file in its
// folder; a missing one is an error when the body is opened.
func TestBodyFileHandWritten(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "fixtures", "report.pdf"), "%PDF-1.7 ...")
	writeFile(t, filepath.Join(root, "lib.yaml"), `version: 1
cassettes:
  - name: GET_report
    exchanges:
      - request: {method: GET, url: "http://x/report"}
        response: {status: 200, body_file: fixtures/report.pdf}
  - name: GET_missing
    exchanges:
      - request: {method: GET, url: "http://x/missing"}
        response: {status: 200, body_file: fixtures/missing.bin}
`)
	l, _ := Open(filepath.Join(root, "lib.yaml"))
	c, _, err := l.Get("GET_report")
	if err != nil {
		t.Fatal(err)
	}
	if b := readBody(t, &c.Exchanges[0].Response); string(b) != "%PDF-1.7 ..." {
		t.Errorf("body = %q", b)
	}
	m, _, _ := l.Get("GET_missing")
	if _, _, err := m.Exchanges[0].Response.OpenBody(); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("OpenBody of a missing file = %v, want fs.ErrNotExist", err)
	}
	// Saved again, the references stay as written.
	mustAppend(t, l, "GET_report", exchange(1))
	mustSave(t, l)
	data, _ := os.ReadFile(filepath.Join(root, "lib.yaml"))
	if !strings.Contains(string(data), "body_file: fixtures/report.pdf") {
		t.Errorf("saved file lost the reference:\n%s", data)
	}
	if _, err := os.Stat(filepath.Join(root, "fixtures", "report.pdf")); err != nil {
		t.Errorf("a hand-placed body file was removed: %v", err)
	}
}

func TestUnusedBodies(t *testing.T) {
	forEachStore(t, func(t *testing.T, s store) {
		root := t.TempDir()
		l := s.open(t, root)
		if got, err := l.UnusedBodies(); err != nil || got != nil {
			t.Errorf("UnusedBodies of an empty library = %q, %v; want none", got, err)
		}
		used := writeBody(t, l, []byte("used"))
		mustAppend(t, l, "GET_a", fileExchange(used))
		mustSave(t, l)
		// Left behind: by a crash between the body file and the cassette.
		orphan := filepath.Join(filepath.Dir(used), strings.Repeat("ab", 16)+".bin")
		writeFile(t, orphan, "orphan")
		writeFile(t, filepath.Join(filepath.Dir(used), "notes.txt"), "not a body file of ours")

		got, err := s.open(t, root).UnusedBodies()
		if err != nil || len(got) != 1 || got[0] != orphan {
			t.Errorf("UnusedBodies = %q, %v; want [%s]", got, err, orphan)
		}
	})
}

// TestBodyFileLibrariesSideBySide: two file libraries in one folder (a
// conversion from JSON to YAML) keep their body files apart, so that
// clearing one loses nothing of the other.
func TestBodyFileLibrariesSideBySide(t *testing.T) {
	root := t.TempDir()
	src := stores[0].open(t, root) // lib.json
	mustAppend(t, src, "GET_big", fileExchange(writeBody(t, src, []byte("converted"))))
	mustSave(t, src)
	c, _, err := stores[0].open(t, root).Get("GET_big")
	if err != nil {
		t.Fatal(err)
	}
	dst := stores[1].open(t, root) // lib.yaml, beside it
	if err := dst.Put(c); err != nil {
		t.Fatal(err)
	}
	mustSave(t, dst)
	if src.bodyFolder() == dst.bodyFolder() {
		t.Fatalf("lib.json and lib.yaml share the body folder %s", src.bodyFolder())
	}

	src.Clear()
	mustSave(t, src) // sweeps lib.json's body folder
	got, _, err := stores[1].open(t, root).Get("GET_big")
	if err != nil {
		t.Fatal(err)
	}
	if b, err := got.Exchanges[0].Response.ReadBody(); err != nil || string(b) != "converted" {
		t.Errorf("lib.yaml's body after lib.json was cleared = %q, %v; want %q", b, err, "converted")
	}
}

func TestLeftovers(t *testing.T) {
	forEachStore(t, func(t *testing.T, s store) {
		root := t.TempDir()
		l := s.open(t, root)
		mustAppend(t, l, "GET_a", fileExchange(writeBody(t, l, []byte("kept"))))
		mustSave(t, l)
		old := time.Now().Add(-2 * time.Hour)
		var want []string
		for _, dir := range []string{l.baseDir(), l.bodyFolder()} {
			stale := filepath.Join(dir, ".cassette-123.tmp")
			writeFile(t, stale, "half a save")
			if err := os.Chtimes(stale, old, old); err != nil {
				t.Fatal(err)
			}
			want = append(want, stale)
			// One being written now, by a save still running.
			writeFile(t, filepath.Join(dir, ".cassette-456.tmp"), "a save going on")
		}
		got, err := l.Leftovers(time.Hour)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("Leftovers(1h) = %q, %v; want %q", got, err, want)
		}
	})
}

// A file library reached through a symbolic link keeps its body files
// beside the file the link names: it reads the same through the link and
// through the file itself, and saving keeps the link.
func TestBodyFilesOfALinkedFileLibrary(t *testing.T) {
	root := t.TempDir()
	real := filepath.Join(root, "shared", "real.json")
	os.MkdirAll(filepath.Dir(real), 0o755)
	link := filepath.Join(root, "lib.json")
	lib, err := Open(real)
	if err != nil {
		t.Fatal(err)
	}
	mustAppend(t, lib, "GET_a", exchange(1))
	mustSave(t, lib)
	if err := os.Symlink(real, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	l, err := Open(link)
	if err != nil {
		t.Fatal(err)
	}
	content := bigBody(3000)
	mustAppend(t, l, "GET_big", fileExchange(writeBody(t, l, content)))
	mustSave(t, l)
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("saving replaced the link: %v, %v", fi.Mode(), err)
	}
	for _, path := range []string{link, real} {
		l2, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		c, ok, err := l2.Get("GET_big")
		if err != nil || !ok {
			t.Fatalf("%s: Get(GET_big) = _, %v, %v", path, ok, err)
		}
		if got, err := c.Exchanges[0].Response.ReadBody(); err != nil || !bytes.Equal(got, content) {
			t.Errorf("%s: ReadBody = %d bytes, %v; want %d", path, len(got), err, len(content))
		}
	}
}

// TestBodyFileLinkedOutOfTheFolder: a body file is opened inside the
// folder of its cassette file, symbolic links included, so that a cassette
// from a pull request cannot have a file from elsewhere served, shown or
// copied into a library; a relative link to a file inside the folder
// works.
func TestBodyFileLinkedOutOfTheFolder(t *testing.T) {
	const secret = "outside the library"
	cases := []struct {
		why  string
		link func(t *testing.T, base, outside string) // makes base/bodies/data.bin lead where it should
		out  bool                                     // it leads out of base
	}{
		{"an absolute link to a file outside would serve it", func(t *testing.T, base, outside string) {
			symlink(t, filepath.Join(outside, "secret.txt"), filepath.Join(base, "bodies", "data.bin"))
		}, true},
		{"a relative link up and out would serve it", func(t *testing.T, base, outside string) {
			rel, _ := filepath.Rel(filepath.Join(base, "bodies"), filepath.Join(outside, "secret.txt"))
			symlink(t, rel, filepath.Join(base, "bodies", "data.bin"))
		}, true},
		{"a linked folder outside would serve its files", func(t *testing.T, base, outside string) {
			writeFile(t, filepath.Join(outside, "data.bin"), secret)
			symlink(t, outside, filepath.Join(base, "bodies"))
		}, true},
		{"a relative link to a file inside is followed", func(t *testing.T, base, outside string) {
			writeFile(t, filepath.Join(base, "bodies", "real.bin"), "inside")
			symlink(t, "real.bin", filepath.Join(base, "bodies", "data.bin"))
		}, false},
	}
	for _, s := range []store{stores[0], stores[2]} {
		for _, tc := range cases {
			t.Run(s.name+"/"+tc.why, func(t *testing.T) {
				root := t.TempDir()
				outside := t.TempDir()
				writeFile(t, filepath.Join(outside, "secret.txt"), secret)
				base, file := root, filepath.Join(root, "lib.json")
				cassette := `{"version": 1, "cassettes": [{"name": "GET_x", "exchanges": [EX]}]}`
				if s.dir {
					base = filepath.Join(root, "lib")
					file = filepath.Join(base, "GET_x.json")
					cassette = `{"version": 1, "exchanges": [EX]}`
				}
				writeFile(t, file, strings.Replace(cassette, "EX",
					`{"request": {"method": "GET", "url": "http://x/"}, "response": {"status": 200, "body_file": "bodies/data.bin"}}`, 1))
				if tc.why != "a linked folder outside would serve its files" {
					os.MkdirAll(filepath.Join(base, "bodies"), 0o755)
				}
				tc.link(t, base, outside)

				l := s.open(t, root)
				c, ok, err := l.Get("GET_x")
				if err != nil || !ok {
					t.Fatalf("Get(GET_x) = _, %v, %v", ok, err)
				}
				r := &c.Exchanges[0].Response
				if !tc.out {
					if b := readBody(t, r); string(b) != "inside" {
						t.Errorf("OpenBody read %q, want %q", b, "inside")
					}
					return
				}
				rc, _, err := r.OpenBody()
				if err == nil {
					b, _ := io.ReadAll(rc)
					rc.Close()
					t.Fatalf("OpenBody read %q, want an error", b)
				}
				t.Logf("OpenBody: %v", err)
				if msg := err.Error(); !strings.Contains(msg, r.BodyFile) || !strings.Contains(msg, "leads out of "+base) {
					t.Errorf("OpenBody = %v, want an error naming %s and saying it leads out of %s", err, r.BodyFile, base)
				}
				if b, err := r.ReadBody(); err == nil || !strings.Contains(err.Error(), "leads out of") {
					t.Errorf("ReadBody = %q, %v; want an error saying it leads out of the folder", b, err)
				}
				// Copied into another library, the file is not read either.
				other, err := Open(filepath.Join(t.TempDir(), "other"))
				if err != nil {
					t.Fatal(err)
				}
				err = other.Put(c)
				if err == nil {
					err = other.Save()
				}
				if err == nil || !strings.Contains(err.Error(), "leads out of") {
					t.Errorf("Put and Save into another library = %v, want an error saying the body file leads out of the folder", err)
				}
				if tree := readAll(t, filepath.Dir(other.Path())); strings.Contains(tree, secret) {
					t.Errorf("the other library holds the file from outside:\n%s", tree)
				}
			})
		}
	}
}

// symlink makes a symbolic link, or skips the test where there are none.
func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
}

// TestAddingAnUnreadableBodyFileFails: Append and Put refuse an exchange
// whose body file a Save could not read, saying which and why, rather
// than take it and fail every Save after.
func TestAddingAnUnreadableBodyFileFails(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "moved.bin")
	cases := []struct {
		why, bodyFile, want string
	}{
		{"a missing file cannot be copied into the library", missing, missing + ": no such file or directory"},
		{"a relative path depends on the working directory", "rel.bin", `body file "rel.bin" is not an absolute path`},
		{"a folder is not a body", t.TempDir(), "not a regular file"},
	}
	forEachStore(t, func(t *testing.T, s store) {
		for _, tc := range cases {
			l := s.open(t, t.TempDir())
			err := l.Append("GET_bad", fileExchange(tc.bodyFile))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), `append to cassette "GET_bad": exchange 1`) {
				t.Errorf("%s: Append = %v, want an error naming GET_bad, exchange 1 and saying %q", tc.why, err, tc.want)
			}
			err = l.Put(Cassette{Name: "GET_bad", Exchanges: []Exchange{exchange(1), fileExchange(tc.bodyFile)}})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), `cassette "GET_bad": exchange 2`) {
				t.Errorf("%s: Put = %v, want an error naming GET_bad, exchange 2 and saying %q", tc.why, err, tc.want)
			}
			mustAppend(t, l, "GET_good", exchange(1))
			mustSave(t, l)
			wantCassettes(t, s.open(t, filepath.Dir(filepath.Clean(l.Path()))), map[string][]Exchange{"GET_good": {exchange(1)}})
		}
	})
}

// TestSaveSavesEveryCassetteItCan: a cassette that cannot be saved (the
// body file to copy into the library was removed after it was added)
// does not keep the others from disk; the error names it, once each, and
// it stays as the disk had it, its body file included, until it is fixed
// or deleted.
func TestSaveSavesEveryCassetteItCan(t *testing.T) {
	forEachStore(t, func(t *testing.T, s store) {
		root := t.TempDir()
		l0 := s.open(t, root)
		mustAppend(t, l0, "GET_a", exchange(1))
		old := writeBody(t, l0, []byte("old body"))
		mustAppend(t, l0, "GET_old", fileExchange(old))
		mustSave(t, l0)
		l := s.open(t, root) // one that did not write old: it may remove it
		if err := l.Load(); err != nil {
			t.Fatal(err)
		}

		// Two cassettes whose body files, in another library, go away
		// between Append and Save: one new, one replacing GET_old.
		src := stores[2].open(t, t.TempDir())
		gone1, gone2 := writeBody(t, src, []byte("gone 1")), writeBody(t, src, []byte("gone 2"))
		mustAppend(t, l, "GET_new", fileExchange(gone1))
		if err := l.Put(Cassette{Name: "GET_old", Exchanges: []Exchange{fileExchange(gone2)}}); err != nil {
			t.Fatal(err)
		}
		mustAppend(t, l, "GET_b", exchange(2))
		if err := os.RemoveAll(src.Path()); err != nil {
			t.Fatal(err)
		}

		for i, b := range [][]Exchange{{exchange(2)}, {exchange(2), exchange(3)}} {
			if i > 0 {
				mustAppend(t, l, "GET_b", exchange(3)) // changes go on being saved
			}
			err := l.Save()
			if err == nil {
				t.Fatalf("Save #%d = nil, want an error for GET_new and GET_old", i+1)
			}
			msg := err.Error()
			t.Logf("Save #%d: %v", i+1, err)
			for _, want := range []string{`cassette "GET_new" not saved`, gone1, `cassette "GET_old" not saved`, gone2, "fix or delete it"} {
				if !strings.Contains(msg, want) {
					t.Errorf("Save #%d = %v, want it to say %q", i+1, err, want)
				}
			}
			if n := strings.Count(msg, root); n > 2 {
				t.Errorf("Save #%d = %v: names the library %d times", i+1, err, n)
			}
			// On disk: the others, and GET_old as it was.
			got := s.open(t, root)
			wantCassettes(t, got, map[string][]Exchange{"GET_a": {exchange(1)}, "GET_b": b}, "GET_old")
			if c, _, err := got.Get("GET_old"); err != nil {
				t.Errorf("Get(GET_old) = %v", err)
			} else if b, err := c.Exchanges[0].Response.ReadBody(); err != nil || string(b) != "old body" {
				t.Errorf("GET_old on disk: body %q, %v; want %q", b, err, "old body")
			}
		}

		// Deleted, they no longer fail a Save, and the body file of the
		// old GET_old goes.
		for _, name := range []string{"GET_new", "GET_old"} {
			if err := l.Delete(name); err != nil {
				t.Fatal(err)
			}
		}
		mustSave(t, l)
		wantCassettes(t, s.open(t, root), map[string][]Exchange{"GET_a": {exchange(1)}, "GET_b": {exchange(2), exchange(3)}})
		if _, err := os.Stat(old); err == nil {
			t.Errorf("the body file of the deleted GET_old is still there")
		}
	})
}

// Leftovers lists the folders a rerecord left beside a directory library,
// never the library's own folder, whatever its name: a library opened
// where a rerecord cut short left its new folder (to look at what it
// holds) is no leftover of itself, which `cassette prune -force` would
// remove.
func TestLeftoversNeverListsTheLibraryItself(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, ".cassette-rerecord-abc")
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	mustAppend(t, l, "GET_a", exchange(1))
	mustSave(t, l)
	other := filepath.Join(root, ".cassette-rerecord-def")
	if err := os.Mkdir(other, 0o755); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * time.Hour)
	for _, p := range []string{path, other} {
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	got, err := l.Leftovers(time.Hour)
	if want := []string{other}; err != nil || !slices.Equal(got, want) {
		t.Errorf("Leftovers(1h) of the library %s = %q, %v; want %q", path, got, err, want)
	}
}
