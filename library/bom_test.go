package library

import (
	"os"
	"path/filepath"
	"testing"
)

// A library file saved by a Windows editor with a byte order mark (Notepad's
// "UTF-8 with BOM", PowerShell 5's Out-File) is read as without one: JSON
// and YAML, a single file and a directory library's cassette file.
func TestFilesWithAByteOrderMarkAreRead(t *testing.T) {
	const bom = "\ufeff"
	dir := t.TempDir()
	jsonFile := `{"version": 1, "cassettes": [{"name": "GET_x_80_a", "exchanges": [{"request": {"method": "GET", "url": "http://x/a"}, "response": {"status": 200, "body": "hi"}}]}]}`
	yamlFile := "version: 1\ncassettes:\n  - name: GET_x_80_a\n    exchanges:\n      - request: {method: GET, url: 'http://x/a'}\n        response: {status: 200, body: hi}\n"
	cassette := `{"version": 1, "exchanges": [{"request": {"method": "GET", "url": "http://x/a"}, "response": {"status": 200, "body": "hi"}}]}`
	os.MkdirAll(filepath.Join(dir, "lib"), 0o755)
	for file, content := range map[string]string{
		"api.json":            jsonFile,
		"api.yaml":            yamlFile,
		"lib/GET_x_80_a.json": cassette,
	} {
		if err := os.WriteFile(filepath.Join(dir, file), []byte(bom+content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, path := range []string{"api.json", "api.yaml", "lib"} {
		l, err := Open(filepath.Join(dir, path))
		if err != nil {
			t.Fatal(err)
		}
		c, ok, err := l.Get("GET_x_80_a")
		if err != nil || !ok {
			t.Errorf("%s: found %v, %v", path, ok, err)
			continue
		}
		if len(c.Exchanges) != 1 || string(c.Exchanges[0].Response.Body) != "hi" {
			t.Errorf("%s: read %+v", path, c)
		}
	}
}
