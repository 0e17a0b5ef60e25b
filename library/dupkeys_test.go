package library

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A member given twice in one object of a JSON library file would be read
// as its last (encoding/json keeps it, and matches struct fields in any
// case): the file is refused, naming the member and its line, rather than
// read without the others and then saved without them.
func TestAJSONMemberGivenTwiceIsRefused(t *testing.T) {
	const ex = `{"request": {"method": "GET", "url": "https://a.example/x"}, "response": {"status": 200, "body": "one"}}`
	for _, c := range []struct {
		name, file, want string // want: the member named in the error; "" for none
	}{
		{"cassettes twice", `{"version": 1, "cassettes": [{"name": "GET_a", "exchanges": [` + ex + `]}],
"cassettes": []}`, "cassettes"},
		{"cassettes in another case", `{"version": 1, "cassettes": [{"name": "GET_a", "exchanges": [` + ex + `]}],
"Cassettes": []}`, "Cassettes"},
		{"body twice", `{"version": 1, "cassettes": [{"name": "GET_a", "exchanges": [
{"request": {"method": "GET", "url": "https://a.example/x"}, "response": {"status": 200, "body": "one", "body": "two"}}]}]}`, "body"},
		{"a header twice", `{"version": 1, "cassettes": [{"name": "GET_a", "exchanges": [
{"request": {"method": "GET", "url": "https://a.example/x"}, "response": {"status": 200, "headers": {"Set-Cookie": ["a=1"], "Set-Cookie": ["b=2"]}}}]}]}`, "Set-Cookie"},
		// encoding/json reads a byte that is not UTF-8 as U+FFFD: these
		// names are one, and only the last one's values would be read.
		{"header names not UTF-8 that read as one", `{"version": 1, "cassettes": [{"name": "GET_a", "exchanges": [
{"request": {"method": "GET", "url": "https://a.example/x"}, "response": {"status": 200, "headers": {"X-` + "\xff" + `": ["a=1"], "X-` + "\xfe" + `": ["b=2"]}}}]}]}`, "X-\uFFFD"},
		{"a header name not UTF-8 and its U+FFFD escaped", `{"version": 1, "cassettes": [{"name": "GET_a", "exchanges": [
{"request": {"method": "GET", "url": "https://a.example/x"}, "response": {"status": 200, "headers": {"X-` + "\xff" + `": ["a=1"], "X-\ufffd": ["b=2"]}}}]}]}`, "X-\uFFFD"},
		{"header names of two bytes and of one not UTF-8", `{"version": 1, "cassettes": [{"name": "GET_a", "exchanges": [
{"request": {"method": "GET", "url": "https://a.example/x"}, "response": {"status": 200, "headers": {"X-` + "\xff\xff" + `": ["a=1"], "X-` + "\xff" + `": ["b=2"]}}}]}]}`, ""},
		// Header names that differ in case are different members, merged
		// as documented; a body holding repeated names is text.
		{"headers differing in case", `{"version": 1, "cassettes": [{"name": "GET_a", "exchanges": [
{"request": {"method": "GET", "url": "https://a.example/x"}, "response": {"status": 200, "headers": {"x-a": ["1"], "X-A": ["2"]}, "body": "{\"a\": 1, \"a\": 2}"}}]}]}`, ""},
		{"the same name in two objects", `{"version": 1, "cassettes": [{"name": "GET_a", "exchanges": [` + ex + `,` + ex + `]}, {"name": "GET_b", "exchanges": [` + ex + `]}]}`, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "lib.json")
			if err := os.WriteFile(path, []byte(c.file), 0o644); err != nil {
				t.Fatal(err)
			}
			l, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			_, err = l.Names()
			switch {
			case c.want == "" && err != nil:
				t.Errorf("Names: %v; want no error", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), `"`+c.want+`" is given twice`) || !strings.Contains(err.Error(), "lib.json:")):
				t.Errorf("Names: %v; want an error naming the file, its line and %q given twice", err, c.want)
			}
		})
	}

	// A cassette file of a directory library too.
	dir := filepath.Join(t.TempDir(), "lib")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "GET_a.json"), []byte(`{"version": 1, "exchanges": [`+ex+`], "exchanges": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := l.Get("GET_a"); err == nil || !strings.Contains(err.Error(), `"exchanges" is given twice`) {
		t.Errorf("Get of a cassette file with exchanges twice: %v; want an error naming it", err)
	}
}

// An object of very many members (a hand-made or hostile file) is checked
// in linear time, and a member given twice among them is still found, in
// any case outside a header map and exactly in one.
func TestDuplicateKeyAmongManyMembers(t *testing.T) {
	build := func(n int, extra string) []byte {
		var b strings.Builder
		b.WriteString(`{"headers": {`)
		for i := range n {
			fmt.Fprintf(&b, `"X-H%d": ["v"], `, i)
		}
		b.WriteString(extra + `}, "other": {`)
		for i := range n {
			fmt.Fprintf(&b, `"f%d": 1, `, i)
		}
		b.WriteString(`"last": 1}}`)
		return []byte(b.String())
	}
	if _, k, dup := duplicateKey(build(200000, `"x-h7": ["w"]`)); dup {
		t.Errorf("found %q given twice; header names that differ in case are different members", k)
	}
	if _, k, dup := duplicateKey(build(1000, `"X-H999": ["w"]`)); !dup || k != "X-H999" {
		t.Errorf("duplicateKey = %q, %v; want X-H999 given twice", k, dup)
	}
	data := []byte(strings.Replace(string(build(1000, `"z": []`)), `"last": 1`, `"F500": 2`, 1))
	if _, k, dup := duplicateKey(data); !dup || k != "F500" {
		t.Errorf("duplicateKey = %q, %v; want F500, f500 in another case", k, dup)
	}
}

// Past 32 members, names are compared by a key that agrees with
// bytes.EqualFold: I and ı (dotless i) are different names, as they are
// to encoding/json, and K and the Kelvin sign one.
func TestMemberKeyAgreesWithEqualFold(t *testing.T) {
	for _, c := range []struct{ a, b string }{
		{"I", "ı"}, {"i", "İ"}, {"İ", "ı"}, {"K", "\u212a"}, {"s", "ſ"}, {"Version", "vERSION"}, {"a", "b"},
	} {
		if same, want := memberKey([]byte(c.a), false) == memberKey([]byte(c.b), false), bytes.EqualFold([]byte(c.a), []byte(c.b)); same != want {
			t.Errorf("memberKey(%q) == memberKey(%q): %v; bytes.EqualFold says %v", c.a, c.b, same, want)
		}
	}
}
