package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// The requests cassette record refuses, a proxy request for another host
// than the upstream's and a CONNECT (a tunnel, or a hand-over to another
// protocol), are told of in the command line's words, and counted as
// refused in record's summary: their messages named Go's remedies
// (recorder.New, recorder.NewTransport, srv.Client()), and the summary
// counted them as failures to store what was recorded.
func TestRecordTellsRefusedRequestsInCommandLineWords(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "api")
	}))
	defer api.Close()
	lib := filepath.Join(t.TempDir(), "api")
	p := start(t, "record", "-upstream", api.URL, lib)
	base := p.baseURL()
	addr := strings.TrimPrefix(base, "http://")
	for _, head := range []string{
		"GET http://other.invalid/x HTTP/1.1\r\nHost: other.invalid\r\n",    // curl -x BASE http://other.invalid/x
		"CONNECT other.invalid:443 HTTP/1.1\r\nHost: other.invalid:443\r\n", // curl -x BASE https://other.invalid/
		"CONNECT /_goRPC_ HTTP/1.1\r\nHost: x\r\n",                          // net/rpc's DialHTTP
	} {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "%s\r\n", head)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%q: %v", head, err)
		}
		resp.Body.Close()
		conn.Close()
		if resp.StatusCode != http.StatusBadGateway && resp.StatusCode != http.StatusNotImplemented {
			t.Errorf("%q = %d, want it refused (502 or 501)", head, resp.StatusCode)
		}
	}
	if code := p.stop(); code != exitError {
		t.Errorf("record exited with %d, want %d (requests refused)", code, exitError)
	}
	stderr := p.stderr.String()
	for _, goOnly := range []string{"recorder.", "NewTransport", "srv.Client()", "replayserver.", "the recording proxy", "the test's own"} {
		if strings.Contains(stderr, goOnly) {
			t.Errorf("record's log says %q, Go's words, not the command line's:\n%s", goOnly, stderr)
		}
	}
	for _, want := range []string{
		"cassette record: GET http://other.invalid/x asks cassette record for http://other.invalid",
		"cassette record -upstream http://other.invalid",
		"cassette record: CONNECT other.invalid:443 asks cassette record for a tunnel",
		"cassette record: CONNECT /_goRPC_ asks cassette record to hand the connection over",
		"cassette record: 3 request(s) refused",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("record's log lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "failure(s) to store") {
		t.Errorf("record counts refused requests as failures to store what was recorded:\n%s", stderr)
	}
}
