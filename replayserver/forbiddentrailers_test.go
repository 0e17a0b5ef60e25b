package replayserver_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// chunkedPutTrailer sends, on a connection of its own to addr, a chunked
// HTTP/1.1 PUT of path announcing the trailer X-Checksum and sending it
// after trailer, a field of its own, and returns the answer's status and
// body.
func chunkedPutTrailer(t *testing.T, addr, path, trailer string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "PUT %s HTTP/1.1\r\nHost: %s\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\nConnection: close\r\n\r\n"+
		"7\r\npayload\r\n0\r\n%s\r\nX-Checksum: crc\r\n\r\n", path, addr, trailer)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("PUT %s with trailer %q: %v", path, trailer, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// A field that HTTP forbids in trailers, which a client sends as one
// beside X-Checksum (Go's server takes any), is not forwarded: recording
// to an HTTP/1.1 API, Go's transport refused to send Content-Length,
// Transfer-Encoding or Trailer as a trailer (502), and to an HTTP/2 API
// a request with Host, Content-Type or Authorization as a trailer never
// got an answer (which this test does not wait for). X-Checksum still
// reaches the API, recording or passing through.
func TestForbiddenRequestTrailersAreNotForwarded(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv("CI", "")
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		fmt.Fprintf(w, "trailers [%s]", trailersOf(r.Trailer))
	})
	h1 := httptest.NewServer(echo)
	defer h1.Close()
	const want = `trailers [X-Checksum: ["crc"]]`
	for _, api := range []*httptest.Server{h1} {
		for _, mode := range []replayserver.Mode{replayserver.ModeRecord, replayserver.ModePassthrough} {
			srv := replayserver.New(t, filepath.Join(t.TempDir(), "api"), replayserver.WithMode(mode), replayserver.Upstream(api.URL),
				replayserver.UpstreamTransport(api.Client().Transport))
			for i, trailer := range []string{"Content-Length: 7", "Transfer-Encoding: chunked", "Trailer: X-A", "Host: api.example",
				"content-type: text/plain", "Authorization: Bearer t", "Te: trailers", "Connection: close"} {
				status, body := chunkedPutTrailer(t, srv.Listener.Addr().String(), fmt.Sprintf("/up?%d", i), trailer)
				if status != 200 || body != want {
					t.Errorf("%s: PUT with trailer %q: %d %.200q, want 200 %q", mode, trailer, status, body, want)
				}
			}
		}
	}
}

// A conditional field (If-Match, If-None-Match, any If-...) is forbidden
// in trailers too, and Go's HTTP/2 server refuses a request that sends
// one as a trailer: forwarded to an HTTP/2 API, a chunked PUT with the
// trailer If-Match got a 502 (PROTOCOL_ERROR) when recording or passing
// through. It is not forwarded; X-Checksum still reaches the API.
func TestConditionalRequestTrailersDoNotBreakAnHTTP2API(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv("CI", "")
	api := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		fmt.Fprintf(w, "%s trailers [%s]", r.Proto, trailersOf(r.Trailer))
	}))
	api.EnableHTTP2 = true
	api.StartTLS()
	defer api.Close()
	const want = `HTTP/2.0 trailers [X-Checksum: ["crc"]]`
	for _, mode := range []replayserver.Mode{replayserver.ModeRecord, replayserver.ModePassthrough} {
		srv := replayserver.New(t, filepath.Join(t.TempDir(), "api"), replayserver.WithMode(mode), replayserver.Upstream(api.URL),
			replayserver.UpstreamTransport(api.Client().Transport))
		for i, trailer := range []string{"If-Match: \"v1\"", "if-none-match: *", "If-Modified-Since: Mon, 02 Jan 2006 15:04:05 GMT",
			"IF-RANGE: \"v1\"", "If-Unmodified-Since: Mon, 02 Jan 2006 15:04:05 GMT"} {
			status, body := chunkedPutTrailer(t, srv.Listener.Addr().String(), fmt.Sprintf("/up?%d", i), trailer)
			if status != 200 || body != want {
				t.Errorf("%s: PUT with trailer %q to an HTTP/2 API: %d %.200q, want 200 %q", mode, trailer, status, body, want)
			}
		}
	}
}
