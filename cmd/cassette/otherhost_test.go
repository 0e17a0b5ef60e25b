package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// curl with cassette record as its HTTP proxy (curl -x, as the README
// advises for a client that follows redirects to the API's own address):
// a request for the API's own URL is recorded; one for another host is
// answered 502 naming that host and the upstream, reaches no server, is
// not recorded, and record exits 1. It was forwarded to the upstream,
// answered by it, and recorded under the upstream's host.
func TestCurlProxyRequestForAnotherHost(t *testing.T) {
	curl := lookTool(t, "curl")
	t.Setenv("CASSETTE_MODE", "")
	var got atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Add(1)
		io.WriteString(w, "api:"+r.URL.Path)
	}))
	defer api.Close()
	lib := filepath.Join(t.TempDir(), "api")
	p := start(t, "record", "-upstream", api.URL, lib)
	base := p.baseURL()

	out := runTool(t, nil, curl, "-sS", "-x", base, "-w", "\n%{http_code}", "http://other.invalid/x")
	if !strings.HasSuffix(out, "\n502") || !strings.Contains(out, "http://other.invalid") || !strings.Contains(out, api.URL) {
		t.Errorf("curl -x %s http://other.invalid/x printed %q, want a 502 naming http://other.invalid and the upstream %s", base, out, api.URL)
	}
	if n := got.Load(); n != 0 {
		t.Errorf("the upstream got %d request(s) for another host, want none", n)
	}
	if out := runTool(t, nil, curl, "-sS", "-x", base, api.URL+"/own"); out != "api:/own" {
		t.Errorf("curl -x %s %s/own printed %q, want %q", base, api.URL, out, "api:/own")
	}
	if code := p.stop(); code != exitError {
		t.Errorf("record exited with %d, want %d (a request not recorded); stderr:\n%s", code, exitError, p.stderr.String())
	}
	if !strings.Contains(p.stderr.String(), "other.invalid") {
		t.Errorf("record's log does not name other.invalid:\n%s", p.stderr.String())
	}
	files, err := os.ReadDir(lib)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.Name())
	}
	if len(names) != 1 || !strings.Contains(names[0], "_own") {
		t.Errorf("the library holds %q, want only the cassette of /own", names)
	}
}
