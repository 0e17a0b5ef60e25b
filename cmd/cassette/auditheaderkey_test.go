package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// A client's request may set its Content-Type as "content-type", which
// the recorder stores under that key, redacts a form under (see
// redact.Rules.Body) and scans under it, logging that cassette audit
// finds the secret fields left: audit read the type by its canonical key
// alone, so such a form (or NDJSON) body was not read as one, and its
// secrets went unreported. It reads the type under any key now.
func TestAuditReadsARequestContentTypeUnderAnyKey(t *testing.T) {
	for _, c := range []struct {
		why, ct, body, want string
	}{
		{"a form's secret_id", "application/x-www-form-urlencoded", "role_id=abc&secret_id=6a174c20f6dea53c74d26018fcceff64",
			"token in request body form field secret_id (6a17…)"},
		{"a form's short token the recorder redacts", "application/x-www-form-urlencoded", "token=abc&channel=C1",
			"token in request body form field token (a…)"},
		{"an NDJSON line's password", "application/x-ndjson", "{\"id\":1}\n{\"password\":\"hunter2hunter2\"}\n",
			"secret JSON member password in request body (hunt…)"},
	} {
		ex := exchange("POST", "https://api.example.com/v1/login", c.body, 200, "application/json", []byte(`{}`), fixedNow)
		delete(ex.Request.Header, "Content-Type")
		ex.Request.Header["content-type"] = []string{c.ct}
		path := filepath.Join(t.TempDir(), "api")
		writeExchanges(t, path, ex)
		if code, stdout, _ := runSync(t, "audit", path); code != exitError || !strings.Contains(stdout, c.want) {
			t.Errorf("%s: audit (request header content-type: %s) = %d:\n%s\nwant 1 and %q", c.why, c.ct, code, stdout, c.want)
		}
	}
}
