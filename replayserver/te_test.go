package replayserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// A TE field other than "trailers", which Go's HTTP/2 client sends as it
// is, was answered by the TLS server's own HTTP/2 server with a bare 400
// ("request header "TE" may only be "trailers" in HTTP/2") through
// srv.Client(), before any cassette was looked at: no recording, no miss
// report, no failed test, where NewTransport answers. srv.Client() leaves
// it out over HTTP/2 (TE is hop-by-hop: it counts in no name and a proxy
// does not pass it on), under any spelling; "TE: trailers" goes as it is.
func TestSrvClientLeavesOutATEOtherThanTrailersOverHTTP2(t *testing.T) {
	for _, tc := range []struct {
		why    string
		header http.Header
	}{
		{"canonical", http.Header{"Te": {"gzip"}}},
		{"upper case", http.Header{"TE": {"deflate, gzip;q=0.5"}}},
		{"lower case", http.Header{"te": {"gzip"}}},
		{"trailers under two keys", http.Header{"te": {"trailers"}, "Te": {"trailers"}}},
		{"trailers and gzip", http.Header{"Te": {"trailers"}, "te": {"gzip"}}},
		{"trailers", http.Header{"Te": {"trailers"}}},
	} {
		t.Run(tc.why, func(t *testing.T) {
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, "items")
			}))
			defer api.Close()
			lib := filepath.Join(t.TempDir(), "api")
			get := func(t *testing.T, srv *replayserver.Server) {
				t.Helper()
				req, err := http.NewRequest("GET", srv.URL+"/v1/items", nil)
				if err != nil {
					t.Fatal(err)
				}
				req.Header = tc.header.Clone()
				resp, err := srv.Client().Do(req)
				if err != nil {
					t.Fatalf("GET with %v: %v", tc.header, err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || string(body) != "items" {
					t.Errorf("GET with %v over HTTP/2: %d %q, want 200 %q", tc.header, resp.StatusCode, body, "items")
				}
			}
			t.Run("record", func(t *testing.T) {
				t.Setenv(replayserver.EnvMode, "record")
				get(t, replayserver.New(t, lib, replayserver.TLS(), replayserver.Upstream(api.URL)))
			})
			api.Close()
			t.Run("replay", func(t *testing.T) {
				t.Setenv(replayserver.EnvMode, "replay")
				get(t, replayserver.New(t, lib, replayserver.TLS(), replayserver.Strict()))
			})
		})
	}
}
