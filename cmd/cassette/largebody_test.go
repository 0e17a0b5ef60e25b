package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cassette-go/cassette/internal/spill"
	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
	"github.com/google/go-cmp/cmp"
)

// largeBody is a response body of 9 MiB, past spill.Size: the recorder
// stores it in a body file.
var largeBody = []byte(strings.Repeat("id,name,total\n", 9<<20/14+1)[:9<<20])

// writeLargeBodyLibrary writes a directory library as the recorder leaves
// it, with a large response body in a body file and a small one in its
// cassette, and returns its path.
func writeLargeBodyLibrary(t *testing.T) string {
	t.Helper()
	if len(largeBody) <= spill.Size {
		t.Fatalf("largeBody is %d bytes, not past spill.Size (%d)", len(largeBody), spill.Size)
	}
	dir := filepath.Join(t.TempDir(), "src")
	lib, err := library.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	large := exchange("GET", "http://127.0.0.1:40001/export", "", 200, "text/csv", nil, fixedNow)
	large.Response.BodyFile = commitBody(t, lib, string(largeBody))
	small := exchange("GET", "http://127.0.0.1:40001/small", "", 200, "text/plain", []byte("small"), fixedNow)
	for _, ex := range []library.Exchange{large, small} {
		if err := lib.Append(nameOf(ex), ex); err != nil {
			t.Fatal(err)
		}
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// checkLargeBody checks that the library at path holds the cassettes of
// want (a library written by writeLargeBodyLibrary, or its cassettes), the
// large body in a body file of its own body folder, byte for byte, as the
// recorder would have stored it, and that it replays.
func checkLargeBody(t *testing.T, path string, want []library.Cassette) {
	t.Helper()
	got := loadAll(t, path)
	folder := filepath.Join(path, "bodies")
	cassetteFile := filepath.Join(path, "GET_127.0.0.1_40001_export.json")
	if filepath.Ext(path) != "" {
		folder, cassetteFile = path+".bodies", path
	}
	for _, c := range got {
		for _, ex := range c.Exchanges {
			r := ex.Response
			if !strings.HasSuffix(ex.Request.URL, "/export") {
				if r.BodyFile != "" {
					t.Errorf("%s: the small body is in a body file %s, want it in the cassette", c.Name, r.BodyFile)
				}
				continue
			}
			if r.BodyFile == "" {
				t.Errorf("%s: the body of %d bytes is in the cassette, want it in a body file (as recorded)", c.Name, len(r.Body))
				continue
			}
			if filepath.Dir(r.BodyFile) != folder {
				t.Errorf("%s: body file %s, want one in %s", c.Name, r.BodyFile, folder)
			}
			if b, err := r.ReadBody(); err != nil || !bytes.Equal(b, largeBody) {
				t.Errorf("%s: body file holds %d bytes (%v), want the %d bytes of the body", c.Name, len(b), err, len(largeBody))
			}
		}
	}
	if fi, err := os.Stat(cassetteFile); err != nil || fi.Size() > 1<<20 {
		t.Errorf("cassette file %s: %v, %d bytes; want it small, the body apart", cassetteFile, err, fi.Size())
	}
	// As recorded: the same cassettes, the same body file names (after
	// their content), in this library's folder.
	base := func(cs []library.Cassette) []library.Cassette {
		out := make([]library.Cassette, len(cs))
		for i, c := range cs {
			out[i] = library.Cassette{Name: c.Name, Exchanges: append([]library.Exchange(nil), c.Exchanges...)}
			for j := range c.Exchanges {
				if f := c.Exchanges[j].Response.BodyFile; f != "" {
					out[i].Exchanges[j].Response.BodyFile = filepath.Base(f)
				}
			}
		}
		return out
	}
	if diff := cmp.Diff(base(want), base(got)); diff != "" {
		t.Errorf("%s differs from the library recorded (-recorded +got):\n%s", path, diff)
	}

	t.Setenv("CASSETTE_MODE", "")
	srv := replayserver.New(t, path)
	resp, err := srv.Client().Get(srv.URL + "/export")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || !bytes.Equal(body, largeBody) {
		t.Errorf("replayed GET /export = %d, %d bytes, %v; want 200 and the %d bytes recorded", resp.StatusCode, len(body), err, len(largeBody))
	}
}

// TestImportStoresLargeBodiesInBodyFiles: a library exported to HAR and
// imported again, into a new directory library, into one holding
// cassettes and into a single-file library, has its body past spill.Size
// in a body file, as the recorder stored it, not in the cassette (which
// every load would then read whole); and so has a go-vcr cassette's.
// Before, import put it inline. convert keeps body files too.
func TestImportStoresLargeBodiesInBodyFiles(t *testing.T) {
	src := writeLargeBodyLibrary(t)
	recorded := loadAll(t, src)
	har := filepath.Join(t.TempDir(), "api.har")
	if code, _, stderr := runSync(t, "export", "-to", "har", src, har); code != exitOK {
		t.Fatalf("export = %d, stderr %q", code, stderr)
	}

	t.Run("new directory library", func(t *testing.T) {
		dst := filepath.Join(t.TempDir(), "api")
		if code, _, stderr := runSync(t, "import", "-from", "har", har, dst); code != exitOK {
			t.Fatalf("import = %d, stderr %q", code, stderr)
		}
		checkLargeBody(t, dst, recorded)
	})
	t.Run("directory library holding cassettes", func(t *testing.T) {
		dst := filepath.Join(t.TempDir(), "api")
		other := exchange("GET", "http://127.0.0.1:40001/other", "", 200, "text/plain", []byte("other"), fixedNow)
		writeExchanges(t, dst, other)
		want := append(loadAll(t, dst), recorded...)
		if code, _, stderr := runSync(t, "import", "-from", "har", har, dst); code != exitOK {
			t.Fatalf("import = %d, stderr %q", code, stderr)
		}
		slices.SortFunc(want, func(a, b library.Cassette) int { return strings.Compare(a.Name, b.Name) })
		checkLargeBody(t, dst, want)
	})
	t.Run("single-file library", func(t *testing.T) {
		dst := filepath.Join(t.TempDir(), "api.yaml")
		if code, _, stderr := runSync(t, "import", "-from", "har", har, dst); code != exitOK {
			t.Fatalf("import = %d, stderr %q", code, stderr)
		}
		checkLargeBody(t, dst, recorded)
	})
	t.Run("go-vcr", func(t *testing.T) {
		vcr := filepath.Join(t.TempDir(), "fixture.yaml")
		doc := fmt.Sprintf(`version: 2
interactions:
  - request:
      url: http://127.0.0.1:40001/export
      method: GET
      headers: {Accept: ["*/*"]}
    response:
      body: %q
      headers: {Content-Type: [text/csv]}
      code: 200
      duration: 12.5ms
  - request:
      url: http://127.0.0.1:40001/small
      method: GET
      headers: {Accept: ["*/*"]}
    response:
      body: small
      headers: {Content-Type: [text/plain]}
      code: 200
      duration: 12.5ms
`, largeBody)
		if err := os.WriteFile(vcr, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(t.TempDir(), "api")
		if code, _, stderr := runSync(t, "import", "-from", "go-vcr", vcr, dst); code != exitOK {
			t.Fatalf("import = %d, stderr %q", code, stderr)
		}
		want := loadAll(t, src)
		for i := range want {
			want[i].Exchanges[0].RecordedAt = time.Time{} // go-vcr records no time
		}
		checkLargeBody(t, dst, want)
	})
	t.Run("convert", func(t *testing.T) {
		tmp := t.TempDir()
		file, dir := filepath.Join(tmp, "api.json"), filepath.Join(tmp, "back")
		for _, c := range [][2]string{{src, file}, {file, dir}} {
			if code, _, stderr := runSync(t, "convert", c[0], c[1]); code != exitOK {
				t.Fatalf("convert %s %s = %d, stderr %q", c[0], c[1], code, stderr)
			}
			checkLargeBody(t, c[1], recorded)
		}
	})
}

// TestImportThatFailsLeavesNoBodyFile: an import into a library holding
// cassettes that stops at a cassette the library refuses (its name
// differs only in case from one it holds) leaves behind no body file that
// no cassette names: neither that cassette's nor those of the cassettes
// put before it, which are not saved.
func TestImportThatFailsLeavesNoBodyFile(t *testing.T) {
	src := writeLargeBodyLibrary(t)
	har := filepath.Join(t.TempDir(), "api.har")
	if code, _, stderr := runSync(t, "export", "-to", "har", src, har); code != exitOK {
		t.Fatalf("export = %d, stderr %q", code, stderr)
	}
	// The cassette of the large body comes first, then the small one's.
	for _, twin := range []string{"get_127.0.0.1_40001_export", "get_127.0.0.1_40001_small"} {
		t.Run(twin, func(t *testing.T) {
			dst := filepath.Join(t.TempDir(), "api")
			lib, err := library.Open(dst)
			if err != nil {
				t.Fatal(err)
			}
			ex := exchange("GET", "http://127.0.0.1:40001/twin", "", 200, "text/plain", []byte("twin"), fixedNow)
			if err := lib.Append(twin, ex); err != nil {
				t.Fatal(err)
			}
			if err := lib.Save(); err != nil {
				t.Fatal(err)
			}
			code, _, stderr := runSync(t, "import", "-from", "har", har, dst)
			if code != exitError || !strings.Contains(stderr, "differs only in case") {
				t.Fatalf("import into a library holding %s = %d, stderr %q; want 1, saying why", twin, code, stderr)
			}
			left, _ := filepath.Glob(filepath.Join(dst, "bodies", "*"))
			if len(left) > 0 {
				t.Errorf("after a failed import, %s holds %q, which no cassette names", dst, left)
			}
			if got := len(loadAll(t, dst)); got != 1 {
				t.Errorf("after a failed import, %s holds %d cassettes, want the 1 it held", dst, got)
			}
		})
	}
}

// TestConvertMovesLargeInlineBodiesToBodyFiles: a response body over
// spill.Size held in its cassette (a library imported before import
// stored such bodies in body files, or written by hand) is moved by
// convert to a body file of DST, as the recorder stores it, to a
// directory and to a single-file library alike, and replays the same
// bytes. Before, convert kept it inline. A streamed body of that size,
// whose chunks a body file would lose, stays in its cassette with them.
func TestConvertMovesLargeInlineBodiesToBodyFiles(t *testing.T) {
	recorded := loadAll(t, writeLargeBodyLibrary(t))
	inline := filepath.Join(t.TempDir(), "inline")
	lib, err := library.Open(inline)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range recorded {
		c.Exchanges = slices.Clone(c.Exchanges)
		for i := range c.Exchanges {
			if r := &c.Exchanges[i].Response; r.BodyFile != "" {
				r.Body, r.BodyFile = largeBody, ""
			}
		}
		if err := lib.Put(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	if bodies, _ := filepath.Glob(filepath.Join(inline, "bodies", "*")); len(bodies) > 0 {
		t.Fatalf("the library with the body inline holds body files %q", bodies)
	}
	for _, dst := range []string{filepath.Join(t.TempDir(), "api"), filepath.Join(t.TempDir(), "api.yaml")} {
		if code, _, stderr := runSync(t, "convert", inline, dst); code != exitOK {
			t.Fatalf("convert %s %s = %d, stderr %q", inline, dst, code, stderr)
		}
		checkLargeBody(t, dst, recorded)
	}

	t.Run("streamed", func(t *testing.T) {
		src := filepath.Join(t.TempDir(), "streamed.json")
		ex := exchange("GET", "http://127.0.0.1:40001/export", "", 200, "text/csv", largeBody, fixedNow)
		ex.Response.Chunks = []library.Chunk{{Size: 1 << 20, At: time.Millisecond}, {Size: len(largeBody) - 1<<20, At: 2 * time.Millisecond}}
		lib, err := library.Open(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := lib.Append(nameOf(ex), ex); err != nil {
			t.Fatal(err)
		}
		if err := lib.Save(); err != nil {
			t.Fatal(err)
		}
		want := loadAll(t, src)
		dst := filepath.Join(t.TempDir(), "api")
		if code, _, stderr := runSync(t, "convert", src, dst); code != exitOK {
			t.Fatalf("convert %s %s = %d, stderr %q", src, dst, code, stderr)
		}
		got := loadAll(t, dst)
		if len(got) != 1 || len(got[0].Exchanges) != 1 {
			t.Fatalf("%s holds %d cassettes, want the one of %s", dst, len(got), src)
		}
		r := got[0].Exchanges[0].Response
		if r.BodyFile != "" || !bytes.Equal(r.Body, largeBody) {
			t.Errorf("convert of a streamed body of %d bytes: body file %q, %d bytes in the cassette; want the body in the cassette, with its chunks", len(largeBody), r.BodyFile, len(r.Body))
		}
		// The rest as in SRC (cmp would compare the bodies byte by byte, slowly).
		got[0].Exchanges[0].Response.Body, want[0].Exchanges[0].Response.Body = nil, nil
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("convert of a streamed body of %d bytes: %s differs (-src +dst):\n%s", len(largeBody), dst, diff)
		}
	})
}
