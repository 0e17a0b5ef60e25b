package library

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// A badCase is an invalid library. Its files are written in the format of
// the store under test: exchanges fills the "exchanges" list of cassette
// "a" (a single file's, or file a.json or a.yaml of a directory), whole
// replaces the whole file.
type badCase struct {
	why       string
	exchanges map[Format]string
	whole     map[Format]map[bool]string // by format, then by dir
	extra     map[string]string          // directory: more files, by name
	only      string                     // "dir" or "file" (or "file/yaml", ...) if the case applies to one store
	want      string                     // in the error
	line      map[Format]int             // line the error names, if any
	file      string                     // directory: the file the error names; default a.json or a.yaml
	unixOnly  bool                       // it writes a file Windows does not make (a device name)
}

// wrap returns the file holding exchanges, in format f, for a directory
// library or not. Either way the exchanges start on line 3 in JSON and 5
// in YAML.
func wrap(f Format, dir bool, exchanges string) string {
	switch {
	case f == JSON && dir:
		return "{\"version\": 1,\n\"exchanges\": [\n" + exchanges + "\n]}\n"
	case f == JSON:
		return "{\"version\": 1,\n\"cassettes\": [{\"name\": \"a\", \"exchanges\": [\n" + exchanges + "\n]}]}\n"
	case dir:
		return "version: 1\n# cassette a\n#\nexchanges:\n" + exchanges + "\n"
	default:
		return "version: 1\ncassettes:\n- name: a\n  exchanges:\n  " + strings.ReplaceAll(exchanges, "\n", "\n  ") + "\n"
	}
}

func both(s string) map[bool]string { return map[bool]string{false: s, true: s} }

var badCases = []badCase{
	{
		why:   "an empty file is not a library",
		whole: map[Format]map[bool]string{JSON: both(""), YAML: both("")},
		want:  "empty file",
	},
	{
		why:   "a file of white space is empty too",
		whole: map[Format]map[bool]string{JSON: both(" \n\n"), YAML: both("\n# nothing yet\n")},
		want:  "empty file",
	},
	{
		why: "the version is required",
		whole: map[Format]map[bool]string{
			JSON: {false: `{"cassettes": []}`, true: `{"exchanges": []}`},
			YAML: {false: "cassettes: []\n", true: "exchanges: []\n"},
		},
		want: "missing version",
	},
	{
		why: "version 0 is no version",
		whole: map[Format]map[bool]string{
			JSON: {false: `{"version": 0, "cassettes": []}`, true: `{"version": 0, "exchanges": []}`},
			YAML: {false: "version: 0\ncassettes: []\n", true: "version: 0\nexchanges: []\n"},
		},
		want: "missing version",
	},
	{
		why: "a later version asks to upgrade, even if its fields are unknown",
		whole: map[Format]map[bool]string{
			JSON: both(`{"version": 2, "cassettes": [], "shiny": {}}`),
			YAML: both("version: 2\nshiny: {}\n"),
		},
		want: "has version 2, this cassette supports up to 1: upgrade",
	},
	{
		why: "a cassette file of the Python cassette library says so (its version 11 is HTTP/1.1's, not a schema's)",
		whole: map[Format]map[bool]string{
			JSON: both(`{"status": 200, "raw_headers": ["Content-Length: 2\r\n"], "content": "{}", "reason": "OK", "version": 11}`),
			YAML: both("httplib:GET 127.0.0.1:5000/index None None:\n  content: hello\n  reason: OK\n  status: 200\n"),
		},
		want: "one of the Python cassette library, whose format this library does not read: record it again",
	},
	{
		why: "a go-vcr cassette points at cassette import",
		whole: map[Format]map[bool]string{
			JSON: both(`{"version": 2, "interactions": []}`),
			YAML: both("---\nversion: 2\ninteractions:\n- id: 0\n"),
		},
		want: "a go-vcr (or vcrpy) cassette: bring a go-vcr one in with `cassette import -from go-vcr",
	},
	{
		why: "a HAR file points at cassette import",
		whole: map[Format]map[bool]string{
			JSON: both(`{"log": {"version": "1.2", "entries": []}}`),
			YAML: both("log: {version: '1.2', entries: []}\n"),
		},
		want: "a HAR file: bring it in with `cassette import -from har",
	},
	{
		why:   "the file of one cassette of a directory library, opened as a single-file library, says to open its folder",
		whole: map[Format]map[bool]string{JSON: both("{\"version\": 1, \"exchanges\": []}"), YAML: both("version: 1\nexchanges: []\n")},
		only:  "file",
		want:  "the file of one cassette of a directory library (its exchanges at the top), not a single-file library (a list of cassettes): open its folder",
	},
	{
		why:   "a single-file library in the folder of a directory library says to move it out",
		whole: map[Format]map[bool]string{JSON: both("{\"version\": 1, \"cassettes\": []}"), YAML: both("version: 1\ncassettes: []\n")},
		only:  "dir",
		want:  "a single-file library (a list of cassettes), not the file of one cassette of the directory library",
	},
	{
		why: "a truncated file",
		whole: map[Format]map[bool]string{
			JSON: {false: "{\"version\": 1,\n\"cassettes\": [{\"name\": \"a\", \"exchanges\": [\n{\"request\": {\"method\": \"GE",
				true: "{\"version\": 1,\n\"exchanges\": [\n{\"request\": {\"method\": \"GE"},
			YAML: {false: "version: 1\ncassettes:\n- name: a\n  exchanges:\n  - request: {method: \"GE",
				true: "version: 1\n#\n#\nexchanges:\n- request: {method: \"GE"},
		},
		want: "unexpected end",
		line: map[Format]int{JSON: 3, YAML: 5},
	},
	{
		// yaml.v3 names the line where the enclosing collection starts.
		why: "a syntax error names its line",
		exchanges: map[Format]string{
			JSON: "{\"request\": {\"method\": \"GET\", \"url\": \"u\"},\n \"response\": {\"status\": 200,}}",
			YAML: "- request: {method: GET, url: u}\n  response:\n    status: 200\n   body: x",
		},
		line: map[Format]int{JSON: 4, YAML: 5},
	},
	{
		why: "a wrong type names its line",
		exchanges: map[Format]string{
			JSON: "{\"request\": {\"method\": \"GET\", \"url\": \"u\"},\n \"response\": {\"status\": \"200\"}}",
			YAML: "- request: {method: GET, url: u}\n  response: {status: \"200\"}",
		},
		want: "string",
		line: map[Format]int{JSON: 4, YAML: 6},
	},
	{
		why: "the top level is an object",
		whole: map[Format]map[bool]string{
			JSON: both("[1]"),
			YAML: both("- 1\n"),
		},
		line: map[Format]int{JSON: 1, YAML: 1},
	},
	{
		why: "headers are lists of strings",
		exchanges: map[Format]string{
			JSON: "{\"request\": {\"method\": \"GET\", \"url\": \"u\"},\n \"response\": {\"status\": 200, \"headers\": {\"A\": \"b\"}}}",
			YAML: "- request: {method: GET, url: u}\n  response: {status: 200, headers: {A: b}}",
		},
		line: map[Format]int{JSON: 4, YAML: 6},
	},
	{
		why: "a misspelt field is not ignored",
		exchanges: map[Format]string{
			JSON: "{\"request\": {\"method\": \"GET\", \"url\": \"u\", \"bdy\": \"x\"}, \"response\": {\"status\": 200}}",
			YAML: "- request: {method: GET, url: u, bdy: x}\n  response: {status: 200}",
		},
		want: "bdy",
	},
	{
		why:  "a tab in the indentation names its line",
		only: "file/yaml",
		whole: map[Format]map[bool]string{
			YAML: both("version: 1\ncassettes:\n- name: a\n  exchanges:\n  - request: {method: GET, url: u}\n    response:\n      status: 200\n\tbody: x\n"),
		},
		want: "tab",
		line: map[Format]int{YAML: 8},
	},
	{
		why:  "a control character names its line",
		only: "file/yaml",
		whole: map[Format]map[bool]string{
			YAML: both("version: 1\ncassettes:\n- name: a\n  exchanges:\n  - request:\n      method: GET\n      url: \"http://a/\x01\"\n"),
		},
		want: "control characters",
		line: map[Format]int{YAML: 7},
	},
	{
		why: "a misspelt field names its line",
		exchanges: map[Format]string{
			JSON: "{\"request\": {\"method\": \"GET\", \"url\": \"u\"},\n \"response\": {\"status\": 200,\n  \"bodyy\": \"x\"}}",
			YAML: "- request: {method: GET, url: u}\n  response:\n    status: 200\n    bodyy: x",
		},
		want: "bodyy",
		line: map[Format]int{JSON: 5, YAML: 8},
	},
	{
		why: "data after the end",
		whole: map[Format]map[bool]string{
			JSON: {false: "{\"version\": 1, \"cassettes\": []}\n\n{}", true: "{\"version\": 1, \"exchanges\": []}\n\n{}"},
			YAML: {false: "version: 1\ncassettes: []\n---\nversion: 1\n", true: "version: 1\nexchanges: []\n---\nversion: 1\n"},
		},
		line: map[Format]int{JSON: 3, YAML: 3},
	},
	{
		why: "invalid base64",
		exchanges: map[Format]string{
			JSON: `{"request": {"method": "GET", "url": "u"}, "response": {"status": 200, "body_encoding": "base64", "body": "!!!"}}`,
			YAML: "- request: {method: GET, url: u}\n  response: {status: 200, body_encoding: base64, body: '!!!'}",
		},
		want: `exchange 1: response: body: invalid base64`,
	},
	{
		why: "an unknown body encoding",
		exchanges: map[Format]string{
			JSON: `{"request": {"method": "GET", "url": "u", "body_encoding": "gzip", "body": "x"}, "response": {"status": 200}}`,
			YAML: "- request: {method: GET, url: u, body_encoding: gzip, body: x}\n  response: {status: 200}",
		},
		want: `unknown body_encoding "gzip"`,
	},
	{
		why: "a missing status",
		exchanges: map[Format]string{
			JSON: `{"request": {"method": "GET", "url": "u"}, "response": {}}`,
			YAML: "- request: {method: GET, url: u}\n  response: {}",
		},
		want: "missing status",
	},
	{
		why: "a status out of range",
		exchanges: map[Format]string{
			JSON: `{"request": {"method": "GET", "url": "u"}, "response": {"status": 1000}}`,
			YAML: "- request: {method: GET, url: u}\n  response: {status: 99}",
		},
		want: "out of range 100-999",
	},
	{
		why: "an empty method",
		exchanges: map[Format]string{
			JSON: `{"request": {"method": "", "url": "u"}, "response": {"status": 200}}`,
			YAML: "- request: {url: u}\n  response: {status: 200}",
		},
		want: "empty method",
	},
	{
		why: "a bad latency",
		exchanges: map[Format]string{
			JSON: `{"request": {"method": "GET", "url": "u"}, "response": {"status": 200}, "latency": "12"}`,
			YAML: "- request: {method: GET, url: u}\n  response: {status: 200}\n  latency: soon",
		},
		want: "latency",
	},
	{
		why: "a bad time",
		exchanges: map[Format]string{
			JSON: `{"request": {"method": "GET", "url": "u"}, "response": {"status": 200}, "recorded_at": "yesterday"}`,
			YAML: "- request: {method: GET, url: u}\n  response: {status: 200}\n  recorded_at: 2024-13-01T00:00:00Z",
		},
		want: "recorded_at",
	},
	{
		why:  "two cassettes of one name in a file",
		only: "file",
		whole: map[Format]map[bool]string{
			JSON: both(`{"version": 1, "cassettes": [{"name": "a", "exchanges": []}, {"name": "a", "exchanges": []}]}`),
			YAML: both("version: 1\ncassettes:\n- {name: a, exchanges: []}\n- {name: a, exchanges: []}\n"),
		},
		want: `duplicate cassette "a"`,
	},
	{
		why:  "an invalid name in a file",
		only: "file",
		whole: map[Format]map[bool]string{
			JSON: both(`{"version": 1, "cassettes": [{"name": "../a", "exchanges": []}]}`),
			YAML: both("version: 1\ncassettes:\n- {name: ../a, exchanges: []}\n"),
		},
		want: `invalid name "../a"`,
	},
	{
		why:   "a stray file in a directory",
		only:  "dir",
		extra: map[string]string{"notes.txt": "remember the milk"},
		file:  "notes.txt",
		want:  "not a cassette file: want NAME.json, NAME.yaml or NAME.yml (a file of your own, such as notes on the fixtures, may stay if its name starts with a dot",
	},
	{
		why:   "a subdirectory in a directory",
		only:  "dir",
		extra: map[string]string{"sub/b.json": `{"version": 1, "exchanges": []}`},
		file:  "sub",
		want:  "unexpected subdirectory: a directory library holds only cassette files and its bodies folder; if this subdirectory is a library, give its path",
	},
	{
		why:   "two files for one cassette",
		only:  "dir",
		extra: map[string]string{"b.json": `{"version": 1, "exchanges": []}`, "b.yml": "version: 1\nexchanges: []\n"},
		file:  "b.yml",
		want:  `two files for cassette "b": b.json and b.yml`,
	},
	{
		why:   "a file name that is not a cassette name",
		only:  "dir",
		extra: map[string]string{"-b.json": `{"version": 1, "exchanges": []}`},
		file:  "-b.json",
		want:  `invalid cassette name "-b"`,
	},
}

func TestErrors(t *testing.T) {
	for _, s := range stores {
		for _, bc := range badCases {
			if bc.only != "" && !strings.HasPrefix(s.name, bc.only) {
				continue
			}
			t.Run(s.name+"/"+bc.why, func(t *testing.T) {
				root := t.TempDir()
				lib := s.path(root)
				target := lib // the file with the error
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
				before := snapshot(t, root)

				l := s.open(t, root)
				err := l.Load()
				if err == nil {
					t.Fatalf("Load() = nil, want an error; file:\n%s", content)
				}
				t.Logf("Load() = %v", err)
				msg := err.Error()
				if !strings.Contains(msg, target) {
					t.Errorf("Load() = %q, does not name %s", msg, target)
				}
				if line := bc.line[s.format]; line > 0 && !strings.Contains(msg, fmt.Sprintf("%s:%d: ", target, line)) {
					t.Errorf("Load() = %q, does not name line %d", msg, line)
				}
				if !strings.Contains(msg, bc.want) {
					t.Errorf("Load() = %q, want it to say %q", msg, bc.want)
				}

				// Every other way in fails too, and changes nothing.
				l = s.open(t, root)
				if _, _, err := l.Get("a"); err == nil {
					t.Errorf("Get(a) = nil error")
				}
				if err := l.Append("a", exchange(1)); err == nil {
					t.Errorf("Append(a) = nil error")
				}
				if err := l.Save(); err != nil {
					t.Errorf("Save() = %v", err)
				}
				if after := snapshot(t, root); after != before {
					t.Errorf("files changed:\nbefore:\n%s\nafter:\n%s", before, after)
				}
			})
		}
	}
}

// validFile returns a valid file for cassette a.
func validFile(s store) string {
	if s.format == JSON {
		return wrap(JSON, s.dir, `{"request": {"method": "GET", "url": "u"}, "response": {"status": 200}}`)
	}
	return wrap(YAML, s.dir, "- request: {method: GET, url: u}\n  response: {status: 200}")
}

// snapshot describes every file under root: name, identity, content.
func snapshot(t *testing.T, root string) string {
	t.Helper()
	var b bytes.Buffer
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Stat(path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			// Its time changes when a temporary file comes and goes.
			fmt.Fprintf(&b, "%s/\n", path)
		} else {
			fmt.Fprintf(&b, "%s %v %d\n", path, fi.ModTime(), fi.Size())
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			b.Write(data)
			b.WriteString("\n")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// A file name that does not print (a newline, an escape sequence) is
// quoted in a library's errors: printed as it is, it split the message in
// two lines, or drove the terminal of whoever ran the tests. A name that
// prints stays as it is, in the path:line form editors read.
func TestErrorsQuoteFileNamesThatDoNotPrint(t *testing.T) {
	for _, name := range []string{"b\nc.txt", "\x1b[31mred.txt", "bad\xffutf8.txt"} {
		dir := filepath.Join(t.TempDir(), "lib")
		writeFile(t, filepath.Join(dir, name), "")
		l, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		err = l.Load()
		if err == nil {
			t.Fatalf("Load of a folder holding %q = nil, want an error naming it", name)
		}
		msg := err.Error()
		if strings.ContainsAny(msg, "\n\x1b") || strings.Contains(msg, "\xff") {
			t.Errorf("Load error %q holds the file name's unprintable characters as they are", msg)
		}
		if want := strconv.Quote(filepath.Join(dir, name)); !strings.Contains(msg, want) {
			t.Errorf("Load error %q does not name the file quoted, %s", msg, want)
		}
	}
	dir := filepath.Join(t.TempDir(), "lib")
	writeFile(t, filepath.Join(dir, "notes on fixtures.txt"), "")
	l, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Load(); err == nil || !strings.HasPrefix(err.Error(), filepath.Join(dir, "notes on fixtures.txt")+": ") {
		t.Errorf("Load error = %v, want it to start with the file's path as it is", err)
	}
}
