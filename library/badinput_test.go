package library

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
)

// moreBadCases extend badCases (see TestErrors) with inputs a fuzzer or a
// bad merge could produce.
var moreBadCases = []badCase{
	{
		why: "binary garbage",
		whole: map[Format]map[bool]string{
			JSON: both("\x00\x01\x02\xff\xfe{\"version\": 1}"),
			YAML: both("\x00\x01\x02\xff\xfe version: 1"),
		},
	},
	{
		why: "null at the top",
		whole: map[Format]map[bool]string{
			JSON: both("null"),
			YAML: both("~\n"),
		},
	},
	{
		why: "a version of the wrong type",
		whole: map[Format]map[bool]string{
			JSON: {false: `{"version": "1", "cassettes": []}`, true: `{"version": "1", "exchanges": []}`},
			YAML: {false: "version: [1]\ncassettes: []\n", true: "version: [1]\nexchanges: []\n"},
		},
		want: "version",
		line: map[Format]int{JSON: 1, YAML: 1},
	},
	{
		why: "a version too large for an int",
		whole: map[Format]map[bool]string{
			JSON: both(`{"version": 99999999999999999999999}`),
			YAML: both("version: 99999999999999999999999\n"),
		},
		want: "version",
	},
	{
		why: "invalid base64 in a request body",
		exchanges: map[Format]string{
			JSON: `{"request": {"method": "GET", "url": "u", "body_encoding": "base64", "body": "%%%"}, "response": {"status": 200}}`,
			YAML: "- request: {method: GET, url: u, body_encoding: base64, body: '%%%'}\n  response: {status: 200}",
		},
		want: "exchange 1: request: body: invalid base64",
	},
	{
		why: "a body_encoding without its body, as a file cut after it leaves",
		exchanges: map[Format]string{
			JSON: `{"request": {"method": "GET", "url": "u"}, "response": {"status": 200, "body_encoding": "base64"}}`,
			YAML: "- request: {method: GET, url: u}\n  response: {status: 200, body_encoding: base64}",
		},
		want: "exchange 1: response: body_encoding \"base64\" but no body",
	},
	{
		why: "exchanges of the wrong type",
		whole: map[Format]map[bool]string{
			JSON: {false: "{\"version\": 1,\n\"cassettes\": [{\"name\": \"a\", \"exchanges\": {}}]}", true: "{\"version\": 1,\n\"exchanges\": 7}"},
			YAML: {false: "version: 1\ncassettes:\n- name: a\n  exchanges: 7\n", true: "version: 1\nexchanges: {a: b}\n"},
		},
		line: map[Format]int{JSON: 2},
	},
	{
		why: "nesting deeper than any decoder should follow",
		whole: map[Format]map[bool]string{
			JSON: both(`{"version": 1, "x": ` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "}"),
			YAML: both("version: 1\nx: " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n"),
		},
	},
	{
		why: "a YAML alias bomb",
		whole: map[Format]map[bool]string{
			JSON: both(`{"version": 1, "cassettes": "bomb"}`),
			YAML: {false: yamlBomb(false), true: yamlBomb(true)},
		},
	},
	{
		// yaml.v3 panics on a merge key beside a key that is a mapping
		// ("hash of unhashable type"), when decoding into a map.
		why: "a YAML merge key beside a mapping key",
		whole: map[Format]map[bool]string{
			JSON: both(`{{}: 1}`),
			YAML: both("{{},<<}"),
		},
	},
	{
		why: "a YAML merge key beside a mapping key, after a version",
		whole: map[Format]map[bool]string{
			JSON: both(`{"version": 1, {}: 1}`),
			YAML: both("version: 1\n{a: b}: 1\n<<: {}\n"),
		},
	},
	{
		why:   "a stray file among valid cassettes",
		only:  "dir",
		extra: map[string]string{"b.json": `{"version": 1, "exchanges": []}`, "README.md": "# notes"},
		file:  "README.md",
		want:  "not a cassette file",
	},
	{
		why:   "two files for one cassette, in different case extensions",
		only:  "dir",
		extra: map[string]string{"b.JSON": `{"version": 1, "exchanges": []}`, "b.yaml": "version: 1\nexchanges: []\n"},
		file:  "b.yaml",
		want:  `two files for cassette "b"`,
	},
	{
		why: "an empty exchange, a list item whose lines were deleted by hand",
		exchanges: map[Format]string{
			JSON: "null,\n{\"request\": {\"method\": \"GET\", \"url\": \"u\"}, \"response\": {\"status\": 200}}",
			YAML: "-\n- request: {method: GET, url: u}\n  response: {status: 200}",
		},
		want: "exchange 1",
		line: map[Format]int{YAML: 5},
	},
	{
		why: "a null exchange, last in the list",
		exchanges: map[Format]string{
			JSON: "{\"request\": {\"method\": \"GET\", \"url\": \"u\"}, \"response\": {\"status\": 200}}, null",
			YAML: "- request: {method: GET, url: u}\n  response: {status: 200}\n- ~",
		},
		want: "exchange 2",
		line: map[Format]int{YAML: 7},
	},
	{
		why:  "an empty cassette entry",
		only: "file",
		whole: map[Format]map[bool]string{
			JSON: {false: `{"version": 1, "cassettes": [null, {"name": "a", "exchanges": []}]}`},
			YAML: {false: "version: 1\ncassettes:\n- null\n- name: a\n  exchanges: []\n"},
		},
		want: "cassette 1",
		line: map[Format]int{YAML: 3},
	},
	{
		why:      "a file named after a Windows device",
		only:     "dir",
		extra:    map[string]string{"con.json": `{"version": 1, "exchanges": []}`},
		file:     "con.json",
		want:     `invalid cassette name "con"`,
		unixOnly: true,
	},
}

// yamlBomb returns a YAML file whose aliases, in header values, expand to
// a billion strings.
func yamlBomb(dir bool) string {
	var b strings.Builder
	b.WriteString("version: 1\n")
	indent := ""
	if !dir {
		b.WriteString("cassettes:\n- name: a\n  ")
		indent = "  "
	}
	b.WriteString("exchanges:\n" + indent + "- request:\n" + indent + "    method: GET\n" + indent + "    url: u\n" + indent + "    headers:\n")
	fmt.Fprintf(&b, "%s      A0: &a0 [x, x, x, x, x, x, x, x, x, x]\n", indent)
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&b, "%s      A%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", indent, i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	b.WriteString(indent + "  response: {status: 200}\n")
	return b.String()
}

// TestBadInputNeverPanicsNorChangesAFile reads every bad library of
// badCases and moreBadCases through each way in (Load, Get, Names, File,
// Format, Exists), each on a library opened afresh: none panics, each
// error names the file (and the line where the case says), Load fails,
// and no file on disk changes or appears.
func TestBadInputNeverPanicsNorChangesAFile(t *testing.T) {
	cases := append(slices.Clone(badCases), moreBadCases...)
	for _, s := range stores {
		for _, bc := range cases {
			if bc.only != "" && !strings.HasPrefix(s.name, bc.only) {
				continue
			}
			t.Run(s.name+"/"+bc.why, func(t *testing.T) {
				if bc.unixOnly && runtime.GOOS == "windows" {
					t.Skip("Windows makes no such file")
				}
				root := t.TempDir()
				lib := s.path(root)
				target := lib
				if s.dir {
					target = filepath.Join(lib, "a."+string(s.format))
				}
				var content string
				switch {
				case bc.whole != nil:
					content = bc.whole[s.format][s.dir]
				case bc.exchanges != nil:
					content = wrap(s.format, s.dir, bc.exchanges[s.format])
				default:
					content = validFile(s)
				}
				writeFile(t, target, content)
				for name, c := range bc.extra {
					writeFile(t, filepath.Join(lib, name), c)
				}
				if bc.file != "" {
					target = filepath.Join(lib, bc.file)
				}
				before := hashTree(t, root)

				// check checks the error of one way in.
				check := func(call string, err error) {
					t.Helper()
					if err == nil {
						return
					}
					msg := err.Error()
					if !strings.Contains(msg, target) {
						t.Errorf("%s = %q, does not name %s", call, msg, target)
					}
					if line := bc.line[s.format]; line > 0 && !strings.Contains(msg, fmt.Sprintf("%s:%d: ", target, line)) {
						t.Errorf("%s = %q, does not name line %d", call, msg, line)
					}
				}
				ways := []struct {
					call string
					f    func(l *Library) error
				}{
					{"Load()", func(l *Library) error { return l.Load() }},
					{"Get(a)", func(l *Library) error { _, _, err := l.Get("a"); return err }},
					{"Get(b)", func(l *Library) error { _, _, err := l.Get("b"); return err }},
					{"Names()", func(l *Library) error { _, err := l.Names(); return err }},
					{"File(a), Format(), Exists()", func(l *Library) error { l.File("a"); l.Format(); l.Exists(); return nil }},
					{"Names() then Get of each", func(l *Library) error {
						names, err := l.Names()
						if err != nil {
							return err
						}
						for _, n := range names {
							if _, _, err := l.Get(n); err != nil {
								return err
							}
						}
						return nil
					}},
				}
				for _, w := range ways {
					err := func() (err error) {
						defer func() {
							if p := recover(); p != nil {
								t.Errorf("%s panicked: %v\n%s", w.call, p, debug.Stack())
							}
						}()
						return w.f(s.open(t, root))
					}()
					if w.call == "Load()" {
						if err == nil {
							t.Fatalf("Load() = nil, want an error")
						}
						t.Logf("Load() = %.300v", err)
						if !strings.Contains(err.Error(), bc.want) {
							t.Errorf("Load() = %q, want it to say %q", err, bc.want)
						}
					}
					check(w.call, err)
				}
				if after := hashTree(t, root); after != before {
					t.Errorf("reading changed the files:\nbefore:\n%s\nafter:\n%s", before, after)
				}
			})
		}
	}
}

// TestBadLibraryPaths opens libraries whose path is the wrong kind of
// thing: every way in fails naming the path, and nothing changes.
func TestBadLibraryPaths(t *testing.T) {
	for _, tc := range []struct {
		why, path string
		mkdir     bool // make path a directory, else a file
	}{
		{"a file library that is a directory", "lib.json", true},
		{"a YAML file library that is a directory", "lib.yaml", true},
		{"a directory library that is a file", "lib", false},
	} {
		t.Run(tc.why, func(t *testing.T) {
			root := t.TempDir()
			path := filepath.Join(root, tc.path)
			if tc.mkdir {
				if err := os.Mkdir(path, 0o755); err != nil {
					t.Fatal(err)
				}
			} else {
				writeFile(t, path, "not a folder")
			}
			before := hashTree(t, root)
			for _, call := range []string{"Load", "Names", "Get"} {
				l, err := Open(path)
				if err != nil {
					t.Fatalf("Open(%s) = %v, want no error (Open reads nothing)", path, err)
				}
				switch call {
				case "Load":
					err = l.Load()
				case "Names":
					_, err = l.Names()
				case "Get":
					_, _, err = l.Get("a")
				}
				if err == nil || !strings.Contains(err.Error(), path) {
					t.Errorf("%s() = %v, want an error naming %s", call, err, path)
				}
			}
			if after := hashTree(t, root); after != before {
				t.Errorf("reading changed the files:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
}

// hashTree lists every file and folder under root with its mode, time
// and, for files, size and SHA-256.
func hashTree(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			fmt.Fprintf(&b, "%s/ %v\n", rel, fi.Mode())
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %v %v %d %x\n", rel, fi.Mode(), fi.ModTime(), fi.Size(), sha256.Sum256(data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// An empty (null) value in a YAML list of header values is an empty
// value, as JSON reads null there: yaml.v3 left it out of the list, so
// the header lost a value, or all of them, in YAML alone.
func TestANullHeaderValueIsEmptyInBothFormats(t *testing.T) {
	for _, tc := range []struct {
		format Format
		file   string
	}{
		{JSON, `{"version": 1, "exchanges": [{"request": {"method": "GET", "url": "https://api.example.com/", "headers": {"X-A": [null, "a"], "X-B": [null]}}, "response": {"status": 200, "headers": {"X-C": [null]}, "trailers": {"X-D": ["d", null]}}}]}`},
		{YAML, "version: 1\nexchanges:\n- request:\n    method: GET\n    url: https://api.example.com/\n    headers:\n      X-A: [null, a]\n      X-B:\n      -\n  response:\n    status: 200\n    headers: {X-C: [~]}\n    trailers:\n      X-D: [d, null]\n"},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "c."+string(tc.format)), []byte(tc.file), 0o644); err != nil {
			t.Fatal(err)
		}
		lib, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		c, ok, err := lib.Get("c")
		if err != nil || !ok {
			t.Fatalf("%s: Get = %v, %v", tc.format, ok, err)
		}
		ex := c.Exchanges[0]
		got := []http.Header{ex.Request.Header, ex.Response.Header, ex.Response.Trailer}
		want := []http.Header{{"X-A": {"", "a"}, "X-B": {""}}, {"X-C": {""}}, {"X-D": {"d", ""}}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: headers, response headers, trailers = %v, want %v", tc.format, got, want)
		}
	}
}

// When yaml.v3 finds more than one error, the first is said in the
// schema's words, as when it is alone, and the others are counted: the
// count was added before the first was translated, which then named Go
// types ("library.wireRequest") or kept yaml.v3's own words.
func TestYAMLErrorsBeyondTheFirstAreCountedAfterIt(t *testing.T) {
	for _, tc := range []struct {
		why, file, want string
	}{
		{
			why:  "two misspelt fields",
			file: "version: 1\nexchanges:\n- request: {method: GET, url: u, bdy: x}\n  response: {status: 200, hedaers: {}}\n",
			want: `c.yaml:3: unknown field "bdy" in a request (and 1 more error)`,
		},
		{
			why:  "a misspelt field at the top, then a bad list of exchanges",
			file: "version: 1\nexchange: []\nexchanges: 7\n",
			want: `c.yaml:2: unknown field "exchange" in the file (and 1 more error)`,
		},
		{
			why:  "three bad values",
			file: "version: 1\nexchanges:\n- request: {method: [GET], url: [u]}\n  response: {status: x}\n",
			want: "c.yaml:3: cannot use a list as a string (and 2 more errors)",
		},
		{
			why:  "a bad list of exchanges, then a misspelt field",
			file: "version: 1\nexchanges: 7\nexchange: []\n",
			want: "c.yaml:2: cannot use an integer `7` as the list of exchanges (and 1 more error)",
		},
	} {
		_, err := decodeCassette("c.yaml", YAML, "c", []byte(tc.file))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: decodeCassette = %v, want %s", tc.why, err, tc.want)
		}
	}
}

// An empty item in a YAML list of exchanges or cassettes is reported with
// the errors of the other items, in the order of their lines: it was
// reported alone, before the list was decoded, so a misspelt field above
// it went unsaid (the message named a later line) and uncounted.
func TestAnEmptyYAMLItemIsReportedInItsPlace(t *testing.T) {
	for _, tc := range []struct {
		why, file, want string
	}{
		{
			why:  "a misspelt field, then an empty exchange",
			file: "version: 1\nexchanges:\n- request: {method: GET, url: u, bdy: x}\n  response: {status: 200}\n-\n",
			want: `c.yaml:3: unknown field "bdy" in a request (and 1 more error)`,
		},
		{
			why:  "an empty exchange, then a misspelt field",
			file: "version: 1\nexchanges:\n-\n- request: {method: GET, url: u, bdy: x}\n  response: {status: 200}\n",
			want: "c.yaml:3: exchange 1 is empty: write it out in full, or delete its line (and 1 more error)",
		},
		{
			why:  "two empty exchanges around a misspelt field",
			file: "version: 1\nexchanges:\n- ~\n- request: {method: GET, url: u, bdy: x}\n  response: {status: 200}\n- null\n",
			want: "c.yaml:3: exchange 1 is empty: write it out in full, or delete its line (and 2 more errors)",
		},
		{
			why:  "a bad status, then an empty exchange",
			file: "version: 1\nexchanges:\n- request: {method: GET, url: u}\n  response: {status: x}\n- ~\n",
			want: "c.yaml:4: cannot use a string `x` as an integer (and 1 more error)",
		},
	} {
		_, err := decodeCassette("c.yaml", YAML, "c", []byte(tc.file))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: decodeCassette = %v, want %s", tc.why, err, tc.want)
		}
	}
	// In a single-file library, an empty cassette and an empty exchange
	// of the cassette above it.
	file := "version: 1\ncassettes:\n- name: a\n  exchanges:\n  - request: {method: GET, url: u}\n    response: {status: 200}\n  -\n-\n"
	want := "lib.yaml:7: exchange 2 is empty: write it out in full, or delete its line (and 1 more error)"
	if _, err := decodeFile("lib.yaml", YAML, []byte(file)); err == nil || err.Error() != want {
		t.Errorf("decodeFile = %v, want %s", err, want)
	}
}

// A header whose name is null in YAML (a plain null or ~, or none) is an
// error naming its line: yaml.v3 left it out of the headers, so a
// hand-edited "Null: [x]" or "~: [x]" lost the header silently.
func TestAYAMLHeaderNamedNullIsAnError(t *testing.T) {
	for _, tc := range []struct {
		why, headers, want string
	}{
		{"a plain null", "      null: [a]\n      B: [b]\n", `c.yaml:7: header name "null" is null in YAML: quote it ("null"), or delete its line`},
		{"a tilde, in trailers", "      B: [b]\n      ~: [a]\n", `c.yaml:8: header name "~" is null in YAML: quote it ("~"), or delete its line`},
		{"Null, then a misspelt field", "      Null: [a]\n    bdy: x\n", `c.yaml:7: header name "Null" is null in YAML: quote it ("Null"), or delete its line (and 1 more error)`},
		{"no name", "      ? \n      : [a]\n", `c.yaml:7: header name "" is null in YAML: quote it (""), or delete its line`},
	} {
		file := "version: 1\nexchanges:\n- request: {method: GET, url: u}\n  response:\n    status: 200\n    headers:\n" + tc.headers
		if strings.Contains(tc.why, "trailers") {
			file = strings.Replace(file, "headers:", "trailers:", 1)
		}
		_, err := decodeCassette("c.yaml", YAML, "c", []byte(file))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: decodeCassette = %v, want %s\n%s", tc.why, err, tc.want, file)
		}
	}
}

// A header whose name is null in a mapping merged into headers (<<) is
// the same error, naming the line of the name: yaml.v3 left it out of
// the merge, so it was still dropped silently. A header merged with a
// name keeps it.
func TestAYAMLHeaderNamedNullInAMergeIsAnError(t *testing.T) {
	const top = "version: 1\nexchanges:\n- request:\n    method: GET\n    url: u\n"
	for _, tc := range []struct {
		why, file, want string
	}{
		{
			why:  "a merged flow mapping",
			file: top + "    headers: {<<: {~: [a]}, B: [b]}\n  response: {status: 200}\n",
			want: `c.yaml:6: header name "~" is null in YAML: quote it ("~"), or delete its line`,
		},
		{
			why:  "a merged block mapping, in trailers",
			file: top + "  response:\n    status: 200\n    trailers:\n      B: [b]\n      <<:\n        X: [x]\n        null: [a]\n",
			want: `c.yaml:12: header name "null" is null in YAML: quote it ("null"), or delete its line`,
		},
		{
			why:  "the second of a list of merged mappings",
			file: top + "    headers: {<<: [{A: [a]}, {Null: [n]}]}\n  response: {status: 200}\n",
			want: `c.yaml:6: header name "Null" is null in YAML: quote it ("Null"), or delete its line`,
		},
		{
			why:  "an alias of the request's headers, merged into the response's: the line of the anchor's name",
			file: top + "    headers: &h\n      ~: [a]\n  response:\n    status: 200\n    headers: {<<: *h, B: [b]}\n",
			want: `c.yaml:7: header name "~" is null in YAML: quote it ("~"), or delete its line (and 1 more error)`,
		},
		{
			why:  "a merge within a merge, then a misspelt field",
			file: top + "    headers: {<<: {<<: {~: [a]}}}\n    bdy: x\n  response: {status: 200}\n",
			want: `c.yaml:6: header name "~" is null in YAML: quote it ("~"), or delete its line (and 1 more error)`,
		},
	} {
		_, err := decodeCassette("c.yaml", YAML, "c", []byte(tc.file))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: decodeCassette = %v, want %s\n%s", tc.why, err, tc.want, tc.file)
		}
	}

	// Through a directory library, as a user meets it.
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.yaml"), top+"    headers: {<<: {~: [a]}, B: [b]}\n  response: {status: 200}\n")
	l, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "a.yaml") + `:6: header name "~" is null in YAML: quote it ("~"), or delete its line`
	if _, _, err := l.Get("a"); err == nil || err.Error() != want {
		t.Errorf("Get(a) = %v, want %s", err, want)
	}

	// A merge of named headers still works, the headers' own value first.
	c, err := decodeCassette("c.yaml", YAML, "c", []byte(top+"    headers: {<<: [{A: [a], B: [x]}, {C: [c]}], B: [b]}\n  response: {status: 200}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Exchanges[0].Request.Header, (http.Header{"A": {"a"}, "B": {"b"}, "C": {"c"}}); !reflect.DeepEqual(got, want) {
		t.Errorf("merged headers = %v, want %v", got, want)
	}
}

// A value tagged !!null (or !!int...) that is not one is an error naming
// its line and saying what to do: yaml.v3's own message named neither
// ("cannot decode !!str `x` as a !!null").
func TestAYAMLValueItsTagDoesNotFitNamesItsLine(t *testing.T) {
	const top = "version: 1\nexchanges:\n"
	for _, tc := range []struct {
		why, file, want string
	}{
		{
			why:  "an exchange",
			file: top + "- !!null x\n",
			want: `c.yaml:3: value "x" is tagged !!null but is not null: delete the tag, or correct the value`,
		},
		{
			why:  "a header value, after an untagged x",
			file: top + "- request: {method: GET, url: x}\n  response:\n    status: 200\n    headers: {A: [!!null x]}\n",
			want: `c.yaml:6: value "x" is tagged !!null but is not null: delete the tag, or correct the value`,
		},
		{
			why:  "the version",
			file: "version: !!null 1\nexchanges: []\n",
			want: `c.yaml:1: value "1" is tagged !!null but is not null: delete the tag, or correct the value`,
		},
		{
			why:  "a status tagged !!int",
			file: top + "- request: {method: GET, url: u}\n  response: {status: !!int two hundred}\n",
			want: `c.yaml:4: value "two hundred" is tagged !!int but is not an integer: delete the tag, or correct the value`,
		},
	} {
		_, err := decodeCassette("c.yaml", YAML, "c", []byte(tc.file))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: decodeCassette = %v, want %s\n%s", tc.why, err, tc.want, tc.file)
		}
	}

	// A cassette of a single-file library, opened as a user opens it.
	path := filepath.Join(t.TempDir(), "lib.yaml")
	writeFile(t, path, "version: 1\ncassettes:\n- name: a\n  exchanges: []\n- !!null b\n")
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	want := path + `:5: value "b" is tagged !!null but is not null: delete the tag, or correct the value`
	if _, _, err := l.Get("a"); err == nil || err.Error() != want {
		t.Errorf("Get(a) = %v, want %s", err, want)
	}
}

// A mapping or a list used as a key beside a merge key (<<) is an error
// naming the key's line: yaml.v3 panicked hashing it, and the message was
// "cannot parse YAML: runtime error: hash of unhashable type ...", with no
// line.
func TestAYAMLKeyThatIsAMappingBesideAMergeNamesItsLine(t *testing.T) {
	const top = "version: 1\nexchanges:\n- request: {method: GET, url: u}\n  response:\n    status: 200\n"
	for _, tc := range []struct {
		why, file, want string
	}{
		{
			why:  "a mapping as a header name",
			file: top + "    headers: {{a: b}: [c], <<: {}}\n",
			want: "c.yaml:6: a mapping is used as a key beside a merge key (<<): a key is a name; quote it, or delete its line",
		},
		{
			why:  "a list as a field of a response, in block style",
			file: top + "    <<: {}\n    [a]: b\n",
			want: "c.yaml:7: a list is used as a key beside a merge key (<<): a key is a name; quote it, or delete its line",
		},
		{
			why:  "an alias of a mapping as a key, the second key of its mapping",
			file: top + "    headers: &h {A: [a]}\n    trailers: {B: [b], *h : [c], <<: *h}\n",
			want: "c.yaml:7: a mapping is used as a key beside a merge key (<<): a key is a name; quote it, or delete its line",
		},
		{
			// The probe of the version, which decodes into an interface,
			// panicked there: the error of the decoding stands.
			why:  "a version that is a mapping with one merged in",
			file: "version: {<<: {{a: b}: c}, 1: x}\nexchanges: []\n",
			want: "c.yaml:1: cannot use a mapping as an integer",
		},
	} {
		_, err := decodeCassette("c.yaml", YAML, "c", []byte(tc.file))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: decodeCassette = %v, want %s\n%s", tc.why, err, tc.want, tc.file)
		}
	}

	// Through a directory library, as a user meets it.
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.yaml"), top+"    headers: {{a: b}: [c], <<: {}}\n")
	l, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "a.yaml") + ":6: a mapping is used as a key beside a merge key (<<): a key is a name; quote it, or delete its line"
	if _, _, err := l.Get("a"); err == nil || err.Error() != want {
		t.Errorf("Get(a) = %v, want %s", err, want)
	}
}
