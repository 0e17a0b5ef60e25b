package replayserver_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// A request without a Host (HTTP/1.0 allows it) names no other host than
// the server it came to: it is matched as a request to the server's own
// address, against the cassettes recorded from the upstream. Before, it
// was named with an empty host and missed.
func TestARequestWithoutHostIsSentToTheServer(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/a")
	srv := replayserver.New(t, path, replayserver.Strict())
	u, _ := url.Parse(srv.URL)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /a HTTP/1.0\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /a without Host = %d %q; want the cassette's answer", resp.StatusCode, body)
	}
}
