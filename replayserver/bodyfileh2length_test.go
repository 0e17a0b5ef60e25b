package replayserver_test

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// Over HTTP/2 an answer with trailers keeps its recorded Content-Length
// when it is true, from a body file as from the cassette, sent as
// recorded or decoded for a client that refuses gzip; one that is not the
// body file's length is left out. A body file's was always left out: the
// same answer came with a length from the cassette, without one from a
// body file.
func TestBodyFileKeepsItsTrueLengthBesideTrailersOverHTTP2(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	plain := []byte(strings.Repeat("an answer with trailers, over HTTP/2; ", 3000))
	zipped := gz(plain)
	path := filepath.Join(t.TempDir(), "api")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path   string
		length string
	}{{"/true", fmt.Sprint(len(zipped))}, {"/false", fmt.Sprint(len(zipped) + 1)}} {
		appendInlineAndFile(t, lib, c.path, library.Exchange{
			Request: library.Request{Method: "GET"},
			Response: library.Response{StatusCode: 200, Body: zipped, Trailer: http.Header{"X-Checksum": {"c"}},
				Header: http.Header{"Content-Type": {"text/plain"}, "Content-Encoding": {"gzip"}, "Content-Length": {c.length}}},
		})
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeReplay), replayserver.TLS())
	for _, p := range []string{"/true", "/false"} {
		for _, accept := range []string{"gzip", "identity"} {
			get := func(where string) readAnswer {
				req, _ := http.NewRequest("GET", "http://api.example"+where+p, nil)
				req.Header.Set("Accept-Encoding", accept)
				return readAll(t, srv.Client(), req)
			}
			inline, file := get("/inline"), get("/file")
			if inline != file {
				t.Errorf("GET %s over HTTP/2, Accept-Encoding %s: from a body file %v; in the cassette %v; want the same", p, accept, file, inline)
			}
			if want := p == "/true"; (file.ContentLength != "") != want || (want && file.ContentLength != fmt.Sprint(len(file.Body))) {
				t.Errorf("GET %s over HTTP/2, Accept-Encoding %s: from a body file Content-Length %q for %d bytes; want one: %v", p, accept, file.ContentLength, len(file.Body), want)
			}
		}
	}
}
