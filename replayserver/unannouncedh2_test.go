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

// What the README says of a request's unannounced trailers and an HTTP/2
// API: they reach it when the body is read whole before it is forwarded,
// recording and rerecording alike (which it said they did not), not
// passing through, as the header goes before them. (Over MaxBodySize
// they do not either, but the over-limit body fails the test.)
func TestUnannouncedRequestTrailersReachAnHTTP2APIWhenTheBodyIsReadWhole(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv("CI", "")
	api := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		fmt.Fprintf(w, "%s trailers [%s]", r.Proto, trailersOf(r.Trailer))
	}))
	api.EnableHTTP2 = true
	api.StartTLS()
	defer api.Close()
	for _, c := range []struct {
		mode replayserver.Mode
		max  int64
		want string
	}{
		{replayserver.ModeRecord, 0, `HTTP/2.0 trailers [X-Checksum: ["crc"]]`},
		{replayserver.ModeRerecord, 0, `HTTP/2.0 trailers [X-Checksum: ["crc"]]`},
		{replayserver.ModePassthrough, 0, `HTTP/2.0 trailers []`},
	} {
		opts := []replayserver.Option{replayserver.WithMode(c.mode), replayserver.Upstream(api.URL), replayserver.UpstreamTransport(api.Client().Transport)}
		if c.max > 0 {
			opts = append(opts, replayserver.MaxBodySize(c.max))
		}
		srv := replayserver.New(t, filepath.Join(t.TempDir(), "api"), opts...)
		conn, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "PUT /up HTTP/1.1\r\nHost: %s\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"+
			"7\r\npayload\r\n0\r\nX-Checksum: crc\r\n\r\n", srv.Listener.Addr())
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%s, MaxBodySize %d: PUT with an unannounced trailer: %v", c.mode, c.max, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		conn.Close()
		if resp.StatusCode != 200 || string(b) != c.want {
			t.Errorf("%s, MaxBodySize %d: PUT with an unannounced trailer to an HTTP/2 API: %d %q, want 200 %q", c.mode, c.max, resp.StatusCode, b, c.want)
		}
	}
}
