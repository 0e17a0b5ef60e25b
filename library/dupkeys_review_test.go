package library

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A member whose name is spelt with an escape is the same member to
// encoding/json: given twice, the file must be refused as the plain
// spelling is, not read as its last.
func TestReviewDuplicateKeySpeltWithEscape(t *testing.T) {
	const ex = `{"request": {"method": "GET", "url": "https://a.example/x"}, "response": {"status": 200, "body": "one"}}`
	for _, c := range []struct{ name, file, want string }{
		{"cassettes", `{"version": 1, "cassettes": [{"name": "GET_a", "exchanges": [` + ex + `]}],
"cassette\u0073": []}`, "cassettes"},
		{"header", `{"version": 1, "cassettes": [{"name": "GET_a", "exchanges": [
{"request": {"method": "GET", "url": "https://a.example/x"}, "response": {"status": 200, "headers": {"Set-Cookie": ["a=1"], "Set\u002dCookie": ["b=2"]}}}]}]}`, "Set-Cookie"},
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
			if err == nil || !strings.Contains(err.Error(), "given twice") {
				t.Errorf("Names: %v; want the member %q refused as given twice", err, c.want)
			}
		})
	}
}
