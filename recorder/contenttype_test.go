package recorder_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

// closeDelimited starts an upstream that answers every request with a body
// that ends when it closes the connection, and no Content-Type (as an
// HTTP/1.0 server, or a legacy one, answers), and returns its URL.
func closeDelimited(t *testing.T, body string) string {
	t.Helper()
	return closeDelimitedAfter(t, "", body)
}

// earlyHints is an interim answer an upstream may send before its answer.
const earlyHints = "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"

// closeDelimitedAfter is closeDelimited, for an upstream that sends
// interim (interim answers) before its answer.
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

// An answer the upstream sent without a Content-Type reaches the client of
// the recording proxy without one, as replay sends it: net/http's server
// would otherwise add one it sniffed from the body (text/html here), which
// the client would see while recording and never again.
func TestProxyAddsNoContentTypeTheUpstreamDidNotSend(t *testing.T) {
	const body = "<html><body>not labelled</body></html>"
	path := filepath.Join(t.TempDir(), "api.json")
	rec := recorder.New(t, closeDelimited(t, body), path)
	resp, err := rec.Client().Get(rec.URL + "/page")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if ct, ok := resp.Header["Content-Type"]; ok || string(got) != body {
		t.Errorf("GET /page through the recorder: Content-Type %q (present %v), body %q; want no Content-Type, as the upstream sent, and %q", ct, ok, got, body)
	}
	rec.Close()
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	names, err := lib.Names()
	if err != nil || len(names) != 1 {
		t.Fatalf("library holds %q (%v), want one cassette", names, err)
	}
	c, ok, err := lib.Get(names[0])
	if err != nil || !ok {
		t.Fatalf("Get(%q): %v, %v", names[0], ok, err)
	}
	if ct, ok := c.Exchanges[0].Response.Header["Content-Type"]; ok {
		t.Errorf("stored Content-Type %q, want none, as the upstream sent", ct)
	}
}

// So too when the upstream sends an interim answer first (103 Early
// Hints), which the proxy passes on: net/http's ReverseProxy then clears
// the header it was given, and the server sniffed a Content-Type for the
// answer after it.
func TestProxyAddsNoContentTypeAfterAnInterimAnswer(t *testing.T) {
	const body = "<html><body>not labelled</body></html>"
	rec := recorder.New(t, closeDelimitedAfter(t, earlyHints, body), filepath.Join(t.TempDir(), "api.json"))
	resp, err := rec.Client().Get(rec.URL + "/page")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if ct, ok := resp.Header["Content-Type"]; ok || string(got) != body {
		t.Errorf("GET /page through the recorder, answered 103 then 200: Content-Type %q (present %v), body %q; want no Content-Type, as the upstream sent, and %q", ct, ok, got, body)
	}
}
