package replayserver_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// A run in passthrough mode answers nothing from cassettes, so it cannot
// tell which are stale: the package-wide report must not list the whole
// library (cassette prune -force, or xargs rm, would then delete the
// cassettes of the very requests it forwarded), as Strict already knows.
func TestPassthroughReportsNoneUnused(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("live")) }))
	defer up.Close()
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/a", "/b")

	h, err := replayserver.NewHandler(path, replayserver.WithMode(replayserver.ModePassthrough), replayserver.Upstream(up.URL))
	if err != nil {
		t.Fatal(err)
	}
	s := httptest.NewServer(h)
	resp, err := http.Get(s.URL + "/a")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	s.Close()
	// The contract: the cassettes never hit, which is all of them.
	if got := h.Unused(); len(got) != 2 {
		t.Errorf("passthrough Unused() = %q, want both cassettes (none was hit)", got)
	}
	var b bytes.Buffer
	if err := h.ReportUnused(&b); err != nil || strings.Count(b.String(), "\n") != 2 {
		t.Errorf("passthrough ReportUnused wrote %q (%v), want both cassettes", b.String(), err)
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if got, err := replayserver.UnusedIn(path); err != nil || len(got) != 0 {
		t.Errorf("UnusedIn after a passthrough run = %q (%v), want none", got, err)
	}
}
