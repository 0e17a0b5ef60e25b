package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// An -upstream that holds a password and fails to parse (a password with a
// bare %, as passwords have; a port mistyped) is refused as a usage error
// without printing the password.
func TestReviewUnparsableUpstreamPasswordIsNotPrinted(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	lib := driftLibrary(t)
	for _, up := range []string{"https://user:s3cret%@api.example.com", "https://user:s3cret@api.example.com:44x3"} {
		for _, args := range [][]string{
			{"drift", "-upstream", up, lib},
			{"record", "-upstream", up, filepath.Join(t.TempDir(), "rec")},
			{"serve", "-mode", "record", "-upstream", up, filepath.Join(t.TempDir(), "srv")},
		} {
			code, stdout, stderr := runSync(t, args...)
			if code != exitUsage {
				t.Errorf("%s -upstream %s = %d; want %d", args[0], up, code, exitUsage)
			}
			if strings.Contains(stdout+stderr, "s3cret") {
				t.Errorf("%s printed the upstream's password:\n%s%s", args[0], stdout, stderr)
			}
		}
	}
}
