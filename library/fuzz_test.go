package library

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// The fuzz targets check that decoding never panics, gives one answer
// for one file, and that whatever decodes is written, in either format, in
// a form that reads back the same and is written back identically.

func FuzzDecodeJSON(f *testing.F) { fuzzDecode(f, JSON) }
func FuzzDecodeYAML(f *testing.F) { fuzzDecode(f, YAML) }

func fuzzDecode(f *testing.F, format Format) {
	var cs []Cassette
	for _, rt := range roundTrips {
		if rt.name != "GET_big" {
			cs = append(cs, Cassette{Name: rt.name, Exchanges: rt.ex})
		}
	}
	sortCassettes(cs)
	seed, err := encodeFile(format, cs)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	for _, c := range cs {
		seed, err := encodeCassette(format, &c)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(seed)
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*."+string(format)))
	files2, _ := filepath.Glob(filepath.Join("testdata", "*", "*."+string(format)))
	for _, file := range append(files, files2...) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if cs, err := decodeFile("fuzz", format, data); err == nil {
			if cs1, _ := decodeFile("fuzz", format, data); !reflect.DeepEqual(cs, cs1) {
				t.Fatalf("decoded twice differently:\n%+v\n%+v", cs, cs1)
			}
			for _, to := range []Format{format, otherFormat(format)} {
				again, err := encodeFile(to, cs)
				if err != nil {
					t.Fatalf("encodeFile(%s): %v", to, err)
				}
				cs2, err := decodeFile("fuzz", to, again)
				if err != nil {
					t.Fatalf("decodeFile(encodeFile(%s, decodeFile(data))): %v\n%s", to, err, again)
				}
				if !reflect.DeepEqual(cs, cs2) {
					t.Fatalf("read back from %s differs:\n got %+v\nwant %+v\nfile:\n%s", to, cs2, cs, again)
				}
				if again2, _ := encodeFile(to, cs2); !bytes.Equal(again, again2) {
					t.Fatalf("written twice in %s differently:\n%s\n%s", to, again, again2)
				}
			}
		}
		if c, err := decodeCassette("fuzz", format, "x", data); err == nil {
			if c1, _ := decodeCassette("fuzz", format, "x", data); !reflect.DeepEqual(c, c1) {
				t.Fatalf("decoded twice differently:\n%+v\n%+v", c, c1)
			}
			for _, to := range []Format{format, otherFormat(format)} {
				again, err := encodeCassette(to, &c)
				if err != nil {
					t.Fatalf("encodeCassette(%s): %v", to, err)
				}
				c2, err := decodeCassette("fuzz", to, "x", again)
				if err != nil {
					t.Fatalf("decodeCassette(encodeCassette(%s, decodeCassette(data))): %v\n%s", to, err, again)
				}
				if !reflect.DeepEqual(c, c2) {
					t.Fatalf("read back from %s differs:\n got %+v\nwant %+v\nfile:\n%s", to, c2, c, again)
				}
				if again2, _ := encodeCassette(to, &c2); !bytes.Equal(again, again2) {
					t.Fatalf("written twice in %s differently:\n%s\n%s", to, again, again2)
				}
			}
		}
	})
}

// otherFormat returns the format that is not f.
func otherFormat(f Format) Format {
	if f == YAML {
		return JSON
	}
	return YAML
}

// FuzzStrings writes any bytes wherever a string or a body goes, and reads
// them back exactly (strings other than bodies as valid UTF-8).
func FuzzStrings(f *testing.F) {
	for _, s := range []string{"", "a\n", "a\n\n", "\n", " a\nb", "\ta\n", "a \nb", "a\r\nb", "1", "true", "null", "~", "- a\n", "---\n", "...\n", "#x\n", "a\n b\n", "\ufeffa\n", "\xff"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s := string(b)
		want := validString(s)
		c := Cassette{Name: "x", Exchanges: []Exchange{{
			Request:  Request{Method: "M" + s, URL: s, Header: http.Header{s: {s, "x"}}, Body: b},
			Response: Response{StatusCode: 200, Body: b, Trailer: http.Header{"a": {s}}},
		}}}
		wantEx := Exchange{
			Request:  Request{Method: "M" + want, URL: want, Header: http.Header{want: {want, "x"}}, Body: b},
			Response: Response{StatusCode: 200, Body: b, Trailer: http.Header{"a": {want}}},
		}
		for _, f := range []Format{JSON, YAML} {
			data, err := encodeCassette(f, &c)
			if err != nil {
				t.Fatal(err)
			}
			got, err := decodeCassette("x", f, "x", data)
			if err != nil {
				t.Fatalf("%s: %v\n%s", f, err, data)
			}
			if d := diffExchanges(got.Exchanges, []Exchange{wantEx}); d != "" {
				t.Fatalf("%s: %s\n%s", f, d, data)
			}
		}
	})
}
