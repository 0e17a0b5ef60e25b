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
	{method: "GET", url: "https://storage.example.com/b/o", header: []string{"Range: bytes=0-4"}},
	{method: "GET", url: "https://storage.example.com/b/o", header: []string{"Range: bytes=6-8"}},
	{method: "GET", url: "https://storage.example.com/b/o", header: []string{"range: bytes=6-8"}, rules: Rules{Headers: []string{"range"}}},
	upload(signed, "5;chunk-signature="+strings.Repeat("a1", 32)+"\r\nhello\r\n0;chunk-signature="+strings.Repeat("b2", 32)+"\r\n\r\n"),
}

// TestGolden pins the names of goldenSpecs: a change of naming renames
// every cassette, so it must show as a diff of testdata/names.golden.
// Run with -update to rewrite the file.
func TestGolden(t *testing.T) {
	checkGolden(t, "names.golden", goldenSpecs)
}

// bodySpecs are the requests whose names under body rules and routes are
// pinned in testdata/bodies.golden, apart from names.golden so that the
// names under the default rules stay in a file of their own. Add to the
// end; never edit a line without meaning to rename cassettes.
func bodySpecs(t testing.TB) []spec {
	order := part{"order", "", "application/json", `{"item":42}`}
	file := part{"file", "a.txt", "text/plain", "hello"}
	search := Default().Route("POST /v1/search", ignoreRules)
	return []spec{
		post("application/json", `{"item":42}`, jsonRules),
		post("application/json", `{ "item": 42, "gift": true }`, jsonRules),
		post("application/json; charset=utf-8", `{"gift":true,"item":42}`, jsonRules),
		post("application/vnd.api+json", `{"data":{"type":"orders","id":"1"}}`, jsonRules),
		post("application/json", `[1.0, -0, 1e2, "\u00e9", null]`, jsonRules),
		post("application/json", `{"item":42,}`, jsonRules),
		post("application/x-www-form-urlencoded", "b=2&a=x+y&a=%41", formRules),
		post("application/x-www-form-urlencoded", "a=%zz", formRules),
		multipartPost(t, "golden", file, order),
		multipartPost(t, "other", order, file),
		post("text/plain", "nonce=8f1c", ignoreRules),
		post("application/json", `{"q":"go","timestamp":1700000000}`, timestampRules),
		{method: "POST", url: "http://h/v1/search", body: `{"q":"go"}`, rules: search},
		{method: "POST", url: "http://h/v1/orders", body: `{"q":"go"}`, rules: search},
	}
}

// TestGoldenBodies pins the names of bodySpecs, as TestGolden does.
func TestGoldenBodies(t *testing.T) {
	checkGolden(t, "bodies.golden", bodySpecs(t))
}

// checkGolden compares the names of specs with those in testdata/file, or
// rewrites the file under -update.
func checkGolden(t *testing.T, file string, specs []spec) {
	t.Helper()
	var b strings.Builder
	for _, s := range specs {
		req := s.String()
		if strings.ContainsAny(req, "\t\n") {
			t.Fatalf("spec %q holds a tab or newline", req)
		}
		b.WriteString(req + "\t" + s.name(t) + "\n")
	}
	got := b.String()
	path := filepath.Join("testdata", file)
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
			t.Errorf("%s line %d: got %q, want nothing", file, i+1, line)
		case line != want[i]:
			t.Errorf("%s line %d:\n got  %q\n want %q", file, i+1, line, want[i])
		}
	}
	if n, m := len(strings.Split(got, "\n")), len(want); n < m {
		t.Errorf("%s: got %d lines, want %d (run go test -update after checking the change)", file, n, m)
	}
}

// TestGoldenFileSafe checks every golden name is safe as a file name.
func TestGoldenFileSafe(t *testing.T) {
	for _, s := range append(goldenSpecs, bodySpecs(t)...) {
		checkFileName(t, s.name(t))
	}
}
