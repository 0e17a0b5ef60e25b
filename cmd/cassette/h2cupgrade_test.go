package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/internal/h2cupstream"
)

// curl --http2 over http:// asks cassette record for an h2c upgrade: the
// upstream gets the request without it, answers over HTTP/1.1, and the
// exchange is recorded. The upgrade was passed on, and an upstream that
// accepted it had the connection spliced through: nothing recorded.
func TestCurlHTTP2UpgradeIsRecorded(t *testing.T) {
	curl := lookTool(t, "curl")
	t.Setenv("CASSETTE_MODE", "")
	api := h2cupstream.New(t)
	lib := filepath.Join(t.TempDir(), "api")
	p := start(t, "record", "-upstream", api.URL, lib)
	out := runTool(t, nil, curl, "-sS", "--http2", p.baseURL()+"/x")
	if want := `HTTP/1.1 /x settings=""`; out != want {
		t.Errorf("curl --http2 %s/x printed %q, want %q", p.baseURL(), out, want)
	}
	if code := p.stop(); code != 0 {
		t.Errorf("record exited with %d, want 0; stderr:\n%s", code, p.stderr.String())
	}
	files, _ := os.ReadDir(lib)
	if len(files) != 1 {
		t.Errorf("the library holds %d file(s), want the cassette of /x", len(files))
	}
}
