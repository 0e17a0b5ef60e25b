package library

import (
	"path/filepath"
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
