package main

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// An -upstream with credentials (https://user:password@host): drift sends
// them, as Basic authentication, and never prints the password; serve and
// record, whose proxy sends the client's own credentials and not these,
// refuse it as a usage error, without printing it either.
func TestUpstreamCredentialsAreNotPrinted(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	api := httptest.NewServer(&fakeAPI{changed: true})
	defer api.Close()
	lib := driftLibrary(t)
	up := strings.Replace(api.URL, "http://", "http://user:s3cret@", 1)
	code, stdout, stderr := runSync(t, "drift", "-upstream", up, lib)
	if code != exitError || !strings.Contains(stdout, "drifted") {
		t.Fatalf("drift = %d; want 1, a drift:\n%s%s", code, stdout, stderr)
	}
	if strings.Contains(stdout+stderr, "s3cret") {
		t.Errorf("drift printed the upstream's password:\n%s%s", stdout, stderr)
	}
	for _, args := range [][]string{
		{"record", "-upstream", up, filepath.Join(t.TempDir(), "rec")},
		{"serve", "-mode", "record", "-upstream", up, filepath.Join(t.TempDir(), "srv")},
		{"serve", "-upstream", "http://user:s3cret@", lib}, // no host: refused as no URL
	} {
		code, stdout, stderr := runSync(t, args...)
		if code != exitUsage || !strings.Contains(stderr, "-upstream") {
			t.Errorf("%s with credentials in -upstream = %d; want %d, a usage error naming -upstream:\n%s%s", args[0], code, exitUsage, stdout, stderr)
		}
		if strings.Contains(stdout+stderr, "s3cret") {
			t.Errorf("%s printed the upstream's password:\n%s%s", args[0], stdout, stderr)
		}
	}
}

// A user name without a password is the token (https://TOKEN@host, as the
// recorder redacts it since 1e7c20a): drift sends it as Basic
// authentication, and neither drift's summary nor serve's and record's
// usage error prints it, which url.URL.Redacted, hiding a password only,
// did.
func TestUpstreamUserNameTokenIsNotPrinted(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	api := httptest.NewServer(&fakeAPI{changed: true})
	defer api.Close()
	lib := driftLibrary(t)
	up := strings.Replace(api.URL, "http://", "http://ghp_s3cret@", 1)
	code, stdout, stderr := runSync(t, "drift", "-upstream", up, lib)
	if code != exitError || !strings.Contains(stdout, "drifted") {
		t.Fatalf("drift = %d; want 1, a drift:\n%s%s", code, stdout, stderr)
	}
	if strings.Contains(stdout+stderr, "s3cret") {
		t.Errorf("drift printed the upstream's user name, the token:\n%s%s", stdout, stderr)
	}
	// An upstream that drops every connection: the client's errors name
	// the URL.
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
		}
	}))
	defer down.Close()
	code, stdout, stderr = runSync(t, "drift", "-upstream", strings.Replace(down.URL, "http://", "http://ghp_s3cret@", 1), lib)
	if code != exitError || !strings.Contains(stdout+stderr, "xxxxx@") {
		t.Errorf("drift against an upstream that does not answer = %d; want 1, errors naming the URL with its token hidden:\n%s%s", code, stdout, stderr)
	}
	if strings.Contains(stdout+stderr, "s3cret") {
		t.Errorf("drift printed the upstream's user name, the token, in an error:\n%s%s", stdout, stderr)
	}
	for _, args := range [][]string{
		{"record", "-upstream", up, filepath.Join(t.TempDir(), "rec")},
		{"serve", "-upstream", up, lib},
	} {
		code, stdout, stderr := runSync(t, args...)
		if code != exitUsage || !strings.Contains(stderr, "-upstream") {
			t.Errorf("%s with a user name in -upstream = %d; want %d, a usage error naming -upstream:\n%s%s", args[0], code, exitUsage, stdout, stderr)
		}
		if strings.Contains(stdout+stderr, "s3cret") {
			t.Errorf("%s printed the upstream's user name, the token:\n%s%s", args[0], stdout, stderr)
		}
	}
}
