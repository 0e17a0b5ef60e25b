package replayserver_test

import (
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// writeOne writes a file library holding one cassette, GET
// https://api.example.com/x answered with resp, and returns its path.
func writeOne(t *testing.T, resp library.Response) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "api.json")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", "https://api.example.com/x", nil)
	if err := lib.Append(nameOf(req, nil), library.Exchange{Request: library.Request{Method: "GET", URL: req.URL.String()}, Response: resp}); err != nil {
		t.Fatal(err)
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	return path
}

// An answer the upstream sent without a Content-Type is replayed without
// one: net/http's server would otherwise sniff the body and add one
// (text/html for this body), which the upstream never sent.
func TestNoContentTypeIsReplayedAsNone(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := writeOne(t, library.Response{StatusCode: 200, Header: http.Header{"X-Kind": {"raw"}}, Body: []byte("<html><body>not labelled</body></html>")})
	srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeReplay))
	for i := range 2 { // the second from the server's ready reply
		resp, err := srv.Client().Get("https://api.example.com/x")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if ct, ok := resp.Header["Content-Type"]; ok || string(b) != "<html><body>not labelled</body></html>" {
			t.Errorf("request %d: Content-Type %q (present %v), body %q; want no Content-Type and the recorded body", i+1, ct, ok, b)
		}
	}
}

// The in-process transport reports the framing as http.Transport does for
// an HTTP/1.1 answer: a streamed body or one with trailers is chunked, of
// unknown length; any other has its length.
func TestNewTransportReportsTheFramingAsHTTPTransport(t *testing.T) {
	for _, tc := range []struct {
		name    string
		resp    library.Response
		wantTE  []string
		wantLen int64
	}{
		{"plain", library.Response{StatusCode: 200, Body: []byte("hello")}, nil, 5},
		{"streamed", library.Response{StatusCode: 200, Body: []byte("hello"), Chunks: []library.Chunk{{Size: 2}, {Size: 3}}}, []string{"chunked"}, -1},
		{"with trailers", library.Response{StatusCode: 200, Body: []byte("hello"), Trailer: http.Header{"X-Sum": {"1"}}}, []string{"chunked"}, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(replayserver.EnvMode, "")
			path := writeOne(t, tc.resp)
			c := &http.Client{Transport: replayserver.NewTransport(t, path, replayserver.WithMode(replayserver.ModeReplay))}
			resp, err := c.Get("https://api.example.com/x")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !slices.Equal(resp.TransferEncoding, tc.wantTE) || resp.ContentLength != tc.wantLen || string(b) != "hello" {
				t.Errorf("TransferEncoding %q, ContentLength %d, body %q; want %q, %d, %q", resp.TransferEncoding, resp.ContentLength, b, tc.wantTE, tc.wantLen, "hello")
			}
		})
	}
}
