package main

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// drift sends the credentials of an -upstream URL as Basic
// authentication (README): also for a cassette recorded with an
// Authorization header, stored redacted ("Basic REDACTED"), which would
// otherwise be sent in their place.
func TestReviewDriftSendsUpstreamCredentialsOverARedactedAuthorization(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	var mu sync.Mutex
	var seen []string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("Authorization"))
		mu.Unlock()
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("ok"))
	}))
	defer api.Close()
	ex := exchange("GET", "https://api.example.com/me", "", 200, "text/plain", []byte("ok"), fixedNow)
	ex.Request.Header.Set("Authorization", "Basic REDACTED")
	path := filepath.Join(t.TempDir(), "api")
	writeExchanges(t, path, ex)
	up := strings.Replace(api.URL, "http://", "http://user:s3cret@", 1)
	code, stdout, stderr := runSync(t, "drift", "-upstream", up, path)
	if code != exitOK {
		t.Errorf("drift = %d:\n%s%s", code, stdout, stderr)
	}
	r, _ := http.NewRequest("GET", "/", nil)
	r.SetBasicAuth("user", "s3cret")
	want := r.Header.Get("Authorization")
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 1 || seen[0] != want {
		t.Errorf("the API got Authorization %q; want %q, the -upstream URL's credentials", seen, want)
	}
}
