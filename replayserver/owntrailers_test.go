package replayserver_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// trailersOf lists the trailers t, sorted, with their values.
func trailersOf(t http.Header) string {
	var out []string
	for k, v := range t {
		out = append(out, fmt.Sprintf("%s: %q", k, v))
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// putWithTrailers sends a PUT of a streamed body to url through c, whose
// trailers, announced, are X-Checksum and key, set as the body ends, and
// returns what the answer says.
func putWithTrailers(t *testing.T, c *http.Client, url, key string) string {
	t.Helper()
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("PUT", url, pr)
	req.Trailer = http.Header{"X-Checksum": nil, key: nil}
	go func() {
		io.WriteString(pw, "payload")
		req.Trailer["X-Checksum"] = []string{"crc"}
		req.Trailer[key] = []string{"forged.example"}
		pw.Close()
	}()
	status, body := doBody(t, c, req)
	if status != 200 {
		t.Errorf("PUT %s (trailer %s): %d %.300q", url, key, status, body)
	}
	return body
}

// The server's own headers sent as request trailers, under any spelling
// of their keys, reach neither the upstream nor a route, through any
// path: NewTransport, srv.Client() (for another host or the server's
// own, over HTTP/1.1 and HTTP/2), a plain client to srv.URL, recording
// passing through and rerecording; the other trailers still do, with
// their values (passing through and rerecording, the server used to send
// them without). They used to go on as any trailer.
func TestOwnHeadersSentAsTrailersAreDropped(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv("CI", "")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		fmt.Fprintf(w, "trailers [%s]", trailersOf(r.Trailer))
	}))
	defer api.Close()
	const want = `trailers [X-Checksum: ["crc"]]`
	keys := []string{"X-Cassette-Host", "X-Cassette-Scheme", "X-Cassette-Url-Host", "X-Cassette-Secret", "x-cassette-host"}
	route := func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		fmt.Fprintf(w, "trailers [%s]", trailersOf(r.Trailer))
	}
	for _, mode := range []replayserver.Mode{replayserver.ModeRecord, replayserver.ModePassthrough, replayserver.ModeRerecord} {
		t.Run(string(mode), func(t *testing.T) {
			opts := []replayserver.Option{replayserver.WithMode(mode), replayserver.Upstream(api.URL)}
			srv := replayserver.New(t, filepath.Join(t.TempDir(), "api"), opts...)
			srv.Router().Path("/route").HandlerFunc(route)
			tlsSrv := replayserver.New(t, filepath.Join(t.TempDir(), "api"), append(opts, replayserver.TLS())...)
			tlsSrv.Router().Path("/route").HandlerFunc(route)
			rt := &http.Client{Transport: replayserver.NewTransport(t, filepath.Join(t.TempDir(), "api"), replayserver.WithMode(mode))}
			plain := &http.Client{}
			defer plain.CloseIdleConnections()
			for _, via := range []struct {
				name, url string
				c         *http.Client
			}{
				{"NewTransport", api.URL + "/up", rt},
				{"srv.Client() for another host", api.URL + "/up", srv.Client()},
				{"srv.Client() of a TLS server for another host", api.URL + "/up", tlsSrv.Client()},
				{"srv.Client() to srv.URL", srv.URL + "/up", srv.Client()},
				{"a plain client to srv.URL", srv.URL + "/up", plain},
				{"srv.Client() for another host, to a route", api.URL + "/route", srv.Client()},
				{"srv.Client() of a TLS server, to a route", api.URL + "/route", tlsSrv.Client()},
				{"a plain client to srv.URL, to a route", srv.URL + "/route", plain},
			} {
				for i, key := range keys {
					url := fmt.Sprintf("%s?%d", via.url, i) // a cassette each, recording
					got := putWithTrailers(t, via.c, url, key)
					if got != want {
						t.Errorf("%s: PUT %s with trailer %s: %q, want %q", via.name, url, key, got, want)
					}
				}
			}
		})
	}
}

// Trailers that a chunked HTTP/1.1 request sends without announcing them,
// which Go's server adds to the request as they come, are dropped as
// announced ones: neither the upstream, recording, nor a route sees one
// of the server's own (the upstream did), and a route now sees the others
// (it saw none, in a copy of the request made before they came). So are
// those of a request made by hand and given to Handler.ServeHTTP, in any
// spelling.
func TestOwnHeadersSentAsUnannouncedTrailersAreDropped(t *testing.T) {
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
		if status, b := chunkedPut(t, srv.Listener.Addr().String(), p, ""); b != want {
			t.Errorf("a chunked PUT %s with unannounced trailers: %d %q, want 200 %q", p, status, b, want)
		}
	}

	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/x")
	h, err := replayserver.NewHandler(path, replayserver.WithMode(replayserver.ModeReplay))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	h.Router().Path("/route").HandlerFunc(echo)
	for _, key := range []string{"x-cassette-host", "X-CASSETTE-SECRET", "X-Cassette-Scheme"} {
		req := httptest.NewRequest("PUT", "/route", strings.NewReader("payload"))
		req.Trailer = http.Header{key: {"forged.example"}, "X-Checksum": {"crc"}}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Body.String() != want {
			t.Errorf("Handler.ServeHTTP of a PUT with trailer %s: %q, want %q", key, w.Body.String(), want)
		}
	}
}

// chunkedPut sends, on a connection of its own to addr, a chunked
// HTTP/1.1 PUT of path whose trailers are X-Cassette-Host and X-Checksum,
// with a Trailer header announcing announce (none if empty), and returns
// the answer's status and body.
func chunkedPut(t *testing.T, addr, path, announce string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if announce != "" {
		announce = "Trailer: " + announce + "\r\n"
	}
	fmt.Fprintf(conn, "PUT %s HTTP/1.1\r\nHost: %s\r\nTransfer-Encoding: chunked\r\n%sConnection: close\r\n\r\n"+
		"7\r\npayload\r\n0\r\nX-Cassette-Host: forged.example\r\nX-Checksum: crc\r\n\r\n", path, addr, announce)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
