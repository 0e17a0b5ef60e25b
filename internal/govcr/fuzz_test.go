package govcr

import (
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/cassette-go/cassette/library"
)

// FuzzImport checks that Import never panics, gives one answer for one
// file, and that what it imports can be saved in a library and read back
// as it was imported (but for the bytes of its text that are not UTF-8,
// which the library stores as U+FFFD).
func FuzzImport(f *testing.F) {
	if data, err := os.ReadFile("../../testdata/interop/govcr-sample.yaml"); err == nil {
		f.Add(data)
	}
	f.Add([]byte("version: 2\ninteractions:\n- request: {method: GET, url: 'https://h/x', body: ''}\n  response: {code: 200, body: hi, duration: 1h}\n"))
	f.Add([]byte("version: 1\ninteractions:\n- request: {method: GET, url: 'https://h/x'}\n  response: {status: 200 OK, code: 200, duration: -5}\n"))
	f.Add([]byte("a: &a [x, x]\nb: &b [*a, *a]\n"))
	f.Add([]byte("{{},<<}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := Import(data)
		if err != nil {
			return
		}
		if cs2, _ := Import(data); !reflect.DeepEqual(cs, cs2) {
			t.Fatalf("Import twice differently:\n%+v\n%+v", cs, cs2)
		}
		dir := t.TempDir()
		for _, path := range []string{filepath.Join(dir, "lib.yaml"), filepath.Join(dir, "lib")} {
			lib, err := library.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			var put []library.Cassette
			for _, c := range cs {
				if lib.Put(c) == nil {
					put = append(put, c)
				}
			}
			if len(put) == 0 {
				continue
			}
			if err := lib.Save(); err != nil {
				t.Fatalf("Save of imported cassettes: %v", err)
			}
			again, err := library.Open(path)
			if err != nil {
				t.Fatalf("reopen: %v", err)
			}
			if err := again.Load(); err != nil {
				t.Fatalf("the library an import wrote does not load: %v", err)
			}
			for _, c := range put {
				got, ok, err := again.Get(c.Name)
				if err != nil || !ok {
					t.Fatalf("Get(%q) of the library an import wrote: %v, %v", c.Name, ok, err)
				}
				want := validText(t, c.Exchanges)
				if d := cmp.Diff(want, got.Exchanges, cmpopts.EquateEmpty()); d != "" {
					t.Fatalf("cassette %s read back from %s differs (-imported +read):\n%s", c.Name, filepath.Base(path), d)
				}
			}
		}
	})
}

// validText returns a copy of xs as a library reads it back: method, URL,
// header names and values with U+FFFD for the bytes that are not UTF-8 (a
// YAML !!binary string may hold any). Header names that would become one
// are not compared: it skips t.
func validText(t *testing.T, xs []library.Exchange) []library.Exchange {
	valid := func(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }
	header := func(h http.Header) http.Header {
		if h == nil {
			return nil
		}
		out := make(http.Header, len(h))
		for k, vv := range h {
			if !utf8.ValidString(k) {
				t.Skip("a header name that is not UTF-8: not compared")
			}
			for _, v := range vv {
				out[k] = append(out[k], valid(v))
			}
		}
		return out
	}
	out := make([]library.Exchange, len(xs))
	for i, ex := range xs {
		ex.Request.Method = valid(ex.Request.Method)
		ex.Request.URL = valid(ex.Request.URL)
		ex.Request.Header = header(ex.Request.Header)
		ex.Response.Header = header(ex.Response.Header)
		ex.Response.Trailer = header(ex.Response.Trailer)
		out[i] = ex
	}
	return out
}
