package replayserver_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// A trailer of the server's own that a request sends beside those it
// announces is dropped as an announced one is: a chunked HTTP/1.1 request
// announcing X-Checksum and sending X-Cassette-Host too (Go's server adds
// every trailer that comes to the request, announced or not), and a
// caller of NewTransport or srv.Client() that announces X-Checksum and
// sets X-Cassette-Host in req.Trailer as the body ends (Go's HTTP/1.1
// client sends every trailer in the map). Only a request that announced
// none was watched for unannounced ones: the upstream, a cassette and a
// route got the forged one.
func TestOwnHeadersSentBesideAnnouncedTrailersAreDropped(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv("CI", "")
	echo := func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		fmt.Fprintf(w, "trailers [%s]", trailersOf(r.Trailer))
	}
	api := httptest.NewServer(http.HandlerFunc(echo))
	defer api.Close()
	const want = `trailers [X-Checksum: ["crc"]]`

	srv := replayserver.New(t, filepath.Join(t.TempDir(), "api"), replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(api.URL))
	srv.Router().Path("/route").HandlerFunc(echo)
	for _, p := range []string{"/up", "/route"} {
		if status, b := chunkedPut(t, srv.Listener.Addr().String(), p, "X-Checksum"); b != want {
			t.Errorf("a chunked PUT %s announcing X-Checksum, sending X-Cassette-Host too: %d %q, want 200 %q", p, status, b, want)
		}
	}

	put := func(c *http.Client, url string) string {
		pr, pw := io.Pipe()
		req, _ := http.NewRequest("PUT", url, pr)
		req.Trailer = http.Header{"X-Checksum": nil}
		go func() {
			io.WriteString(pw, "payload")
			req.Trailer["X-Checksum"] = []string{"crc"}
			req.Trailer["X-Cassette-Host"] = []string{"forged.example"}
			pw.Close()
		}()
		status, body := doBody(t, c, req)
		if status != 200 {
			t.Errorf("PUT %s: %d %.300q", url, status, body)
		}
		return body
	}
	rt := &http.Client{Transport: replayserver.NewTransport(t, filepath.Join(t.TempDir(), "api"), replayserver.WithMode(replayserver.ModePassthrough))}
	if got := put(rt, api.URL+"/up"); got != want {
		t.Errorf("NewTransport, passing through, a PUT announcing X-Checksum that sets X-Cassette-Host too as its body ends: %q, want %q", got, want)
	}
	if got := put(srv.Client(), "http://api.example/route"); !strings.HasPrefix(got, want) {
		t.Errorf("srv.Client() PUT for another host announcing X-Checksum that sets X-Cassette-Host too as its body ends: %q, want %q", got, want)
	}
}
