package library

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// pieces are the characters that matter to YAML's and JSON's string
// styles: indicators, white space, line breaks of every kind, characters
// that must be escaped, and text that resolves to something else.
var pieces = []string{
	"a", " ", "\n", "\t", "\r", "#", ":", "-", "'", `"`, `\`, "\u0085", "\u2028",
	"\ufeff", "0", "~", "|", "\x00", "\x7f", "é", "<&>", "null", "…", "\U0001F600",
}

// strings returns every concatenation of up to n of the given pieces.
func allStrings(pieces []string, n int) []string {
	out := []string{""}
	prev := []string{""}
	for range n {
		var next []string
		for _, p := range prev {
			for _, q := range pieces {
				next = append(next, p+q)
			}
		}
		out = append(out, next...)
		prev = next
	}
	return out
}

// TestStringsRoundTrip writes every short string made of pieces wherever a
// string goes in a file, and reads it back exactly.
func TestStringsRoundTrip(t *testing.T) {
	all := allStrings(pieces, 3)
	if testing.Short() || raceEnabled {
		all = allStrings(pieces, 2)
	} else {
		all = append(all, allStrings([]string{"a", " ", "\n", "\t", "\r", ":", "\ufeff"}, 4)...)
	}
	const batch = 500
	for _, f := range []Format{JSON, YAML} {
		t.Run(string(f), func(t *testing.T) {
			t.Parallel()
			roundTripStrings(t, f, all, batch)
		})
	}
}

func roundTripStrings(t *testing.T, f Format, all []string, batch int) {
	{
		for start := 0; start < len(all); start += batch {
			strs := all[start:min(start+batch, len(all))]
			c := Cassette{Name: "x"}
			for _, s := range strs {
				c.Exchanges = append(c.Exchanges, Exchange{
					Request:  Request{Method: "M" + s, URL: s, Header: http.Header{"K" + s: {s, s}}, Body: []byte(s)},
					Response: Response{StatusCode: 200, Header: http.Header{s: {"v"}}, Body: []byte(s + "x\n" + s), Trailer: http.Header{"T": {s}}},
				})
			}
			data, err := encodeCassette(f, &c)
			if err != nil {
				t.Fatalf("%s: encode: %v", f, err)
			}
			got, err := decodeCassette("x", f, "x", data)
			if err != nil {
				t.Fatalf("%s: decode: %v\n%s", f, err, data)
			}
			for i, s := range strs {
				if d := diffExchanges(got.Exchanges[i:i+1], c.Exchanges[i:i+1]); d != "" {
					t.Errorf("%s: string %q: %s", f, s, d)
				}
			}
		}
	}
}

// TestYAMLReadable shows which bodies are written as literal blocks.
func TestYAMLReadable(t *testing.T) {
	for _, tc := range []struct {
		body  string
		style string
	}{
		{"line 1\nline 2\n", "body: |\n"},
		{"line 1\nline 2", "body: |-\n"},
		{"line 1\nline 2\n\n", "body: |+\n"},
		{"<html>\n  <p>indented</p>\n</html>\n", "body: |\n"},
		{"{\n\t\"tab\": 1\n}\n", "body: |\n"},
		{"  leading spaces\nx\n", `body: "`},
		{"crlf\r\nline\r\n", `body: "`},
		{"trailing space \nx\n", `body: "`},
		{"one line", "body: one line\n"},
		{"true", `body: "true"`},
		{"12", `body: "12"`},
	} {
		c := Cassette{Name: "x", Exchanges: []Exchange{{Request: Request{Method: "GET"}, Response: Response{StatusCode: 200, Body: []byte(tc.body)}}}}
		data, err := encodeCassette(YAML, &c)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), tc.style) {
			t.Errorf("body %q written as\n%s\nwant %q", tc.body, data, tc.style)
		}
	}
}

func TestJSONString(t *testing.T) {
	for _, s := range allStrings(pieces, 2) {
		w := jsonWriter{}
		w.str(s)
		var back string
		if err := json.Unmarshal(w.buf, &back); err != nil || back != s {
			t.Errorf("str(%q) = %s, reads back as %q, %v", s, w.buf, back, err)
		}
	}
	w := jsonWriter{}
	w.str("<a href='x'>&amp;</a>\u2028")
	if want := `"<a href='x'>&amp;</a>\u2028"`; string(w.buf) != want {
		t.Errorf("str = %s, want %s", w.buf, want)
	}
}

func TestLineAt(t *testing.T) {
	data := []byte("a\nbc\n\nd")
	for _, tc := range []struct {
		offset int64
		line   int
	}{{0, 1}, {1, 1}, {2, 1}, {3, 2}, {5, 2}, {6, 3}, {7, 4}, {100, 4}, {-1, 1}} {
		if got := lineAt(data, tc.offset); got != tc.line {
			t.Errorf("lineAt(%q, %d) = %d, want %d", data, tc.offset, got, tc.line)
		}
	}
}

// TestYAMLErrorLines pins the lines named for YAML syntax errors, which
// yaml.v3 counts in two ways.
func TestYAMLErrorLines(t *testing.T) {
	for _, tc := range []struct {
		yaml string
		line int
	}{
		{"version: 1\nexchanges: []\n  x: 3\n", 3},
		{"version: 1\nexchanges:\n  - a\n c: 2\n", 4},
		{"version: 1\nexchanges: [1, 2\nx: 3\n", 2},
		{"version: 1\nexchanges: []\n]\n", 3},
		{"version: 1\nexchanges: @x\n", 2},
		{"version: 1\nexchanges: \"x\n", 2},
		{"version: 1\nexchanges:\n\t- x\n", 3},
	} {
		err := decodeYAML("f.yaml", []byte(tc.yaml), new(wireCassetteFile))
		if want := fmt.Sprintf("f.yaml:%d: ", tc.line); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("decode %q = %v, want line %d", tc.yaml, err, tc.line)
		}
	}
}

// benchCassettes returns n exchanges spread over n/4 cassettes, with
// realistic headers and bodies.
func benchCassettes(n int) []Cassette {
	var cs []Cassette
	for i := range n {
		if i%4 == 0 {
			cs = append(cs, Cassette{Name: fmt.Sprintf("GET_api.example.com_443_v1_items_%05d", i)})
		}
		body := fmt.Sprintf(`{"id": %d, "name": "item %d", "tags": ["a", "b"], "description": "%s"}`, i, i, strings.Repeat("lorem ipsum ", 30))
		if i%3 == 0 {
			body = strings.ReplaceAll(body, ", ", ",\n  ") + "\n"
		}
		c := &cs[len(cs)-1]
		c.Exchanges = append(c.Exchanges, Exchange{
			Request: Request{Method: "GET", URL: fmt.Sprintf("https://api.example.com/v1/items/%d?expand=tags", i), Header: http.Header{
				"Accept": {"application/json"}, "Authorization": {"Bearer xyz"}, "User-Agent": {"cassette-bench/1.0"},
			}},
			Response: Response{StatusCode: 200, Header: http.Header{
				"Content-Type": {"application/json; charset=utf-8"}, "Date": {"Wed, 01 May 2024 10:00:00 GMT"},
				"Set-Cookie": {"a=1; Path=/", "b=2; Path=/; HttpOnly"}, "Cache-Control": {"no-cache"},
				"X-Request-Id": {fmt.Sprintf("req-%08d", i)},
			}, Body: []byte(body)},
			Latency:    time.Duration(i) * time.Microsecond,
			RecordedAt: time.Date(2024, 5, 1, 10, 0, 0, i, time.UTC),
		})
	}
	return cs
}

func benchmarkDecode(b *testing.B, f Format, n int) {
	data, err := encodeFile(f, benchCassettes(n))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := decodeFile("bench", f, data); err != nil {
			b.Fatal(err)
		}
	}
}

func benchmarkEncode(b *testing.B, f Format, n int) {
	cs := benchCassettes(n)
	for b.Loop() {
		data, err := encodeFile(f, cs)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(data)))
	}
}

func BenchmarkDecodeJSON(b *testing.B)      { benchmarkDecode(b, JSON, 1000) }
func BenchmarkDecodeYAML(b *testing.B)      { benchmarkDecode(b, YAML, 1000) }
func BenchmarkDecodeJSON10000(b *testing.B) { benchmarkDecode(b, JSON, 10000) }
func BenchmarkEncodeJSON(b *testing.B)      { benchmarkEncode(b, JSON, 1000) }
func BenchmarkEncodeYAML(b *testing.B)      { benchmarkEncode(b, YAML, 1000) }
