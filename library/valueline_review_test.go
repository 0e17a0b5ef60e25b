package library_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
)

// The line an error in a value names is where the parser saw the value,
// not the first place its text stands: a cassette name also in a comment
// or in another cassette's body, a latency "10" after a status 410, a
// base64 body in a block scalar, a name in flow style or with a JSON
// escape. Searching the text named a wrong line, or none.
func TestValueLineIsTheParsersLine(t *testing.T) {
	for _, tc := range []struct {
		name, file, content, want string
	}{
		{"duplicate after a comment naming it", "lib.yaml",
			"version: 1\n# copied from GET_a\ncassettes:\n  - name: GET_a\n    exchanges: []\n  - name: GET_a\n    exchanges: []\n",
			"lib.yaml:6: "},
		{"duplicate named in a body before", "lib.yaml",
			"version: 1\ncassettes:\n  - name: GET_a\n    exchanges:\n      - request: {method: GET, url: 'https://x/a'}\n        response:\n          status: 200\n          body: |\n            see GET_b\n  - name: GET_b\n    exchanges: []\n  - name: GET_b\n    exchanges: []\n",
			"lib.yaml:12: "},
		{"latency 10 after a status 410", "lib.json",
			"{\"version\": 1, \"cassettes\": [\n{\"name\": \"GET_a\", \"exchanges\": [{\n \"request\": {\"method\": \"GET\", \"url\": \"https://x/a\"},\n \"response\": {\"status\": 410,\n   \"headers\": {\"Content-Length\": [\"104\"]}},\n \"latency\": \"10\"}]}\n]}\n",
			"lib.json:6: "},
		{"base64 body in a block scalar", "lib.yaml",
			"version: 1\ncassettes:\n  - name: GET_a\n    exchanges:\n      - request: {method: GET, url: 'https://x/a'}\n        response:\n          status: 200\n          body_encoding: base64\n          body: |\n            @@no@@\n            more\n",
			"lib.yaml:9: "},
		{"second exchange's latency, its text in the first's body", "lib.yaml",
			"version: 1\ncassettes:\n  - name: GET_a\n    exchanges:\n      - request: {method: GET, url: 'https://x/a'}\n        response: {status: 200, body: soon}\n      - request: {method: GET, url: 'https://x/a'}\n        response: {status: 200}\n        latency: soon\n",
			"lib.yaml:9: "},
		{"duplicate in flow style", "lib.yaml",
			"version: 1\ncassettes:\n  - {name: GET_a, exchanges: []}\n  - {name: GET_a, exchanges: []}\n",
			"lib.yaml:4: "},
		{"duplicate with a JSON escape", "lib.json",
			"{\"version\": 1, \"cassettes\": [\n{\"name\": \"GET_a\", \"exchanges\": []},\n{\"name\": \"GET_\\u0061\", \"exchanges\": []}\n]}\n",
			"lib.json:3: "},
		{"CRLF and a BOM", "lib.yaml",
			"\ufeffversion: 1\r\ncassettes:\r\n  - name: GET_a\r\n    exchanges: []\r\n  - name: GET_a\r\n    exchanges: []\r\n",
			"lib.yaml:5: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), tc.file)
			if err := os.WriteFile(file, []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			lib, err := library.Open(file)
			if err == nil {
				err = lib.Load()
			}
			if err == nil {
				t.Fatalf("Load: no error")
			}
			msg := strings.TrimPrefix(err.Error(), filepath.Dir(file)+string(filepath.Separator))
			if !strings.HasPrefix(msg, tc.want) {
				t.Errorf("Load: error %q, want it to start %q", msg, tc.want)
			}
		})
	}
}
