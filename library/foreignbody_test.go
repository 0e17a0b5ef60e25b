package library

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Copying cassettes into a library whose folder holds the source library
// (convert rich into rich.yaml beside it) copies the body files the
// source's cassette files name by hand (bodies/blob.bin), as it copies
// those named after their content: before, the copy kept pointing into
// the source library, and broke once that was moved or removed.
func TestCopiedCassettesTakeHandNamedBodyFilesAlong(t *testing.T) {
	parent := t.TempDir()
	src := filepath.Join(parent, "rich")
	if err := os.MkdirAll(filepath.Join(src, "bodies"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "bodies", "blob.bin"), []byte("x\x00y"), 0o644); err != nil {
		t.Fatal(err)
	}
	cassette := `{"version": 1, "exchanges": [{"request": {"method": "GET", "url": "https://api.example.com/blob"}, "response": {"status": 200, "body_file": "bodies/blob.bin"}}]}`
	if err := os.WriteFile(filepath.Join(src, "GET_api.example.com_443_blob.json"), []byte(cassette), 0o644); err != nil {
		t.Fatal(err)
	}
	from, err := Open(src)
	if err != nil {
		t.Fatal(err)
	}
	c, ok, err := from.Get("GET_api.example.com_443_blob")
	if err != nil || !ok {
		t.Fatalf("Get = %v, %v", ok, err)
	}
	dst := filepath.Join(parent, "rich.yaml")
	to, err := Open(dst)
	if err != nil {
		t.Fatal(err)
	}
	if err := to.Put(c); err != nil {
		t.Fatal(err)
	}
	if err := to.Save(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(dst)
	if strings.Contains(string(data), "rich/bodies/blob.bin") {
		t.Errorf("the copy names the source library's body file:\n%s", data)
	}
	if err := os.RemoveAll(src); err != nil {
		t.Fatal(err)
	}
	again, err := Open(dst)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := again.Get("GET_api.example.com_443_blob")
	if err != nil {
		t.Fatal(err)
	}
	body, err := got.Exchanges[0].Response.ReadBody()
	if err != nil || string(body) != "x\x00y" {
		t.Errorf("with the source removed, the copy's body = %q, %v; want %q", body, err, "x\x00y")
	}
}
