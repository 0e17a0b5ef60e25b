package replayserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cassette-go/cassette/replayserver"
)

// Range reads of one object are different answers: replayed in another
// order than recorded, each gets its own bytes (Range is part of the name
// whatever the rules say).
func TestRangeReadsReplayTheirOwnBytesInAnyOrder(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "o.txt", time.Time{}, strings.NewReader("hello gcs!"))
	}))
	defer up.Close()
	path := filepath.Join(t.TempDir(), "api")
	read := func(t *testing.T, c *http.Client, base, rng string) string {
		t.Helper()
		req, _ := http.NewRequest("GET", base+"/b/o", nil)
		req.Header.Set("Range", rng)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusPartialContent {
			t.Errorf("Range %s: status %d", rng, resp.StatusCode)
		}
		return string(b)
	}
	t.Run("record", func(t *testing.T) {
		srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(up.URL))
		if got := read(t, srv.Client(), srv.URL, "bytes=6-8") + read(t, srv.Client(), srv.URL, "bytes=0-4"); got != "gcshello" {
			t.Errorf("recording read %q", got)
		}
	})
	up.Close()
	for _, via := range []string{"New", "NewTransport"} {
		t.Run("replay through "+via, func(t *testing.T) {
			var c *http.Client
			base := up.URL
			if via == "New" {
				srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict())
				c, base = srv.Client(), srv.URL
			} else {
				c = &http.Client{Transport: replayserver.NewTransport(t, path, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict())}
			}
			for range 2 { // the second time through the server's memory of names
				if got := read(t, c, base, "bytes=0-4"); got != "hello" {
					t.Errorf("Range bytes=0-4 replayed %q, want %q", got, "hello")
				}
				if got := read(t, c, base, "bytes=6-8"); got != "gcs" {
					t.Errorf("Range bytes=6-8 replayed %q, want %q", got, "gcs")
				}
			}
		})
	}
}

// A Handler served requests directly (httptest.NewRequest, a middleware)
// may get a Range under a key not in canonical form, which names read as
// Range: the memory of names must not give one range's cassette to
// another's request.
func TestRangeUnderAnyKeyOfAHandlerServedDirectly(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "o.txt", time.Time{}, strings.NewReader("hello gcs!"))
	}))
	defer up.Close()
	path := filepath.Join(t.TempDir(), "api")
	t.Run("record", func(t *testing.T) {
		srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(up.URL))
		for _, rng := range []string{"bytes=0-4", "bytes=6-8"} {
			req, _ := http.NewRequest("GET", srv.URL+"/b/o", nil)
			req.Header.Set("Range", rng)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
	})
	h, err := replayserver.NewHandler(path, replayserver.WithMode(replayserver.ModeReplay))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ key, rng, want string }{
		{"range", "bytes=0-4", "hello"},
		{"range", "bytes=6-8", "gcs"},
		{"RANGE", "bytes=0-4", "hello"},
	} {
		req := httptest.NewRequest("GET", "/b/o", nil)
		req.Host = strings.TrimPrefix(up.URL, "http://")
		req.Header[tc.key] = []string{tc.rng}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if got := w.Body.String(); w.Code != http.StatusPartialContent || got != tc.want {
			t.Errorf("ServeHTTP(GET /b/o, %s: %s) = %d %q, want 206 %q", tc.key, tc.rng, w.Code, got, tc.want)
		}
	}
}
