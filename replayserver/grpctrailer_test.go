package replayserver_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// grpcLibrary stores one answer with trailers per content type, each at
// the path /<index>, and returns the library path.
func grpcLibrary(t *testing.T, types ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "api")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte{0, 0, 0, 0, 2, 8, 1} // a gRPC message: SERVING
	for i, ct := range types {
		req := httptest.NewRequest("POST", fmt.Sprintf("http://api.example.com/%d", i), bytes.NewReader(body))
		ex := library.Exchange{
			Request: library.Request{Method: "POST", URL: req.URL.String(), Header: http.Header{"Content-Type": {ct}}, Body: body},
			Response: library.Response{
				StatusCode: 200,
				Header:     http.Header{"Content-Type": {ct}},
				Body:       body,
				Trailer:    http.Header{"Grpc-Status": {"0"}, "Grpc-Message": {""}},
			},
		}
		if err := lib.Append(nameOf(req, body), ex); err != nil {
			t.Fatal(err)
		}
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	return path
}

// A gRPC server does not announce its trailers in a Trailer header, and
// grpc-go shows any header it gets in the call's header metadata: a
// replayed gRPC answer over HTTP/2 sends its trailers unannounced, as
// recorded. Other answers, and all over HTTP/1.1 (where net/http's server
// sends unannounced trailers only in a body it already chunks), announce
// theirs.
func TestGRPCTrailersAreNotAnnouncedOverHTTP2(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	types := []string{"application/grpc", "application/grpc+proto", "Application/GRPC; charset=utf-8", "application/grpc-web+proto", "application/json", "application/grpcx"}
	announced := []bool{false, false, false, true, true, true}
	path := grpcLibrary(t, types...)

	srv := replayserver.New(t, path)
	for i, ct := range types {
		head, rest := rawPost(t, srv.URL, fmt.Sprintf("/%d", i), ct)
		if !strings.Contains(head, "\r\nTrailer: Grpc-Message\r\n") || !strings.Contains(head, "\r\nTrailer: Grpc-Status\r\n") {
			t.Errorf("%s over HTTP/1.1: no Trailer header announcing the trailers:\n%s", ct, head)
		}
		if !strings.Contains(rest, "\r\nGrpc-Status: 0\r\n") {
			t.Errorf("%s over HTTP/1.1: no Grpc-Status trailer after the body:\n%q", ct, rest)
		}
	}

	tls := replayserver.New(t, path, replayserver.TLS())
	for i, ct := range types {
		resp := post(t, tls.Client(), fmt.Sprintf("%s/%d", tls.URL, i), ct)
		if resp.ProtoMajor != 2 {
			t.Fatalf("%s: answered over %s, want HTTP/2", ct, resp.Proto)
		}
		// Go's HTTP/2 client lists announced trailers before the body is
		// read, and takes the Trailer header out of the header.
		if got := len(resp.Trailer) > 0; got != announced[i] {
			t.Errorf("%s over HTTP/2: trailers announced = %v (%v), want %v", ct, got, resp.Trailer, announced[i])
		}
		io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.Trailer.Get("Grpc-Status") != "0" {
			t.Errorf("%s over HTTP/2: trailers %v after the body; want Grpc-Status 0", ct, resp.Trailer)
		}
	}

	tr := &http.Client{Transport: replayserver.NewTransport(t, path)}
	for i, ct := range types {
		resp := post(t, tr, fmt.Sprintf("http://api.example.com/%d", i), ct)
		io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.Trailer.Get("Grpc-Status") != "0" || resp.Header["Trailer"] != nil {
			t.Errorf("%s in process: header %v, trailers %v; want Grpc-Status 0 in the trailers only", ct, resp.Header, resp.Trailer)
		}
	}
}

// post sends the gRPC message grpcLibrary recorded to url with client.
func post(t *testing.T, client *http.Client, url, ct string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", url, bytes.NewReader([]byte{0, 0, 0, 0, 2, 8, 1}))
	req.Header.Set("Content-Type", ct)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("POST %s (%s): %v", url, ct, err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("POST %s (%s): status %d", url, ct, resp.StatusCode)
	}
	return resp
}

// rawPost sends a POST of content type ct for path to the server at base
// over a connection of its own and returns the response's header and what
// follows it (the chunked body and trailers), as sent.
func rawPost(t *testing.T, base, path, ct string) (head, rest string) {
	t.Helper()
	addr := strings.TrimPrefix(base, "http://")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := "\x00\x00\x00\x00\x02\x08\x01"
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", path, addr, ct, len(body), body)
	all, err := io.ReadAll(bufio.NewReader(conn))
	if err != nil {
		t.Fatal(err)
	}
	head, rest, ok := strings.Cut(string(all), "\r\n\r\n")
	if !ok {
		t.Fatalf("no complete response header for %s:\n%q", ct, all)
	}
	return head + "\r\n", rest
}

// An answer with trailers over HTTP/2 gets no Content-Length the API did
// not send, even with a body held whole (none at all here: a gRPC stream
// that ended with an error before any message): its body is flushed before
// its trailers, as the recording proxy flushes it. And a Trailer field in
// a hand-written gRPC cassette's header is not sent: its trailers go
// unannounced all the same.
func TestGRPCAnswerOverHTTP2GetsNoLengthNorAnnouncement(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := filepath.Join(t.TempDir(), "api")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte{0, 0, 0, 0, 2, 8, 1} // what post sends
	for _, c := range []struct {
		path string
		hdr  http.Header
	}{
		{"/svc/List", http.Header{"Content-Type": {"application/grpc"}}},
		{"/svc/Get", http.Header{"Content-Type": {"application/grpc"}, "Trailer": {"Grpc-Status, Grpc-Message"}}},
		{"/rest/sum", http.Header{"Content-Type": {"application/json"}}},
	} {
		req := httptest.NewRequest("POST", "http://api.example.com"+c.path, bytes.NewReader(body))
		ex := library.Exchange{
			Request: library.Request{Method: "POST", URL: req.URL.String(), Body: body},
			Response: library.Response{StatusCode: 200, Header: c.hdr,
				Trailer: http.Header{"Grpc-Status": {"10"}, "Grpc-Message": {"aborted"}}},
		}
		if err := lib.Append(nameOf(req, body), ex); err != nil {
			t.Fatal(err)
		}
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	srv := replayserver.New(t, path, replayserver.TLS())
	for _, c := range []struct {
		path      string
		announced bool
	}{{"/svc/List", false}, {"/svc/Get", false}, {"/rest/sum", true}} {
		resp := post(t, srv.Client(), srv.URL+c.path, "application/grpc")
		if got := len(resp.Trailer) > 0; got != c.announced {
			t.Errorf("%s: trailers announced = %v (%v), want %v", c.path, got, resp.Trailer, c.announced)
		}
		io.ReadAll(resp.Body)
		resp.Body.Close()
		if v, ok := resp.Header["Content-Length"]; ok {
			t.Errorf("%s: Content-Length %q sent; the API sent none", c.path, v)
		}
		if resp.Trailer.Get("Grpc-Status") != "10" {
			t.Errorf("%s: trailers %v; want Grpc-Status 10", c.path, resp.Trailer)
		}
	}
}

// Over HTTP/2 a Content-Length and trailers go together (an API behind a
// proxy that buffers sends both): a recorded length that is true is sent
// as recorded, one that is not is left out. Over HTTP/1.1 trailers need
// a chunked body, so no length is sent.
func TestARecordedLengthWithTrailersIsKeptOverHTTP2(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := filepath.Join(t.TempDir(), "api")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte("hello")
	for _, c := range []struct{ path, length string }{{"/true", "5"}, {"/false", "7"}} {
		req := httptest.NewRequest("GET", "http://api.example.com"+c.path, nil)
		ex := library.Exchange{
			Request: library.Request{Method: "GET", URL: req.URL.String()},
			Response: library.Response{StatusCode: 200, Body: body,
				Header:  http.Header{"Content-Type": {"text/plain"}, "Content-Length": {c.length}, "Trailer": {"X-Checksum"}},
				Trailer: http.Header{"X-Checksum": {"abc"}}},
		}
		if err := lib.Append(nameOf(req, nil), ex); err != nil {
			t.Fatal(err)
		}
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	for _, h2 := range []bool{true, false} {
		var opts []replayserver.Option
		if h2 {
			opts = append(opts, replayserver.TLS())
		}
		srv := replayserver.New(t, path, opts...)
		for _, c := range []struct{ path, want string }{{"/true", "5"}, {"/false", ""}} {
			resp, err := srv.Client().Get(srv.URL + c.path)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			want := c.want
			if !h2 {
				want = ""
			}
			if cl := resp.Header.Get("Content-Length"); cl != want || string(got) != "hello" || resp.Trailer.Get("X-Checksum") != "abc" {
				t.Errorf("%s (HTTP/2 %v): Content-Length %q, body %q, trailers %v; want length %q, hello and X-Checksum abc",
					c.path, h2, cl, got, resp.Trailer, want)
			}
		}
	}
}

// A gzip answer with trailers, replayed over HTTP/2 decoded to a client
// that refuses gzip, gets the decoded body's length, not the recorded
// gzip's, which cut the body short and lost the trailers (found by a
// review of the test above).
func TestADecodedBodyWithTrailersOverHTTP2HasItsOwnLength(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := filepath.Join(t.TempDir(), "api")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	plain := bytes.Repeat([]byte("hello, world; "), 50)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(plain)
	zw.Close()
	req := httptest.NewRequest("GET", "http://api.example.com/data", nil)
	ex := library.Exchange{
		Request: library.Request{Method: "GET", URL: req.URL.String()},
		Response: library.Response{StatusCode: 200, Body: gz.Bytes(),
			Header: http.Header{"Content-Type": {"text/plain"}, "Content-Encoding": {"gzip"},
				"Content-Length": {fmt.Sprint(gz.Len())}, "Trailer": {"X-Checksum"}},
			Trailer: http.Header{"X-Checksum": {"abc"}}},
	}
	if err := lib.Append(nameOf(req, nil), ex); err != nil {
		t.Fatal(err)
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	srv := replayserver.New(t, path, replayserver.TLS())
	r, _ := http.NewRequest("GET", srv.URL+"/data", nil)
	r.Header.Set("Accept-Encoding", "identity")
	resp, err := srv.Client().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if resp.ProtoMajor != 2 {
		t.Fatalf("HTTP/%d, want 2", resp.ProtoMajor)
	}
	if err != nil || !bytes.Equal(got, plain) || resp.Trailer.Get("X-Checksum") != "abc" || resp.Header.Get("Content-Length") != fmt.Sprint(len(plain)) {
		t.Errorf("Content-Length %q; read %d bytes, %v; trailers %v; want length %d, the decoded body and X-Checksum abc",
			resp.Header.Get("Content-Length"), len(got), err, resp.Trailer, len(plain))
	}
}
