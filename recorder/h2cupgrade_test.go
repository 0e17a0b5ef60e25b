package recorder_test

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/internal/h2cupstream"
	"github.com/cassette-go/cassette/recorder"
)

// h2cRequests are the h2c upgrades a client asks for: as curl --http2
// does, in other cases, with HTTP2-Settings not named in Connection, and
// with another protocol offered too.
var h2cRequests = []struct {
	path string
	h    http.Header
}{
	{"/curl", http.Header{"Connection": {"Upgrade, HTTP2-Settings"}, "Upgrade": {"h2c"}, "Http2-Settings": {"AAMAAABkAAQAoAAAAAIAAAAA"}}},
	{"/case", http.Header{"Connection": {"upgrade"}, "Upgrade": {"H2C"}, "Http2-Settings": {"AAMAAABk"}}},
	{"/both", http.Header{"Connection": {"Upgrade"}, "Upgrade": {"h2c, foo/1"}, "Http2-Settings": {"AAMAAABk"}}},
}

// An h2c upgrade asked of a recording proxy (curl --http2 over http://)
// is not passed on: the upstream answers over HTTP/1.1 and the exchange is
// recorded. It was passed on, and an upstream accepting it had the
// connection spliced through: nothing recorded, nothing logged.
func TestH2CUpgradeIsRecordedOverHTTP1(t *testing.T) {
	api := h2cupstream.New(t)
	path := filepath.Join(t.TempDir(), "api.json")
	rec := recorder.New(t, api.URL, path)
	for _, c := range h2cRequests {
		req, _ := http.NewRequest("GET", rec.URL+c.path, nil)
		req.Header = c.h
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s with Upgrade %q: %v", c.path, c.h["Upgrade"], err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if want := `HTTP/1.1 ` + c.path + ` settings=""`; resp.StatusCode != 200 || string(b) != want {
			t.Errorf("GET %s with Upgrade %q = %d %q, want 200 %q", c.path, c.h["Upgrade"], resp.StatusCode, b, want)
		}
	}
	rec.Close()
	if err := rec.Save(); err != nil {
		t.Fatal(err)
	}
	stored := storedExchanges(t, path)
	if len(stored) != len(h2cRequests) {
		t.Errorf("library holds %d cassettes, want the %d of the h2c requests", len(stored), len(h2cRequests))
	}
	for name, exs := range stored {
		for _, ex := range exs {
			for k := range ex.Request.Header {
				if strings.EqualFold(k, "HTTP2-Settings") || strings.EqualFold(k, "Upgrade") {
					t.Errorf("%s: stored request header %s: %q", name, k, ex.Request.Header[k])
				}
			}
		}
	}
}
