package replayserver_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// earlyHints is an interim answer an upstream may send before its answer.
const earlyHints = "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"

// closeDelimitedAfter starts an upstream that answers every request with
// interim (interim answers, or nothing), then an answer whose body ends
// when it closes the connection, and no Content-Type (as an HTTP/1.0
// server, or a legacy one, answers), and returns its URL.
func closeDelimitedAfter(t *testing.T, interim, body string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
					return
				}
				io.WriteString(c, interim+"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"+body)
			}()
		}
	}()
	return "http://" + l.Addr().String()
}

// An answer the upstream sent without a Content-Type reaches the client
// without one while recording (over HTTP/1.1 and HTTP/2), as replay sends
// it: net/http's server would otherwise add one it sniffed from the body
// (text/html here), which the client would see while recording only. So
// too after an interim answer (103 Early Hints) the upstream sent first.
func TestRecordingAddsNoContentTypeTheUpstreamDidNotSend(t *testing.T) {
	const body = "<html><body>not labelled</body></html>"
	for _, tc := range []struct {
		name    string
		interim string // what the upstream sends before its answer
		opts    []replayserver.Option
	}{
		{"HTTP/1.1", "", nil},
		{"HTTP/2", "", []replayserver.Option{replayserver.TLS()}},
		// ReverseProxy clears the header it was given once it passed on
		// the 103.
		{"HTTP/1.1 after a 103", earlyHints, nil},
		{"HTTP/2 after a 103", earlyHints, []replayserver.Option{replayserver.TLS()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(replayserver.EnvMode, "")
			lib := filepath.Join(t.TempDir(), "api")
			up := closeDelimitedAfter(t, tc.interim, body)
			see := func(phase string, srv *replayserver.Server) {
				t.Helper()
				resp, err := srv.Client().Get(srv.URL + "/page")
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil {
					t.Fatal(err)
				}
				if ct, ok := resp.Header["Content-Type"]; ok || string(got) != body {
					t.Errorf("%s GET /page: Content-Type %q (present %v), body %q; want no Content-Type, as the upstream sent, and %q", phase, ct, ok, got, body)
				}
			}
			rec := replayserver.New(t, lib, append(tc.opts, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(up))...)
			see("recording", rec)
			rec.Close()
			see("replaying", replayserver.New(t, lib, append(tc.opts, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict())...))
		})
	}
}
