package library

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// An empty (null) chunk in YAML is an error naming its line, as JSON
// refuses it ("chunk 2 \"\""): yaml.v3 left it out of the list, and the
// chunks read as another stream, silently. A list of chunks of the wrong
// type is named as such, not as "a list of header values".
func TestAnEmptyYAMLChunkIsAnError(t *testing.T) {
	const top = "version: 1\nexchanges:\n- request: {method: GET, url: u}\n"
	for _, tc := range []struct {
		why, file, want string
	}{
		{
			why:  "a null among chunks, in flow style",
			file: top + "  response: {status: 200, body: ab, chunks: [1@0s, ~, 1@1ms]}\n",
			want: "c.yaml:4: chunk 2 is empty: write it out in full, or delete its line",
		},
		{
			why:  "an empty item, in block style",
			file: top + "  response:\n    status: 200\n    body: ab\n    chunks:\n    - 1@0s\n    -\n    - 1@1ms\n",
			want: "c.yaml:9: chunk 2 is empty: write it out in full, or delete its line",
		},
		{
			why:  "chunks that are not a list",
			file: top + "  response: {status: 200, chunks: 7}\n",
			want: "c.yaml:4: cannot use an integer `7` as the list of chunks",
		},
	} {
		_, err := decodeCassette("c.yaml", YAML, "c", []byte(tc.file))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: decodeCassette = %v, want %s\n%s", tc.why, err, tc.want, tc.file)
		}
	}

	// JSON refuses the same chunks too.
	if _, err := decodeCassette("c.json", JSON, "c", []byte(`{"version": 1, "exchanges": [{"request": {"method": "GET", "url": "u"}, "response": {"status": 200, "body": "ab", "chunks": ["1@0s", null, "1@1ms"]}}]}`)); err == nil {
		t.Error("JSON: a null chunk decoded")
	}

	// Through a directory library, as a user meets it.
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.yaml"), top+"  response: {status: 200, body: ab, chunks: [1@0s, ~, 1@1ms]}\n")
	l, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "a.yaml") + ":4: chunk 2 is empty: write it out in full, or delete its line"
	if _, _, err := l.Get("a"); err == nil || err.Error() != want {
		t.Errorf("Get(a) = %v, want %s", err, want)
	}
}

// The errors of yaml.v3 that name no line (an alias of an unknown anchor,
// an alias inside its own anchor's value, a !!binary value that is not
// base64, a merge key (<<) whose value is not a mapping) name the line of
// the problem and say what to do: the message was yaml.v3's alone, as
// "c.yaml: unknown anchor 'nope' referenced".
func TestYAMLErrorsWithoutALineNameTheirLine(t *testing.T) {
	const top = "version: 1\nexchanges:\n- request: {method: GET, url: u}\n"
	const unknown = "alias *nope names no anchor &nope above it: put the anchor on the value it stands for, before the alias, or write the value out"
	const binary = "a value tagged !!binary is not base64: delete the tag, or correct the value"
	const merge = "the value of a merge key (<<) is not a mapping, an alias of one, or a list of them: correct it, or delete its line"
	for _, tc := range []struct {
		why, file, want string
	}{
		{
			why:  "an unknown anchor, after the same text in a string and a comment",
			file: top + "  response:\n    status: 200\n    body: \"see *nope here\" # and *nope\n    headers: {A: [*nope]}\n",
			want: "c.yaml:7: " + unknown,
		},
		{
			why:  "an unknown anchor as an exchange, in block style",
			file: top + "  response: {status: 200}\n- *nope\n",
			want: "c.yaml:5: " + unknown,
		},
		{
			why:  "an unknown anchor in a merge, with CRLF line ends",
			file: "version: 1\r\nexchanges:\r\n- request: {method: GET, url: u}\r\n  response:\r\n    status: 200\r\n    headers: {<<: [*nope]}\r\n",
			want: "c.yaml:6: " + unknown,
		},
		{
			why:  "an unknown anchor in a second document",
			file: top + "  response: {status: 200}\n---\nx: *nope\n",
			want: "c.yaml:6: " + unknown,
		},
		{
			why:  "an anchor whose value holds its alias",
			file: top + "  response: &r\n    status: 200\n    headers: {A: [a]}\n    trailers: *r\n",
			want: "c.yaml:7: alias *r is inside the value of its own anchor &r: write the value out, or delete the alias",
		},
		{
			why:  "a mapping merged into itself, after an alias of it elsewhere",
			file: "version: 1\nexchanges:\n- request: {method: GET, url: u, headers: &h {A: [a]}}\n  response: {status: 200, headers: *h}\n- request: {method: GET, url: u, headers: &g {A: [a],\n    <<: *g}}\n  response: {status: 200}\n",
			want: "c.yaml:6: alias *g is inside the value of its own anchor &g: write the value out, or delete the alias",
		},
		{
			why:  "a header value tagged !!binary after a valid one",
			file: top + "  response:\n    status: 200\n    headers: {A: [!!binary aGk=]}\n    trailers: {B: [!!binary '%%%']}\n",
			want: "c.yaml:7: " + binary,
		},
		{
			why:  "a body tagged !!binary",
			file: top + "  response: {status: 200,\n    body: !!binary x}\n",
			want: "c.yaml:5: " + binary,
		},
		{
			why:  "a string merged into headers",
			file: top + "  response:\n    status: 200\n    headers:\n      <<: x\n",
			want: "c.yaml:7: " + merge,
		},
		{
			why:  "a list merged into a response, through an alias",
			file: top + "  response: {status: 200, headers: {A: &l [a]}}\n- request: {method: GET, url: u}\n  response: {<<: *l}\n",
			want: "c.yaml:6: " + merge,
		},
		{
			why:  "a list of a mapping and a string merged into headers",
			file: top + "  response:\n    status: 200\n    headers:\n      <<:\n      - {A: [a]}\n      - b\n",
			want: "c.yaml:9: " + merge,
		},
	} {
		_, err := decodeCassette("c.yaml", YAML, "c", []byte(tc.file))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: decodeCassette = %v, want %s\n%s", tc.why, err, tc.want, tc.file)
		}
	}

	// A cassette of a single-file library, opened as a user opens it.
	path := filepath.Join(t.TempDir(), "lib.yaml")
	writeFile(t, path, "version: 1\ncassettes:\n- name: a\n  exchanges: []\n- name: b\n  exchanges: [*nope]\n")
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := l.Get("a"); err == nil || err.Error() != path+":6: "+unknown {
		t.Errorf("Get(a) = %v, want %s", err, path+":6: "+unknown)
	}
}

// A scalar tagged !!seq or !!map, and a value with a tag of the user's
// own, are said in the schema's words: yaml.v3 writes the first as
// "!!seqx", which read "cannot use seqx as a list of header values", and
// the second was left in Go's ("cannot unmarshal !foo `x` into int").
func TestAYAMLValueWithACollectionOrOwnTagIsSaidInTheSchemasWords(t *testing.T) {
	const top = "version: 1\nexchanges:\n- request: {method: GET, url: u}\n"
	for _, tc := range []struct {
		why, file, want string
	}{
		{
			why:  "a header's values tagged !!seq",
			file: top + "  response: {status: 200, headers: {A: !!seq x}}\n",
			want: `c.yaml:4: value "x" is tagged !!seq but is not a list: delete the tag, or correct the value`,
		},
		{
			why:  "a response tagged !!map",
			file: top + "  response: !!map x y\n",
			want: `c.yaml:4: value "x y" is tagged !!map but is not a mapping: delete the tag, or correct the value`,
		},
		{
			why:  "a status with a tag of its own",
			file: top + "  response: {status: !foo 200}\n",
			want: "c.yaml:4: cannot use a value tagged !foo `200` as an integer",
		},
		{
			why:  "headers that are a list with a tag of its own",
			file: top + "  response: {status: 200, headers: !foo [a]}\n",
			want: "c.yaml:4: cannot use a value tagged !foo as headers (a mapping of names to lists of values)",
		},
		{
			why:  "a status with a verbatim tag",
			file: top + "  response: {status: !<tag:example.com,2000:x> 200}\n",
			want: "c.yaml:4: cannot use a value tagged tag:example.com,2000:x `200` as an integer",
		},
	} {
		_, err := decodeCassette("c.yaml", YAML, "c", []byte(tc.file))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: decodeCassette = %v, want %s\n%s", tc.why, err, tc.want, tc.file)
		}
	}
}

// An alias of no anchor is named by its line where the first fix of that
// error (7515a3e) named none or the wrong one: in a file whose lines end
// with CR alone (it said line 1, as it did for a control character), as a key ("*nope: [a]", which it did
// not take for an alias), and right after a look-alike that ends with a
// comma ("a *nope,*nope").
func TestUnknownAnchorLineReview(t *testing.T) {
	const top = "version: 1\nexchanges:\n- request: {method: GET, url: u}\n"
	const unknown = "alias *nope names no anchor &nope above it: put the anchor on the value it stands for, before the alias, or write the value out"
	for _, tc := range []struct {
		why, file string
		line      int
	}{
		{"lines ending with CR", "version: 1\rexchanges:\r- request: {method: GET, url: u}\r  response: {status: 200, headers: {A: [*nope]}}\r", 4},
		{"lines ending with CR and CRLF", "version: 1\r\nexchanges:\r- request: {method: GET, url: u}\r\n  response:\r    status: 200\r\n    headers: {A: [*nope]}\r", 6},
		{"a key, in block style", top + "  response:\n    status: 200\n    headers:\n      *nope: [a]\n", 7},
		{"a key, in flow style", top + "  response: {status: 200, headers: {*nope: [a]}}\n", 4},
		{"after a look-alike and a comma", top + "  response:\n    status: 200\n    headers: {A: [a *nope,*nope]}\n", 6},
	} {
		_, err := decodeCassette("c.yaml", YAML, "c", []byte(tc.file))
		if want := fmt.Sprintf("c.yaml:%d: %s", tc.line, unknown); err == nil || err.Error() != want {
			t.Errorf("%s: decodeCassette = %v, want %s\n%q", tc.why, err, want, tc.file)
		}
	}
	// A control character, whose line is found in the text too.
	file := "version: 1\rexchanges:\r- request: {method: GET, url: u}\r  response: {status: 200, body: \"\x01\"}\r"
	if _, err := decodeCassette("c.yaml", YAML, "c", []byte(file)); err == nil || err.Error() != "c.yaml:4: control characters are not allowed" {
		t.Errorf("a control character after lines ending with CR: decodeCassette = %v, want c.yaml:4: control characters are not allowed", err)
	}
}

// Empty YAML documents after the first ("---" alone at the end of the
// file, with a comment, or null) hold no data and are read, as the import
// of go-vcr reads them: a file ending with "---" was refused as "more than
// one YAML document". A document that holds something still is.
func TestYAMLEmptyTrailingDocuments(t *testing.T) {
	const top = "version: 1\nexchanges:\n- request: {method: GET, url: u}\n  response: {status: 200}\n"
	for _, end := range []string{"---\n", "---", "--- # end\n", "---\n...\n", "--- ~\n", "...\n---\n---\n", "---\r\n"} {
		if c, err := decodeCassette("c.yaml", YAML, "c", []byte(top+end)); err != nil || len(c.Exchanges) != 1 {
			t.Errorf("decodeCassette(... %q) = %d exchanges, %v; want 1, no error", end, len(c.Exchanges), err)
		}
	}
	lib := "version: 1\ncassettes:\n- name: a\n  exchanges: []\n---\n"
	if cs, err := decodeFile("l.yaml", YAML, []byte(lib)); err != nil || len(cs) != 1 {
		t.Errorf("decodeFile(a library ending with ---) = %d cassettes, %v; want 1, no error", len(cs), err)
	}
	for end, want := range map[string]string{
		"---\nversion: 1\n": "c.yaml:5: more than one YAML document",
		"---\n---\n[a]\n":   "c.yaml:6: more than one YAML document",
		"--- 0\n":           "c.yaml:5: more than one YAML document",
		"---\n[\n":          "c.yaml:7: did not find expected node content",
	} {
		if _, err := decodeCassette("c.yaml", YAML, "c", []byte(top+end)); err == nil || err.Error() != want {
			t.Errorf("decodeCassette(... %q) = %v, want %s", end, err, want)
		}
	}
}

// A version or status that is not a whole number is an error naming its
// line in YAML, as JSON refuses it: yaml.v3 truncated it into an int, so
// that "status: 200.9" replayed 200 and "version: 1.5" read as version 1,
// silently (through an alias, the line of the value, as yaml.v3 names it).
// Whole numbers in YAML's other forms still read.
func TestAYAMLNumberThatIsNotWholeIsNoStatusNorVersion(t *testing.T) {
	const req = "- request: {method: GET, url: u}\n"
	for _, tc := range []struct {
		why, file, want string
	}{
		{"a version", "version: 1.5\nexchanges:\n" + req + "  response: {status: 200}\n", "c.yaml:1: cannot use a number `1.5` as an integer"},
		{"a status", "version: 1\nexchanges:\n" + req + "  response: {status: 200.9}\n", "c.yaml:4: cannot use a number `200.9` as an integer"},
		{"a status with an exponent", "version: 1\nexchanges:\n" + req + "  response:\n    status: 2.009e2\n", "c.yaml:5: cannot use a number `2.009e2` as an integer"},
		{"a status through an alias", "version: 1\nexchanges:\n- request: {method: GET, url: u, body: &s 404.5}\n  response: {status: *s}\n", "c.yaml:3: cannot use a number `404.5` as an integer"},
	} {
		_, err := decodeCassette("c.yaml", YAML, "c", []byte(tc.file))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: decodeCassette = %v, want %s\n%s", tc.why, err, tc.want, tc.file)
		}
	}
	if _, err := decodeCassette("c.json", JSON, "c", []byte(`{"version": 1, "exchanges": [{"request": {"method": "GET", "url": "u"}, "response": {"status": 200.9}}]}`)); err == nil {
		t.Error("JSON: a status of 200.9 decoded")
	}
	// A leading zero is octal to yaml.v3 (YAML 1.1), as it was before
	// wireInt: 0310 is 200, not 310.
	for _, status := range []string{"200", "0xC8", "+200", "!!int 200", "0310", "+0310", "0o310"} {
		c, err := decodeCassette("c.yaml", YAML, "c", []byte("version: 1\nexchanges:\n"+req+"  response: {status: "+status+"}\n"))
		if err != nil || len(c.Exchanges) != 1 || c.Exchanges[0].Response.StatusCode != 200 {
			t.Errorf("status: %s: decodeCassette = %+v, %v; want status 200", status, c, err)
		}
	}
}

// A %YAML directive of a version yaml.v3 does not read (1.2) is said as
// such, naming its line, not in yaml.v3's words ("found incompatible YAML
// document"); aliases of aliases that expand past what yaml.v3 takes (a
// "billion laughs" of merges) name the line of the first alias of an
// alias, where yaml.v3 names none.
func TestYAMLDirectiveAndExcessiveAliasing(t *testing.T) {
	laughs := "version: 1\nexchanges:\n- request: {method: GET, url: u, headers: &h0 {A: [b, c, d, e, f, g, h, i, j]}}\n  response: {status: 200}\n"
	for i := 1; i <= 6; i++ {
		laughs += fmt.Sprintf("- request: {method: GET, url: u, headers: &h%d {<<: [%s]}}\n  response: {status: 200}\n", i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*h%d,", i-1), 9), ","))
	}
	for _, tc := range []struct {
		why, file, want string
	}{
		{"%YAML 1.2", "# a cassette\n%YAML 1.2\n---\nversion: 1\nexchanges: []\n", "c.yaml:2: the %YAML directive names a version other than 1.1, the only one the YAML reader takes: delete its line"},
		{"a billion laughs", laughs, "c.yaml:7: the aliases (*name) of aliases from here expand into more values than the reader takes: write the values out, or use fewer aliases"},
	} {
		_, err := decodeCassette("c.yaml", YAML, "c", []byte(tc.file))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: decodeCassette = %v, want %s", tc.why, err, tc.want)
		}
	}
	if _, err := decodeCassette("c.yaml", YAML, "c", []byte("%YAML 1.1\n---\nversion: 1\nexchanges: []\n")); err != nil {
		t.Errorf("%%YAML 1.1: %v", err)
	}
}
