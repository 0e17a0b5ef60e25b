package library

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestBodyEncoding(t *testing.T) {
	for _, tc := range []struct {
		body     []byte
		text     string
		encoding string
	}{
		{nil, "", ""},
		{[]byte("hello\n"), "hello\n", ""},
		{[]byte("caf\xc3\xa9"), "café", ""},
		{[]byte("\x00\x01 control characters are UTF-8"), "\x00\x01 control characters are UTF-8", ""},
		{[]byte("caf\xe9"), "Y2Fm6Q==", "base64"},
		{[]byte{0xff}, "/w==", "base64"},
	} {
		text, enc := toWireBody(tc.body)
		if text != tc.text || enc != tc.encoding {
			t.Errorf("toWireBody(%q) = %q, %q; want %q, %q", tc.body, text, enc, tc.text, tc.encoding)
		}
		back, err := fromWireBody(text, enc)
		if err != nil || !bytes.Equal(back, tc.body) {
			t.Errorf("fromWireBody(%q, %q) = %q, %v; want %q", text, enc, back, err, tc.body)
		}
	}
}

func TestBase64Lenient(t *testing.T) {
	for _, in := range []string{"aGVsbG8=", "aGVsbG8", "aGVs\nbG8=\n", "aGVs\r\nbG8="} {
		b, err := fromWireBody(in, "base64")
		if err != nil || string(b) != "hello" {
			t.Errorf("fromWireBody(%q, base64) = %q, %v; want hello", in, b, err)
		}
	}
	for _, in := range []string{"!!", "aGVsbG8==="} {
		if _, err := fromWireBody(in, "base64"); err == nil {
			t.Errorf("fromWireBody(%q, base64) = nil error", in)
		}
	}
}

// TestHeaderNotUTF8 shows the one loss of a round trip: header names and
// values, which are text in both formats, get U+FFFD for bytes that are
// not UTF-8.
func TestHeaderNotUTF8(t *testing.T) {
	for _, f := range []Format{JSON, YAML} {
		c := Cassette{Name: "x", Exchanges: []Exchange{{
			Request:  Request{Method: "GET", URL: "http://x/\xff", Header: http.Header{"X-Latin1": {"caf\xe9"}, "\xfe": {"a"}}},
			Response: Response{StatusCode: 200},
		}}}
		data, err := encodeCassette(f, &c)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeCassette("x", f, "x", data)
		if err != nil {
			t.Fatalf("%s: %v\n%s", f, err, data)
		}
		r := got.Exchanges[0].Request
		if r.URL != "http://x/\uFFFD" || r.Header.Get("X-Latin1") != "caf\uFFFD" || r.Header["\uFFFD"][0] != "a" {
			t.Errorf("%s: read back %+q", f, r)
		}
	}
}

// TestHeaderNamesNotUTF8 shows that header names that become one name
// once made UTF-8 have their values merged in one order, on every write
// and every read: first the values of the name that was valid, then the
// others' in the byte order of their names. Merged in map order, a file
// with such names (YAML "!!binary" keys) read differently each time, and
// a cassette recorded with them was written differently on each save.
func TestHeaderNamesNotUTF8(t *testing.T) {
	want := []string{"v", "80", "c0", "fe", "ff"}
	c := Cassette{Name: "x", Exchanges: []Exchange{{
		Request: Request{Method: "GET", URL: "/"},
		Response: Response{StatusCode: 200, Header: http.Header{
			"\xff": {"ff"}, "\xfe": {"fe"}, "\uFFFD": {"v"}, "\xc0": {"c0"}, "\x80": {"80"},
		}},
	}}}
	for _, f := range []Format{JSON, YAML} {
		first, err := encodeCassette(f, &c)
		if err != nil {
			t.Fatal(err)
		}
		for range 20 {
			if data, _ := encodeCassette(f, &c); !bytes.Equal(data, first) {
				t.Fatalf("%s: written twice differently:\n%s\n%s", f, first, data)
			}
		}
		got, err := decodeCassette("x", f, "x", first)
		if err != nil {
			t.Fatalf("%s: %v\n%s", f, err, first)
		}
		if h := got.Exchanges[0].Response.Header; !slices.Equal(h["\uFFFD"], want) {
			t.Errorf("%s: read back %q, want %q", f, h, want)
		}
	}

	// base64 of "\xff", "\xfe", "\xc0", "\x80".
	data := []byte("version: 1\nexchanges:\n- request: {method: GET, url: /}\n  response:\n    status: 200\n    headers:\n" +
		"      !!binary /w==: [ff]\n      !!binary /g==: [fe]\n      \"\\uFFFD\": [v]\n      !!binary wA==: [c0]\n      !!binary gA==: [\"80\"]\n")
	for range 20 {
		got, err := decodeCassette("x", YAML, "x", data)
		if err != nil {
			t.Fatal(err)
		}
		if h := got.Exchanges[0].Response.Header; !slices.Equal(h["\uFFFD"], want) {
			t.Fatalf("decodeCassette(YAML with !!binary names) header = %q, want %q", h, want)
		}
	}
}

func TestHeaderOrder(t *testing.T) {
	h := http.Header{"Set-Cookie": {"c=3", "a=1", "b=2"}, "B": {"x"}, "A": {"y"}}
	c := Cassette{Name: "x", Exchanges: []Exchange{{Request: Request{Method: "GET"}, Response: Response{StatusCode: 200, Header: h}}}}
	for _, f := range []Format{JSON, YAML} {
		data, err := encodeCassette(f, &c)
		if err != nil {
			t.Fatal(err)
		}
		s := string(data)
		if !(strings.Index(s, "A") < strings.Index(s, "B") && strings.Index(s, "B") < strings.Index(s, "Set-Cookie")) {
			t.Errorf("%s: header names not sorted:\n%s", f, s)
		}
		if !strings.Contains(s, `c=3", "a=1", "b=2"]`) && !strings.Contains(s, `[c=3, a=1, b=2]`) {
			t.Errorf("%s: Set-Cookie values not in order:\n%s", f, s)
		}
	}
}

func TestChunksErrors(t *testing.T) {
	for _, bad := range []string{"12", "x@1ms", "12@soon", "0@1ms", "-3@1ms", "3@-1ms"} {
		if _, err := fromWireChunks([]string{"1@1ms", bad}); err == nil || !strings.Contains(err.Error(), "chunk 2") {
			t.Errorf("fromWireChunks(%q) error = %v, want one naming chunk 2", bad, err)
		}
	}
	cs, err := fromWireChunks([]string{"128@15ms", "1@2h0m0s"})
	if err != nil || len(cs) != 2 || cs[0] != (Chunk{128, 15 * time.Millisecond}) || cs[1].At != 2*time.Hour {
		t.Errorf("fromWireChunks = %v, %v", cs, err)
	}
}

func TestChunksValid(t *testing.T) {
	tests := []struct {
		why  string
		r    Response
		want bool
	}{
		{"no chunks", Response{Body: []byte("abc")}, false},
		{"sizes add up", Response{Body: []byte("abc"), Chunks: []Chunk{{1, 0}, {2, 1}}}, true},
		{"a hand-edited body no longer matches", Response{Body: []byte("abcd"), Chunks: []Chunk{{1, 0}, {2, 1}}}, false},
		{"an empty chunk", Response{Body: []byte("abc"), Chunks: []Chunk{{0, 0}, {3, 1}}}, false},
	}
	for _, tc := range tests {
		if got := tc.r.ChunksValid(); got != tc.want {
			t.Errorf("%s: ChunksValid() = %v, want %v", tc.why, got, tc.want)
		}
	}
}
