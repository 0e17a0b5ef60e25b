package replayserver_test

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// appendInlineAndFile stores ex twice in lib: under /inline+path with its
// body in the cassette, and under /file+path with its body in a body file.
func appendInlineAndFile(t *testing.T, lib *library.Library, path string, ex library.Exchange) {
	t.Helper()
	for _, where := range []string{"/inline", "/file"} {
		e := ex
		e.Request.URL = "http://api.example" + where + path
		e.Request.Header = ex.Request.Header.Clone()
		if where == "/file" {
			w, err := lib.NewBody()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Write(ex.Response.Body); err != nil {
				t.Fatal(err)
			}
			if e.Response.BodyFile, err = w.Commit(); err != nil {
				t.Fatal(err)
			}
			e.Response.Body = nil
		}
		req, _ := http.NewRequest(e.Request.Method, e.Request.URL, nil)
		req.Header = e.Request.Header.Clone()
		if err := lib.Append(nameOf(req, nil), e); err != nil {
			t.Fatal(err)
		}
	}
}

// An answer as a client read it, for comparing two.
type readAnswer struct {
	Status          int
	Body            string
	ContentEncoding string
	ContentLength   string // the header, as the client got it
	Length          int64  // resp.ContentLength
	Trailer         string
	ContentMD5      string // a digest of the gzip, dropped with it
	Err             string // of reading the body: a body labelled gzip that is not, which Go's client decodes
}

func (a readAnswer) String() string {
	return fmt.Sprintf("%d, %d bytes (%q...), Content-Encoding %q, Content-Length %q (%d), trailers %s, Content-MD5 %q, error %q",
		a.Status, len(a.Body), a.Body[:min(len(a.Body), 12)], a.ContentEncoding, a.ContentLength, a.Length, a.Trailer, a.ContentMD5, a.Err)
}

func readAll(t *testing.T, c *http.Client, req *http.Request) readAnswer {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	a := readAnswer{resp.StatusCode, string(b), resp.Header.Get("Content-Encoding"), resp.Header.Get("Content-Length"), resp.ContentLength, fmt.Sprint(resp.Trailer), resp.Header.Get("Content-Md5"), ""}
	if err != nil {
		a.Err = err.Error()
	}
	return a
}

// A body in a body file (over 8 MiB, as the recorder, cassette convert
// and cassette import store it) is sent as the same body in the cassette
// is, whoever asks and however it was recorded: decoded, with its decoded
// length, to a client that refuses the gzip a client taking gzip recorded,
// as recorded otherwise (a range, a refusal recorded, a body that does
// not decode, a deflate body), through the server, srv.Client() (over
// HTTP/1.1 and HTTP/2) and NewTransport. A body file used to go to every client as recorded: gzip
// to a client asking for identity, which the same body converted out of
// its cassette got decoded.
func TestBodyFileIsDecodedAsTheSameBodyInline(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	plain := []byte(strings.Repeat("a large answer, decoded for a client that refuses gzip; ", 2000))
	zipped := gz(plain)
	var deflated bytes.Buffer
	zw := zlib.NewWriter(&deflated)
	zw.Write(plain)
	zw.Close()
	path := filepath.Join(t.TempDir(), "api")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	gzipHeader := func(more ...string) http.Header {
		h := http.Header{"Content-Type": {"text/plain"}, "Content-Encoding": {"gzip"}}
		for i := 0; i+1 < len(more); i += 2 {
			h.Add(more[i], more[i+1])
		}
		return h
	}
	cases := []struct {
		path      string
		reqHeader http.Header // of the recorded request, and of the requests sent
		resp      library.Response
		decoded   bool // what a client refusing gzip gets
	}{
		{"/gzip", nil, library.Response{StatusCode: 200, Header: gzipHeader(), Body: zipped}, true},
		{"/x-gzip", nil, library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"x-gzip"}}, Body: zipped}, true},
		{"/digest", nil, library.Response{StatusCode: 200, Header: gzipHeader("Content-Md5", "bm90IGNoZWNrZWQ="), Body: zipped}, true},
		{"/trailers", nil, library.Response{StatusCode: 200, Header: gzipHeader(), Trailer: http.Header{"X-Checksum": {"c"}}, Body: zipped}, true},
		{"/range", http.Header{"Range": {"bytes=0-99"}}, library.Response{StatusCode: 206, Header: gzipHeader("Content-Range", fmt.Sprintf("bytes 0-99/%d", len(zipped))), Body: zipped[:100]}, false},
		{"/range-whole", http.Header{"Range": {"bytes=0-"}}, library.Response{StatusCode: 200, Header: gzipHeader(), Body: zipped}, true},
		{"/refused", http.Header{"Accept-Encoding": {"identity"}}, library.Response{StatusCode: 200, Header: gzipHeader(), Body: zipped}, false},
		{"/not-gzip", nil, library.Response{StatusCode: 200, Header: gzipHeader(), Body: plain}, false},
		{"/deflate", nil, library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"deflate"}}, Body: deflated.Bytes()}, false},
	}
	for _, c := range cases {
		appendInlineAndFile(t, lib, c.path, library.Exchange{Request: library.Request{Method: "GET", Header: c.reqHeader}, Response: c.resp})
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeReplay))
	tlsSrv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeReplay), replayserver.TLS())
	raw := rawClient()
	defer raw.CloseIdleConnections()
	rt := &http.Client{Transport: replayserver.NewTransport(t, path, replayserver.WithMode(replayserver.ModeReplay))}
	for _, c := range cases {
		for _, accept := range []string{"identity", "gzip", "-"} {
			for _, via := range []struct {
				name string
				c    *http.Client
				base string
			}{
				{"New", raw, srv.URL},
				{"srv.Client()", srv.Client(), "http://api.example"},
				{"srv.Client() of a TLS server (HTTP/2)", tlsSrv.Client(), "http://api.example"},
				{"NewTransport", rt, "http://api.example"},
			} {
				get := func(where string) readAnswer {
					req, _ := http.NewRequest("GET", via.base+where+c.path, nil)
					for k, v := range c.reqHeader {
						req.Header[k] = v
					}
					if accept != "-" {
						req.Header.Set("Accept-Encoding", accept)
					}
					return readAll(t, via.c, req)
				}
				inline, file := get("/inline"), get("/file")
				if inline != file {
					t.Errorf("%s %s, Accept-Encoding %s: from a body file %v; in the cassette %v; want the same", via.name, c.path, accept, file, inline)
				}
				if accept == "identity" {
					want := string(c.resp.Body)
					if c.decoded {
						want = string(plain)
					}
					if file.Body != want || (file.ContentEncoding == "") != c.decoded || (file.ContentMD5 == "") != (c.decoded || c.resp.Header.Get("Content-Md5") == "") {
						t.Errorf("%s %s, Accept-Encoding identity: from a body file %v; want it decoded: %v", via.name, c.path, file, c.decoded)
					}
				}
				if file.ContentLength != "" && file.ContentLength != fmt.Sprint(len(file.Body)) {
					t.Errorf("%s %s, Accept-Encoding %s: Content-Length %s for %d bytes", via.name, c.path, accept, file.ContentLength, len(file.Body))
				}
			}
		}
	}
}

// A body file decoded for a client that refuses gzip is decoded as it is
// copied from disk, never whole in memory, through the server and
// NewTransport.
func TestBodyFileDecodedForARefusingClientIsStreamed(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	const size = 32 << 20
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	w.Write(make([]byte, size))
	w.Close()
	path := filepath.Join(t.TempDir(), "api")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	appendInlineAndFile(t, lib, "/export", library.Exchange{
		Request:  library.Request{Method: "GET"},
		Response: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/csv"}}, Body: b.Bytes()},
	})
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeReplay))
	for name, c := range map[string]*http.Client{
		"New":          srv.Client(),
		"NewTransport": {Transport: replayserver.NewTransport(t, path, replayserver.WithMode(replayserver.ModeReplay))},
	} {
		get := func() (int64, int64, uint64) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			req, _ := http.NewRequest("GET", "http://api.example/file/export", nil)
			req.Header.Set("Accept-Encoding", "identity")
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			n, err := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			runtime.ReadMemStats(&after)
			return n, resp.ContentLength, after.TotalAlloc - before.TotalAlloc
		}
		get() // the cassette read
		n, length, alloc := get()
		if n != size || length != size {
			t.Errorf("%s: %d bytes of Content-Length %d; want %d", name, n, length, size)
		}
		if alloc > 8<<20 {
			t.Errorf("%s: a request allocated %d MiB for a body file of %d KiB decoding to %d MiB; want it decoded as it is sent", name, alloc>>20, b.Len()>>10, size>>20)
		}
	}
}
