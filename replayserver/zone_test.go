package replayserver_test

import (
	"net/http"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// A link-local IPv6 URL with a zone ([fe80::1%en0]) is answered by the
// cassette recorded for it, in process and through srv.Client(). Go's
// client leaves the zone out of the Host header, so the server named the
// request without it where NewTransport and naming.Name kept it: the same
// request hit through one and missed through the other.
func TestAZonedIPv6URLIsOneCassetteEveryWay(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv("CI", "true")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "[fe80::1%25en0]:8080", "/x")
	for _, url := range []string{"http://[fe80::1%25en0]:8080/x", "http://[fe80::1%25eth1]:8080/x", "http://[fe80::1]:8080/x"} {
		t.Run("server", func(t *testing.T) {
			srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeReplay))
			req, _ := http.NewRequest("GET", url, nil)
			if status, body := doBody(t, srv.Client(), req); status != 200 || body != "answer for /x" {
				t.Errorf("srv.Client() GET %s = %d %.300q, want 200 %q", url, status, body, "answer for /x")
			}
		})
		t.Run("transport", func(t *testing.T) {
			c := &http.Client{Transport: replayserver.NewTransport(t, path, replayserver.WithMode(replayserver.ModeReplay))}
			req, _ := http.NewRequest("GET", url, nil)
			if status, body := doBody(t, c, req); status != 200 || body != "answer for /x" {
				t.Errorf("NewTransport GET %s = %d %.300q, want 200 %q", url, status, body, "answer for /x")
			}
		})
	}
}
