package library

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// A store is one of the four kinds of library: the storage suite runs
// against each.
type store struct {
	name   string
	dir    bool
	format Format
}

var stores = []store{
	{"file/json", false, JSON},
	{"file/yaml", false, YAML},
	{"dir/json", true, JSON},
	{"dir/yaml", true, YAML},
}

// path returns where the library of kind s lives in the folder root.
func (s store) path(root string) string {
	if s.dir {
		return filepath.Join(root, "lib")
	}
	return filepath.Join(root, "lib."+string(s.format))
}

// open opens the library of kind s in root.
func (s store) open(t testing.TB, root string) *Library {
	t.Helper()
	var opts []Option
	if s.dir {
		opts = append(opts, WithFormat(s.format))
	}
	l, err := Open(s.path(root), opts...)
	if err != nil {
		t.Fatalf("Open(%s): %v", s.path(root), err)
	}
	return l
}

func forEachStore(t *testing.T, f func(t *testing.T, s store)) {
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) { f(t, s) })
	}
}

// normalize returns ex as it reads back: empty bodies and headers are nil,
// times are UTC.
func normalize(ex Exchange) Exchange {
	nb := func(b []byte) []byte {
		if len(b) == 0 {
			return nil
		}
		return b
	}
	nh := func(h http.Header) http.Header {
		if len(h) == 0 {
			return nil
		}
		out := make(http.Header, len(h))
		for k, vv := range h {
			if len(vv) == 0 {
				vv = nil
			}
			out[k] = vv
		}
		return out
	}
	ex.Request.Body = nb(ex.Request.Body)
	ex.Response.Body = nb(ex.Response.Body)
	ex.Request.Header = nh(ex.Request.Header)
	ex.Response.Header = nh(ex.Response.Header)
	ex.Response.Trailer = nh(ex.Response.Trailer)
	if !ex.RecordedAt.IsZero() {
		ex.RecordedAt = ex.RecordedAt.UTC().Round(0)
	}
	return ex
}

// diffExchanges describes how got differs from want, "" if it does not.
func diffExchanges(got, want []Exchange) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d exchanges, want %d", len(got), len(want))
	}
	for i := range got {
		g, w := normalize(got[i]), normalize(want[i])
		if !reflect.DeepEqual(g, w) {
			return fmt.Sprintf("exchange %d:\n got %s\nwant %s", i+1, short(g), short(w))
		}
	}
	return ""
}

// short formats ex with bodies cut, for failure messages.
func short(ex Exchange) string {
	cut := func(b []byte) []byte {
		if len(b) > 200 {
			return append(b[:200:200], "..."...)
		}
		return b
	}
	ex.Request.Body = cut(ex.Request.Body)
	ex.Response.Body = cut(ex.Response.Body)
	return fmt.Sprintf("%+v", ex)
}

func gzipped(s string) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(s))
	zw.Close()
	return buf.Bytes()
}

// bigBody returns n bytes of text in lines of varied length.
func bigBody(n int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, 0, n+100)
	for len(b) < n {
		line := r.IntN(120)
		for range line {
			b = append(b, byte('a'+r.IntN(26)))
		}
		b = append(b, '\n')
	}
	return b[:n]
}

var pngLike = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\xff\xfe")

func get(path string, body string) Request {
	return Request{Method: "GET", URL: "https://api.example.com" + path}
}

func ok(body []byte, kv ...string) Response {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return Response{StatusCode: 200, Header: h, Body: body}
}

// roundTrips are the cassettes the storage suite saves and reads back,
// each for a reason.
var roundTrips = []struct {
	why  string
	name string
	ex   []Exchange
}{
	{"JSON text with <, > and & stays text", "GET_json", []Exchange{{
		Request:  get("/json", ""),
		Response: ok([]byte(`{"html": "<b>a & b</b>", "n": 1}`+"\n"), "Content-Type", "application/json"),
	}}},
	{"a binary body that is not UTF-8 is base64", "GET_png", []Exchange{{
		Request:  get("/png", ""),
		Response: ok(pngLike, "Content-Type", "image/png"),
	}}},
	{"a gzip-compressed body is stored compressed", "GET_gzip", []Exchange{{
		Request:  get("/gz", ""),
		Response: ok(gzipped(strings.Repeat("hello, gzip\n", 50)), "Content-Encoding", "gzip"),
	}}},
	{"an empty body is omitted and reads back empty", "GET_empty", []Exchange{{
		Request:  Request{Method: "HEAD", URL: "https://api.example.com/empty", Body: []byte{}},
		Response: Response{StatusCode: 204, Body: []byte{}},
	}}},
	{"a 5 MB body", "GET_big", []Exchange{{
		Request:  get("/big", ""),
		Response: ok(bigBody(5<<20), "Content-Type", "text/plain"),
	}}},
	{"multi-valued headers keep every value in order", "GET_cookies", []Exchange{{
		Request:  Request{Method: "GET", URL: "https://api.example.com/c", Header: http.Header{"Accept": {"text/html", "application/json;q=0.9"}}},
		Response: ok(nil, "Set-Cookie", "z=3; Path=/", "Set-Cookie", "a=1; HttpOnly", "Set-Cookie", "m=2"),
	}}},
	{"trailers", "POST_trailers", []Exchange{{
		Request:  Request{Method: "POST", URL: "https://api.example.com/t", Body: []byte("payload")},
		Response: Response{StatusCode: 200, Header: http.Header{"Trailer": {"X-Checksum"}}, Body: []byte("data"), Trailer: http.Header{"X-Checksum": {"abc123"}, "X-Empty": {""}}},
	}}},
	{"several exchanges of one cassette keep their order", "GET_poll", []Exchange{
		{Request: get("/poll", ""), Response: Response{StatusCode: 202, Body: []byte("pending")}},
		{Request: get("/poll", ""), Response: Response{StatusCode: 202, Body: []byte("running")}},
		{Request: get("/poll", ""), Response: Response{StatusCode: 200, Body: []byte("done")}},
	}},
	{"latency and recorded_at", "GET_timed", []Exchange{{
		Request:    get("/timed", ""),
		Response:   ok([]byte("x")),
		Latency:    12500 * time.Microsecond,
		RecordedAt: time.Date(2024, 5, 1, 10, 0, 0, 123456789, time.FixedZone("CEST", 2*3600)),
	}}},
	{"text that YAML would read as something else", "POST_tricky", []Exchange{{
		Request: Request{Method: "POST", URL: "https://api.example.com/?a=1&b=#c", Body: []byte("true")},
		Response: Response{StatusCode: 299, Header: http.Header{
			"X-Num": {"123", "1e3", "0x1F", "null", "~", "yes", "-", ": x", "# c", "'q'", `"dq"`, " lead", "trail ", "\ttab", ""},
		}, Body: []byte("  leading spaces\r\nCRLF line\r\n\ttab\ntrailing space \n\n\n")},
	}}},
	{"a body of line breaks only", "GET_breaks", []Exchange{{
		Request:  Request{Method: "GET", URL: "u", Body: []byte("\n\n")},
		Response: Response{StatusCode: 500, Body: []byte("\n")},
	}}},
	{"a cassette with no exchanges", "GET_none", nil},
	{"a streamed body keeps how it arrived", "GET_events", []Exchange{{
		Request: get("/events", ""),
		Response: Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/event-stream"}},
			Body:   []byte("data: 1\n\ndata: 2\n\n"),
			Chunks: []Chunk{{Size: 9, At: 1500 * time.Microsecond}, {Size: 9, At: 2 * time.Second}}},
	}}},
}

func TestRoundTrip(t *testing.T) {
	forEachStore(t, func(t *testing.T, s store) {
		root := t.TempDir()
		l := s.open(t, root)
		for _, rt := range roundTrips {
			if err := l.Append(rt.name, rt.ex...); err != nil {
				t.Fatalf("Append(%s): %v", rt.name, err)
			}
		}
		if err := l.Save(); err != nil {
			t.Fatalf("Save: %v", err)
		}
		check := func(t *testing.T, l *Library) {
			for _, rt := range roundTrips {
				c, ok, err := l.Get(rt.name)
				if err != nil || !ok {
					t.Fatalf("Get(%s) = _, %v, %v; want found", rt.name, ok, err)
				}
				if c.Name != rt.name {
					t.Errorf("Get(%s).Name = %q", rt.name, c.Name)
				}
				if d := diffExchanges(c.Exchanges, rt.ex); d != "" {
					t.Errorf("%s: Get(%s): %s", rt.why, rt.name, d)
				}
			}
		}
		t.Run("same library", func(t *testing.T) { check(t, l) })
		t.Run("reopened", func(t *testing.T) {
			l := s.open(t, root)
			check(t, l)
			names, err := l.Names()
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, rt := range roundTrips {
				want = append(want, rt.name)
			}
			slices.Sort(want)
			if !slices.Equal(names, want) {
				t.Errorf("Names() = %q, want %q", names, want)
			}
		})
		t.Run("text stays readable", func(t *testing.T) {
			data := readAll(t, root)
			for _, want := range []string{`<b>a & b</b>`, "Set-Cookie", "z=3; Path=/", "12.5ms", "2024-05-01T08:00:00.123456789Z"} {
				if !strings.Contains(data, want) {
					t.Errorf("files do not contain %q", want)
				}
			}
			if strings.Contains(data, `\u003c`) {
				t.Errorf("files escape HTML")
			}
		})
	})
}

// readAll returns the content of every file under root.
func readAll(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := os.ReadFile(path)
			b.Write(data)
		}
		return nil
	})
	return b.String()
}

func exchange(i int) Exchange {
	return Exchange{
		Request:  Request{Method: "GET", URL: fmt.Sprintf("https://api.example.com/%d", i)},
		Response: Response{StatusCode: 200, Body: []byte(fmt.Sprintf("answer %d\n", i))},
	}
}

func TestAppendSaveReopen(t *testing.T) {
	forEachStore(t, func(t *testing.T, s store) {
		root := t.TempDir()
		l := s.open(t, root)
		mustAppend(t, l, "a", exchange(1))
		mustAppend(t, l, "b", exchange(2))
		mustSave(t, l)

		// A library never read must not lose what is on disk.
		l = s.open(t, root)
		mustAppend(t, l, "a", exchange(3))
		mustAppend(t, l, "c", exchange(4))
		mustSave(t, l)

		l = s.open(t, root)
		wantCassettes(t, l, map[string][]Exchange{
			"a": {exchange(1), exchange(3)},
			"b": {exchange(2)},
			"c": {exchange(4)},
		})
	})
}

func TestPut(t *testing.T) {
	forEachStore(t, func(t *testing.T, s store) {
		root := t.TempDir()
		l := s.open(t, root)
		mustAppend(t, l, "a", exchange(1), exchange(2))
		mustSave(t, l)
		l = s.open(t, root)
		if err := l.Put(Cassette{Name: "a", Exchanges: []Exchange{exchange(3)}}); err != nil {
			t.Fatal(err)
		}
		if err := l.Put(Cassette{Name: "b"}); err != nil {
			t.Fatal(err)
		}
		mustSave(t, l)
		wantCassettes(t, s.open(t, root), map[string][]Exchange{"a": {exchange(3)}, "b": nil})
	})
}

func TestDeleteSave(t *testing.T) {
	forEachStore(t, func(t *testing.T, s store) {
		root := t.TempDir()
		l := s.open(t, root)
		mustAppend(t, l, "a", exchange(1))
		mustAppend(t, l, "b", exchange(2))
		mustSave(t, l)

		l = s.open(t, root)
		if err := l.Delete("a"); err != nil {
			t.Fatal(err)
		}
		if err := l.Delete("missing"); err != nil {
			t.Errorf("Delete(missing) = %v, want nil", err)
		}
		if _, ok, _ := l.Get("a"); ok {
			t.Errorf("Get(a) after Delete: found")
		}
		mustSave(t, l)
		wantCassettes(t, s.open(t, root), map[string][]Exchange{"b": {exchange(2)}})
		if s.dir {
			if _, err := os.Stat(filepath.Join(s.path(root), "a."+string(s.format))); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("file of deleted cassette a: Stat = %v, want not exist", err)
			}
		}
	})
}

func TestClearSave(t *testing.T) {
	forEachStore(t, func(t *testing.T, s store) {
		root := t.TempDir()
		l := s.open(t, root)
		mustAppend(t, l, "a", exchange(1))
		mustAppend(t, l, "b", exchange(2))
		mustSave(t, l)

		l = s.open(t, root)
		l.Clear()
		if names, err := l.Names(); err != nil || len(names) != 0 {
			t.Errorf("Names() after Clear = %q, %v; want none", names, err)
		}
		mustAppend(t, l, "b", exchange(3))
		mustAppend(t, l, "c", exchange(4))
		mustSave(t, l)
		wantCassettes(t, s.open(t, root), map[string][]Exchange{"b": {exchange(3)}, "c": {exchange(4)}})
		if s.dir {
			files := listDir(t, s.path(root))
			want := []string{"b." + string(s.format), "c." + string(s.format)}
			if !slices.Equal(files, want) {
				t.Errorf("files after Clear and Save: %q, want %q", files, want)
			}
		}
	})
}

// TestClearInvalid shows that Clear replaces a library that cannot be
// read, as re-recording does.
func TestClearInvalid(t *testing.T) {
	forEachStore(t, func(t *testing.T, s store) {
		root := t.TempDir()
		path := s.path(root)
		if s.dir {
			writeFile(t, filepath.Join(path, "bad."+string(s.format)), "{")
		} else {
			writeFile(t, path, "{")
		}
		l := s.open(t, root)
		if err := l.Load(); err == nil {
			t.Fatalf("Load() = nil, want an error")
		}
		l.Clear()
		mustAppend(t, l, "a", exchange(1))
		mustSave(t, l)
		wantCassettes(t, s.open(t, root), map[string][]Exchange{"a": {exchange(1)}})
	})
}

func TestConcurrentAppend(t *testing.T) {
	forEachStore(t, func(t *testing.T, s store) {
		root := t.TempDir()
		l := s.open(t, root)
		mustAppend(t, l, "shared", exchange(-1))
		mustSave(t, l)

		l = s.open(t, root)
		const n = 32
		var wg sync.WaitGroup
		for g := range n {
			wg.Go(func() {
				for i := range 4 {
					if err := l.Append(fmt.Sprintf("g%02d", g), exchange(g*100+i)); err != nil {
						t.Error(err)
					}
					if err := l.Append("shared", exchange(g*100+i)); err != nil {
						t.Error(err)
					}
					if _, _, err := l.Get("shared"); err != nil {
						t.Error(err)
					}
					if _, err := l.Names(); err != nil {
						t.Error(err)
					}
					l.File("shared")
				}
			})
		}
		wg.Wait()
		mustSave(t, l)

		l = s.open(t, root)
		want := map[string][]Exchange{}
		for g := range n {
			for i := range 4 {
				want[fmt.Sprintf("g%02d", g)] = append(want[fmt.Sprintf("g%02d", g)], exchange(g*100+i))
			}
		}
		wantCassettes(t, l, want, "shared")
		c, _, err := l.Get("shared")
		if err != nil || len(c.Exchanges) != 1+n*4 {
			t.Fatalf("Get(shared) has %d exchanges, %v; want %d", len(c.Exchanges), err, 1+n*4)
		}
	})
}

func TestConcurrentGet(t *testing.T) {
	forEachStore(t, func(t *testing.T, s store) {
		root := t.TempDir()
		l := s.open(t, root)
		for i := range 50 {
			mustAppend(t, l, fmt.Sprintf("c%02d", i), exchange(i))
			mustAppend(t, l, fmt.Sprintf("d%02d", i), exchange(i))
		}
		mustSave(t, l)
		l = s.open(t, root)
		var wg sync.WaitGroup
		for g := range 16 {
			wg.Go(func() {
				for i := range 50 {
					name := fmt.Sprintf("c%02d", (i+g)%50)
					c, ok, err := l.Get(name)
					if err != nil || !ok || diffExchanges(c.Exchanges, []Exchange{exchange((i + g) % 50)}) != "" {
						t.Errorf("Get(%s) = %v, %v, %v", name, c, ok, err)
					}
					if g%4 == 0 && i == 25 {
						// Writers take turns with readers.
						l.Delete(fmt.Sprintf("d%02d", g))
						l.Append(fmt.Sprintf("e%02d", g), exchange(g))
					}
				}
			})
		}
		wg.Wait()
	})
}

// TestHandEdited loads files written by hand, in the ways a person may
// write them: comments, keys in another order, headers in another layout,
// unpadded base64, a time with an offset.
func TestHandEdited(t *testing.T) {
	jsonExchanges := `[
    {
      "response": {"body": "hi\n", "status": 200,
                   "headers": {"Content-Type": [
                      "text/plain"
                   ]}},
      "request": {"url": "https://example.com/a", "method": "GET"},
      "recorded_at": "2024-05-01T12:00:00+02:00",
      "latency": "1.5s"
    },
    {
      "request": {"method": "POST", "url": "https://example.com/b", "body_encoding": "base64", "body": "/w"},
      "response": {"status": 404}
    }
  ]`
	yamlExchanges := `
  # the first call
  - response:
      body: |
        hi
      status: 200
      headers:
        Content-Type:
          - text/plain
    request: {url: "https://example.com/a", method: GET}
    recorded_at: 2024-05-01T12:00:00+02:00
    latency: 1.5s
  - request:
      method: POST
      url: https://example.com/b
      body_encoding: base64
      body: /w
    response: {status: 404}
`
	want := []Exchange{
		{
			Request:    Request{Method: "GET", URL: "https://example.com/a"},
			Response:   Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte("hi\n")},
			Latency:    1500 * time.Millisecond,
			RecordedAt: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC),
		},
		{
			Request:  Request{Method: "POST", URL: "https://example.com/b", Body: []byte{0xff}},
			Response: Response{StatusCode: 404},
		},
	}
	files := map[string]string{
		"file/json": `{"cassettes": [{"exchanges": ` + jsonExchanges + `, "name": "x"}], "version": 1}`,
		"file/yaml": "# cassettes for the tests of x\nversion: 1\ncassettes:\n- name: x\n  exchanges:" + strings.ReplaceAll(yamlExchanges, "\n", "\n  "),
		"dir/json":  `{"exchanges": ` + jsonExchanges + `, "version": 1}`,
		"dir/yaml":  "version: 1\nexchanges:" + yamlExchanges,
	}
	forEachStore(t, func(t *testing.T, s store) {
		root := t.TempDir()
		path := s.path(root)
		if s.dir {
			path = filepath.Join(path, "x."+string(s.format))
		}
		writeFile(t, path, files[s.name])
		l := s.open(t, root)
		if err := l.Load(); err != nil {
			t.Fatalf("Load: %v", err)
		}
		wantCassettes(t, l, map[string][]Exchange{"x": want})
	})
}

func TestInvalidNames(t *testing.T) {
	bad := []string{"", "../x", "a/b", `a\b`, "CON", "con.json", "LPT1", ".hidden", "-flag", "a b", "é", strings.Repeat("a", 201)}
	forEachStore(t, func(t *testing.T, s store) {
		root := t.TempDir()
		l := s.open(t, root)
		for _, name := range bad {
			if err := l.Append(name, exchange(1)); !errors.Is(err, ErrInvalidName) {
				t.Errorf("Append(%q) = %v, want ErrInvalidName", name, err)
			}
			if err := l.Put(Cassette{Name: name}); !errors.Is(err, ErrInvalidName) {
				t.Errorf("Put(%q) = %v, want ErrInvalidName", name, err)
			}
			if err := l.Delete(name); !errors.Is(err, ErrInvalidName) {
				t.Errorf("Delete(%q) = %v, want ErrInvalidName", name, err)
			}
			if _, ok, err := l.Get(name); ok || err != nil {
				t.Errorf("Get(%q) = _, %v, %v; want not found", name, ok, err)
			}
		}
		if err := l.Save(); err != nil {
			t.Fatal(err)
		}
		if files := listDir(t, root); len(files) != 0 {
			t.Errorf("files written: %q", files)
		}
		if files := listDir(t, filepath.Dir(root)); !slices.Equal(files, []string{filepath.Base(root)}) {
			t.Errorf("files written next to the library: %q", files)
		}
	})
}

func TestInvalidExchanges(t *testing.T) {
	bad := []struct {
		why string
		ex  Exchange
	}{
		{"no method", Exchange{Response: Response{StatusCode: 200}}},
		{"no status", Exchange{Request: Request{Method: "GET"}}},
		{"status below 100", Exchange{Request: Request{Method: "GET"}, Response: Response{StatusCode: 99}}},
		{"status above 999", Exchange{Request: Request{Method: "GET"}, Response: Response{StatusCode: 1000}}},
		{"negative latency", Exchange{Request: Request{Method: "GET"}, Response: Response{StatusCode: 200}, Latency: -1}},
		{"an empty chunk", Exchange{Request: Request{Method: "GET"}, Response: Response{StatusCode: 200, Body: []byte("a"), Chunks: []Chunk{{0, 0}, {1, 0}}}}},
		{"a chunk before the request", Exchange{Request: Request{Method: "GET"}, Response: Response{StatusCode: 200, Body: []byte("a"), Chunks: []Chunk{{1, -1}}}}},
		{"a body both inline and in a file: which one is it?", Exchange{Request: Request{Method: "GET"}, Response: Response{StatusCode: 200, Body: []byte("a"), BodyFile: "/tmp/x.bin"}}},
		{"year 10000", Exchange{Request: Request{Method: "GET"}, Response: Response{StatusCode: 200}, RecordedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}},
	}
	l, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bad {
		if err := l.Append("x", exchange(1), b.ex); err == nil {
			t.Errorf("Append(exchange with %s) = nil, want an error", b.why)
		}
		if err := l.Put(Cassette{Name: "x", Exchanges: []Exchange{b.ex}}); err == nil {
			t.Errorf("Put(exchange with %s) = nil, want an error", b.why)
		}
	}
	if names, _ := l.Names(); len(names) != 0 {
		t.Errorf("Names() = %q after failed appends", names)
	}
}

func TestSaveUnchangedWritesNothing(t *testing.T) {
	forEachStore(t, func(t *testing.T, s store) {
		root := t.TempDir()
		l := s.open(t, root)
		if err := l.Save(); err != nil {
			t.Fatal(err)
		}
		if l.Exists() {
			t.Fatalf("Save of a new, empty library created %s", s.path(root))
		}
		mustAppend(t, l, "a", exchange(1))
		mustSave(t, l)
		before := statAll(t, root)
		mustSave(t, l)
		l = s.open(t, root)
		if err := l.Load(); err != nil {
			t.Fatal(err)
		}
		mustSave(t, l)
		if err := l.Delete("missing"); err != nil {
			t.Fatal(err)
		}
		mustSave(t, l)
		if after := statAll(t, root); !sameFiles(before, after) {
			t.Errorf("Save without changes changed files")
		}
	})
}

// statAll returns the FileInfo of every file under root.
func statAll(t *testing.T, root string) map[string]fs.FileInfo {
	t.Helper()
	m := map[string]fs.FileInfo{}
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Stat(path)
		if err != nil {
			return err
		}
		m[path] = fi
		return nil
	})
	return m
}

// sameFiles reports whether after holds the very files of before,
// unchanged.
func sameFiles(before, after map[string]fs.FileInfo) bool {
	if len(before) != len(after) {
		return false
	}
	for path, b := range before {
		a, ok := after[path]
		if !ok || !os.SameFile(a, b) || !a.ModTime().Equal(b.ModTime()) || a.Size() != b.Size() {
			return false
		}
	}
	return true
}

func TestOpen(t *testing.T) {
	root := t.TempDir()
	for _, tc := range []struct {
		path   string
		opts   []Option
		dir    bool
		format Format
	}{
		{"lib.json", nil, false, JSON},
		{"lib.yaml", nil, false, YAML},
		{"lib.yml", nil, false, YAML},
		{"LIB.JSON", nil, false, JSON},
		{"lib.json", []Option{WithFormat(YAML)}, false, JSON},
		{"lib", nil, true, JSON},
		{"lib", []Option{WithFormat(YAML)}, true, YAML},
		{"lib.v2", nil, true, JSON},
		{"lib.json/", nil, true, JSON},
	} {
		path := root + string(filepath.Separator) + tc.path
		l, err := Open(path, tc.opts...)
		if err != nil {
			t.Fatalf("Open(%s): %v", tc.path, err)
		}
		if l.IsDir() != tc.dir || l.Format() != tc.format {
			t.Errorf("Open(%s): IsDir() = %v, Format() = %v; want %v, %v", tc.path, l.IsDir(), l.Format(), tc.dir, tc.format)
		}
		if l.Path() != path {
			t.Errorf("Open(%s).Path() = %s", tc.path, l.Path())
		}
		if l.Exists() {
			t.Errorf("Open(%s).Exists() = true before Save", tc.path)
		}
	}
	if _, err := Open(""); err == nil {
		t.Errorf("Open(\"\") = nil error")
	}
	if _, err := Open("lib", WithFormat("xml")); err == nil {
		t.Errorf("Open(lib, WithFormat(xml)) = nil error")
	}
}

func TestOpenReadsNothing(t *testing.T) {
	forEachStore(t, func(t *testing.T, s store) {
		root := t.TempDir()
		if s.dir {
			writeFile(t, filepath.Join(s.path(root), "stray.txt"), "not a cassette")
		} else {
			writeFile(t, s.path(root), "not a library")
		}
		n := decodes.Load()
		l := s.open(t, root)
		if !l.Exists() {
			t.Errorf("Exists() = false")
		}
		if got := decodes.Load() - n; got != 0 {
			t.Errorf("Open decoded %d files", got)
		}
		if _, err := l.Names(); err == nil {
			t.Errorf("Names() = nil error for an invalid library")
		}
	})
}

func TestFile(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "dir", "old.yml"), "version: 1\nexchanges: []\n")
	l, err := Open(filepath.Join(root, "dir"))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"old": "old.yml", "new": "new.yaml"} {
		if got := l.File(name); got != want {
			t.Errorf("File(%s) = %q, want %q", name, got, want)
		}
	}
	l, err = Open(filepath.Join(root, "dir"), WithFormat(JSON))
	if err != nil {
		t.Fatal(err)
	}
	if got := l.File("new"); got != "new.json" {
		t.Errorf("with WithFormat(JSON): File(new) = %q, want new.json", got)
	}
	mustAppend(t, l, "old", exchange(1))
	mustSave(t, l)
	if files := listDir(t, filepath.Join(root, "dir")); !slices.Equal(files, []string{"old.yml"}) {
		t.Errorf("after changing old: files %q, want old.yml kept", files)
	}

	l, err = Open(filepath.Join(root, "lib.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got := l.File("x"); got != "x" {
		t.Errorf("file library: File(x) = %q, want x", got)
	}
}

func mustAppend(t testing.TB, l *Library, name string, ex ...Exchange) {
	t.Helper()
	if err := l.Append(name, ex...); err != nil {
		t.Fatalf("Append(%s): %v", name, err)
	}
}

func mustSave(t testing.TB, l *Library) {
	t.Helper()
	if err := l.Save(); err != nil {
		t.Fatalf("Save: %v", err)
	}
}

// wantCassettes checks that l holds the cassettes want, and the ones named
// in others with any content.
func wantCassettes(t *testing.T, l *Library, want map[string][]Exchange, others ...string) {
	t.Helper()
	names, err := l.Names()
	if err != nil {
		t.Fatalf("Names: %v", err)
	}
	wantNames := append(sortedKeys(want), others...)
	slices.Sort(wantNames)
	if !slices.Equal(names, wantNames) {
		t.Errorf("Names() = %q, want %q", names, wantNames)
	}
	for name, ex := range want {
		c, ok, err := l.Get(name)
		if err != nil || !ok {
			t.Errorf("Get(%s) = _, %v, %v", name, ok, err)
			continue
		}
		if d := diffExchanges(c.Exchanges, ex); d != "" {
			t.Errorf("Get(%s): %s", name, d)
		}
	}
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func listDir(t testing.TB, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// TestTestdata loads the committed libraries, which hold the same
// cassettes in each store and format.
func TestTestdata(t *testing.T) {
	var first map[string][]Exchange
	for _, path := range []string{"testdata/library.yaml", "testdata/library.json", "testdata/api"} {
		l, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Load(); err != nil {
			t.Fatalf("Load(%s): %v", path, err)
		}
		names, _ := l.Names()
		got := map[string][]Exchange{}
		for _, name := range names {
			c, _, _ := l.Get(name)
			got[name] = c.Exchanges
		}
		if first == nil {
			first = got
			continue
		}
		wantCassettes(t, l, first)
	}
}

// benchLibrary returns a loaded file library of 1,000 cassettes and their
// names.
func benchLibrary(b *testing.B) (*Library, []string) {
	path := filepath.Join(b.TempDir(), "lib.json")
	l, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range benchCassettes(4000) {
		if err := l.Put(c); err != nil {
			b.Fatal(err)
		}
	}
	mustSave(b, l)
	l, _ = Open(path)
	names, err := l.Names()
	if err != nil {
		b.Fatal(err)
	}
	return l, names
}

func BenchmarkGet(b *testing.B) {
	l, names := benchLibrary(b)
	i := 0
	for b.Loop() {
		if _, ok, err := l.Get(names[i%len(names)]); !ok || err != nil {
			b.Fatal(ok, err)
		}
		i++
	}
}

func BenchmarkGetParallel(b *testing.B) {
	l, names := benchLibrary(b)
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, ok, err := l.Get(names[i%len(names)]); !ok || err != nil {
				b.Error(ok, err)
				return
			}
			i++
		}
	})
}

// BenchmarkOpenCached opens a library whose file the process has decoded
// already, as each test of a package does.
func BenchmarkOpenCached(b *testing.B) {
	l, names := benchLibrary(b)
	for b.Loop() {
		l, _ := Open(l.Path())
		if _, ok, err := l.Get(names[0]); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}
