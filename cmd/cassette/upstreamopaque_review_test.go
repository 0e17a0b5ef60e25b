package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// An -upstream given without its scheme ("user:password@host:port") parses
// as an opaque URL, whose Redacted form is the string as given: the usage
// error must not print the password either.
func TestReviewSchemelessUpstreamPasswordIsNotPrinted(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	lib := driftLibrary(t)
	for _, up := range []string{
		"admin:s3cret@api.example.com:8080",
		"admin:s3cret@api.example.com",
		"admin:s3cr%et@api.example.com/v1",
		"https//admin:s3cr%et@api.example.com/?next=https://example.com/",
	} {
		for _, args := range [][]string{
			{"drift", "-upstream", up, lib},
			{"record", "-upstream", up, filepath.Join(t.TempDir(), "rec")},
			{"serve", "-mode", "record", "-upstream", up, filepath.Join(t.TempDir(), "srv")},
		} {
			code, stdout, stderr := runSync(t, args...)
			if code != exitUsage {
				t.Errorf("%s -upstream %s = %d; want %d", args[0], up, code, exitUsage)
			}
			if strings.Contains(stdout+stderr, "s3cr") {
				t.Errorf("%s -upstream %s printed the upstream's password:\n%s%s", args[0], up, stdout, stderr)
			}
		}
	}
}
