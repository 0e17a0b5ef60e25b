package naming

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// longQuery and longPath make URLs of about 2 KB.
var (
	longQuery = "https://api.example.com/search?q=" + strings.Repeat("a", 2000)
	longPath  = "https://api.example.com/" + strings.Repeat("segment/", 250)
)

// goldenSpecs are the requests whose names are pinned in
// testdata/names.golden. Add to the end; never edit a line without
// meaning to rename cassettes.
var goldenSpecs = []spec{
	get("https://api.example.com/v1/users?page=2&sort=name"),
	get("http://example.com"),
	get("http://example.com/"),
	get("http://example.com:8080/health"),
	get("https://api.example.com:443/v1"),
	{method: "GET", url: "/v1/users", host: "localhost:8080"},
	{method: "GET", url: "/v1/users", host: "api.example.com", tls: true},
	get("http://[::1]:8080/v1/users"),
	get("http://[fe80::1%25en0]/"),
	get("https://API.Example.COM/v1"),
	get("http://ex_ample.com/"),
	get("http://example.com/a%2Fb"),
	get("http://example.com/a/b"),
	get("http://example.com/a/%2e%2e/b"),
	get("http://example.com/a/../b"),
	get("http://example.com/Users/Alice"),
	get("http://example.com/snake_case/path"),
	get("http://example.com/a//b/"),
	get("http://example.com/café?q=th%C3%A9"),
	get("http://example.com/search?q=thé"),
	get("http://example.com/search?tag=b&tag=a&q=x"),
	get("http://example.com/search?q=a,b&Q=1"),
	{method: "GET", url: "http://example.com/list?_=1699999999&page=1", rules: Rules{IgnoreQuery: []string{"_"}}},
	{method: "get", url: "http://example.com/"},
	{method: "PROPFIND", url: "http://example.com/dav/"},
	{method: "POST", url: "https://api.example.com/v1/orders", body: `{"item":42}`},
	{method: "POST", url: "https://api.example.com/v1/orders"},
	{method: "GET", url: "https://api.example.com/v1/me", header: []string{"Authorization: Bearer a"}, rules: Rules{Headers: []string{"Authorization"}}},
	{method: "GET", url: "https://api.example.com/v1/me", rules: Rules{Headers: []string{"Authorization"}}},
	{method: "GET", url: "https://api.example.com/v1/data", header: []string{"Accept: text/csv", "Accept: application/json"}, rules: Rules{Headers: []string{"accept", "x-api-version"}}},
	get(longQuery),
	get(longPath),
	get("http://example.com/a+b/c=d;e"),
	get("http://example.com/v1.2."),
	{method: "OPTIONS", url: "*", host: "example.com"},
}

// TestGolden pins the names of goldenSpecs: a change of naming renames
// every cassette, so it must show as a diff of testdata/names.golden.
// Run with -update to rewrite the file.
func TestGolden(t *testing.T) {
	var b strings.Builder
	for _, s := range goldenSpecs {
		req := s.String()
		if strings.ContainsAny(req, "\t\n") {
			t.Fatalf("spec %q holds a tab or newline", req)
		}
		b.WriteString(req + "\t" + s.name(t) + "\n")
	}
	got := b.String()
	path := filepath.Join("testdata", "names.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	want := strings.Split(string(data), "\n")
	for i, line := range strings.Split(got, "\n") {
		switch {
		case i >= len(want):
			t.Errorf("line %d: got %q, want nothing", i+1, line)
		case line != want[i]:
			t.Errorf("line %d:\n got  %q\n want %q", i+1, line, want[i])
		}
	}
	if n, m := len(strings.Split(got, "\n")), len(want); n < m {
		t.Errorf("got %d lines, want %d (run go test -update after checking the change)", n, m)
	}
}

// TestGoldenFileSafe checks every golden name is safe as a file name.
func TestGoldenFileSafe(t *testing.T) {
	for _, s := range goldenSpecs {
		checkFileName(t, s.name(t))
	}
}
