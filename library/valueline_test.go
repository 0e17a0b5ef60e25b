package library_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
)

// An error in a value of a hand-edited file (a body that says base64 but
// is not, a latency that is no duration, a time, a duplicate or invalid
// cassette name) names the line it stands on, as a syntax error does: it
// named the file, the cassette and the exchange, and no line.
func TestValueErrorsNameTheirLine(t *testing.T) {
	for _, tc := range []struct {
		name, file, content string
		want                string // the error's start: file:line:
	}{
		{"JSON body not base64", "lib.json", `{
  "version": 1,
  "cassettes": [
    {
      "name": "GET_a",
      "exchanges": [
        {
          "request": {"method": "GET", "url": "https://api.example.com/a"},
          "response": {"status": 200, "body": "YQ=="}
        }
      ]
    },
    {
      "name": "GET_b",
      "exchanges": [
        {
          "request": {"method": "GET", "url": "https://api.example.com/b"},
          "response": {"status": 200,
            "body_encoding": "base64",
            "body": "@@not base64@@"}
        }
      ]
    }
  ]
}
`, "lib.json:20: "},
		{"YAML latency no duration", "lib.yaml", `version: 1
cassettes:
  - name: GET_a
    exchanges:
      - request:
          method: GET
          url: https://api.example.com/a
        response:
          status: 200
        latency: soon
`, "lib.yaml:10: "},
		{"duplicate name, the second", "lib.json", `{"version": 1, "cassettes": [
{"name": "GET_a", "exchanges": []},
{"name": "GET_a", "exchanges": []}
]}
`, "lib.json:3: "},
		{"invalid name", "lib.yaml", `version: 1
cassettes:
  - name: GET_a
    exchanges: []
  - name: "../x"
    exchanges: []
`, "lib.yaml:5: "},
		{"directory file, recorded_at no time", "dir/GET_a.json", `{
  "version": 1,
  "exchanges": [
    {
      "request": {"method": "GET", "url": "https://api.example.com/a"},
      "response": {"status": 200},
      "recorded_at": "yesterday"
    }
  ]
}
`, "GET_a.json:7: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			file := filepath.Join(root, filepath.FromSlash(tc.file))
			if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			path := file
			if strings.HasPrefix(tc.file, "dir/") {
				path = filepath.Dir(file)
			}
			lib, err := library.Open(path)
			if err == nil {
				err = lib.Load()
			}
			if err == nil {
				t.Fatalf("Load of %s: no error", tc.file)
			}
			msg := strings.TrimPrefix(err.Error(), filepath.Dir(file)+string(filepath.Separator))
			if !strings.HasPrefix(msg, tc.want) {
				t.Errorf("Load of %s: error %q, want it to start %q", tc.file, err, tc.want)
			}
		})
	}
}
