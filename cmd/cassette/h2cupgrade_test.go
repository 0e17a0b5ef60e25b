package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// curl --http2 over http:// asks cassette record for an h2c upgrade: the
// upstream gets the request without it, answers over HTTP/1.1, and the
// exchange is recorded. The upgrade was passed on, and an upstream that
// accepted it had the connection spliced through: nothing recorded.
func TestCurlHTTP2UpgradeIsRecorded(t *testing.T) {
	curl := lookTool(t, "curl")
	t.Setenv("CASSETTE_MODE", "")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "h2c") {
			conn, brw, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\nspliced, not HTTP/2")
			brw.Flush()
			return
		}
		fmt.Fprintf(w, "%s %s", r.Proto, r.URL.Path)
	}))
	defer api.Close()
	lib := filepath.Join(t.TempDir(), "api")
	p := start(t, "record", "-upstream", api.URL, lib)
	out := runTool(t, nil, curl, "-sS", "--http2", p.baseURL()+"/x")
	if out != "HTTP/1.1 /x" {
		t.Errorf("curl --http2 %s/x printed %q, want %q", p.baseURL(), out, "HTTP/1.1 /x")
	}
	if code := p.stop(); code != 0 {
		t.Errorf("record exited with %d, want 0; stderr:\n%s", code, p.stderr.String())
	}
	files, _ := os.ReadDir(lib)
	if len(files) != 1 {
		t.Errorf("the library holds %d file(s), want the cassette of /x", len(files))
	}
}
