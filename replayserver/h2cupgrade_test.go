package replayserver_test

import (
	"io"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/internal/h2cupstream"
	"github.com/cassette-go/cassette/replayserver"
)

// A recording replay server asked for an h2c upgrade (curl --http2 over
// http://) does not pass it on: the upstream answers over HTTP/1.1, the
// exchange is recorded and replayed. It was passed on, and an upstream
// accepting it (as h2c.NewHandler does) had the connection spliced
// through: nothing recorded, nothing logged.
func TestH2CUpgradeIsRecordedAndReplayed(t *testing.T) {
	api := h2cupstream.New(t)
	path := filepath.Join(t.TempDir(), "api.json")
	get := func(t *testing.T, base string) {
		t.Helper()
		req, _ := http.NewRequest("GET", base+"/x", nil)
		// As curl --http2 sends it, HTTP2-Settings in any case.
		req.Header = http.Header{"Connection": {"Upgrade, HTTP2-Settings"}, "Upgrade": {"H2C"}, "Http2-Settings": {"AAMAAABkAAQAoAAAAAIAAAAA"}}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET /x with Upgrade: h2c: %v", err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if want := `HTTP/1.1 /x settings=""`; resp.StatusCode != 200 || string(b) != want {
			t.Errorf("GET /x with Upgrade: h2c = %d %q, want 200 %q", resp.StatusCode, b, want)
		}
	}
	t.Run("record", func(t *testing.T) {
		t.Setenv("CASSETTE_MODE", "record")
		srv := replayserver.New(t, path, replayserver.Upstream(api.URL))
		get(t, srv.URL)
	})
	t.Run("replay", func(t *testing.T) {
		t.Setenv("CASSETTE_MODE", "replay")
		srv := replayserver.New(t, path, replayserver.Strict())
		get(t, srv.URL)
	})
}
