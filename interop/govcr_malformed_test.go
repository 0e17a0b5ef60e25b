package interop

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/internal/govcr"
)

// importFile writes a go-vcr cassette and imports it with the CLI into a
// new library, returning its output and whether it failed.
func importFile(t *testing.T, bin, cassette string, args ...string) (string, bool) {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "in.yaml")
	if err := os.WriteFile(src, []byte(cassette), 0o644); err != nil {
		t.Fatal(err)
	}
	args = append(append([]string{"import", "-from", "go-vcr"}, args...), src, filepath.Join(dir, "out"))
	out, err := runCassette(t, bin, args...)
	return out, err != nil
}

// An interaction whose request has no URL, or one that names no host,
// gives a cassette no request can ever reach: the import refuses it,
// saying which interaction, rather than writing it.
func TestGoVCRImportRefusesURLs(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{``, "no request url"},
		{`url: /v1/users`, "not an absolute http or https URL"},
		{`url: "http:///v1/users"`, "not an absolute http or https URL"},
		{`url: ftp://files.example.com/a`, "not an absolute http or https URL"},
	} {
		cassette := "version: 2\ninteractions:\n  - id: 4\n    request: {method: GET, " + tc.url + "}\n    response: {code: 200, body: hi}\n"
		_, err := govcr.Import([]byte(cassette))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "interaction 1 (id 4)") {
			t.Errorf("Import(request {%s}) = %v; want an error naming interaction 1 (id 4): %s", tc.url, err, tc.want)
		}
	}
}

// A URL that does not parse is reported without itself: the error of
// url.Parse quotes it whole, credentials included, into the import's
// output (a CI log), which the import redacts everywhere else.
func TestGoVCRImportErrorHidesURL(t *testing.T) {
	bin := cassetteBin(t)
	for _, u := range []string{
		`"http://ada:PASSW0RD-1234@api.example.com/%zz"`,
		`"http://api.example.com/a?access_token=TOK3N-1234\x7f"`,
	} {
		out, failed := importFile(t, bin, "version: 2\ninteractions:\n  - id: 0\n    request: {method: GET, url: "+u+"}\n    response: {code: 200}\n")
		if !failed || !strings.Contains(out, "interaction 1 (id 0): invalid request") {
			t.Errorf("import of url %s: failed %t, output %q; want an invalid request error", u, failed, out)
		}
		if strings.Contains(out, "PASSW0RD") || strings.Contains(out, "TOK3N") {
			t.Errorf("import of url %s: the error shows the credential: %q", u, out)
		}
	}
}

// An interaction without its response, or with a status that holds no
// code, is refused in words that say so, not as "response code 0".
func TestGoVCRImportMissingResponse(t *testing.T) {
	for _, tc := range []struct{ response, want string }{
		{``, "no response"},
		{"\n    response: {}", "no response"},
		{"\n    response: {status: Teapot}", `response status "Teapot" has no code`},
		{"\n    response: {code: 42}", "response code 42 out of range 100-999"},
	} {
		cassette := "version: 2\ninteractions:\n  - id: 2\n    request: {method: GET, url: 'http://x/a'}" + tc.response + "\n"
		_, err := govcr.Import([]byte(cassette))
		if err == nil || !strings.Contains(err.Error(), "interaction 1 (id 2): "+tc.want) {
			t.Errorf("Import(%q) = %v; want an error naming interaction 1 (id 2): %s", tc.response, err, tc.want)
		}
	}
}
