package main

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
)

// fixedNow is the clock of the tests: 2026-05-10 12:00 UTC.
var fixedNow = time.Date(2026, 5, 10, 12, 0, 0, 0, time.UTC)

// useClock sets the clock of ls and audit to fixedNow for the test.
func useClock(t *testing.T) {
	t.Helper()
	old := now
	now = func() time.Time { return fixedNow }
	t.Cleanup(func() { now = old })
}

// pngBytes is the start of a PNG file: binary, not UTF-8.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\xff\xfe")

func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// exchange returns an exchange of method url with request body reqBody,
// answered with status, content type and body, recorded at when.
func exchange(method, url, reqBody string, status int, ctype string, body []byte, when time.Time) library.Exchange {
	ex := library.Exchange{
		Request: library.Request{Method: method, URL: url, Header: http.Header{"Accept": {"*/*"}}},
		Response: library.Response{
			StatusCode: status,
			Header:     http.Header{"Content-Type": {ctype}},
			Body:       body,
		},
		Latency:    12500 * time.Microsecond,
		RecordedAt: when,
	}
	if reqBody != "" {
		ex.Request.Body = []byte(reqBody)
		ex.Request.Header.Set("Content-Type", "application/json")
	}
	return ex
}

// nameOf returns the cassette name of ex's request.
func nameOf(ex library.Exchange) string {
	req := httptest.NewRequest(ex.Request.Method, ex.Request.URL, nil)
	req.Header = ex.Request.Header
	return naming.Name(req, ex.Request.Body, naming.Default())
}

// sampleExchanges are exchanges of every kind a library must keep: JSON,
// a POST with a body, binary and gzip bodies, several exchanges for one
// request, multi-valued headers, trailers, no latency or time.
func sampleExchanges(t *testing.T) []library.Exchange {
	t.Helper()
	users := exchange("GET", "https://api.example.com/v1/users?page=2", "", 200, "application/json",
		[]byte(`{"users":[{"id":1,"name":"Ada"}],"next":3}`), fixedNow.Add(-3*24*time.Hour))
	users.Response.Header["Set-Cookie"] = []string{"a=1", "b=2", "c=3"}
	users2 := users
	users2.Response.Body = []byte(`{"users":[],"next":null}`)
	users2.RecordedAt = fixedNow.Add(-5 * time.Hour)
	users2.Response.Chunks = []library.Chunk{{Size: 10, At: time.Millisecond}, {Size: 14, At: 3 * time.Millisecond}} // streamed
	post := exchange("POST", "https://api.example.com/v1/orders", `{"item":2,"qty":3}`, 201, "application/json",
		[]byte(`{"order":77}`), fixedNow.Add(-40*24*time.Hour))
	post.Response.Trailer = http.Header{"X-Checksum": {"abc"}}
	logo := exchange("GET", "https://cdn.example.com/logo.png", "", 200, "image/png", pngBytes, fixedNow.Add(-100*24*time.Hour))
	news := exchange("GET", "https://api.example.com/v1/news", "", 200, "text/plain",
		gzipped(t, "all the news\n"), time.Time{})
	news.Response.Header.Set("Content-Encoding", "gzip")
	news.Latency = 0
	gone := exchange("DELETE", "https://api.example.com/v1/orders/77", "", 404, "text/plain; charset=iso-8859-1",
		[]byte("caf\xe9 introuvable\n"), fixedNow.Add(-90*time.Second))
	return []library.Exchange{users, users2, post, logo, news, gone}
}

// writeSample stores sampleExchanges in a new library at path (relative
// to a temporary folder), each in the cassette its request names, and
// returns the library's path.
func writeSample(t *testing.T, path string) string {
	t.Helper()
	path = filepath.Join(t.TempDir(), path)
	writeExchanges(t, path, sampleExchanges(t)...)
	return path
}

// writeExchanges appends exs to the library at path, each to the cassette
// its request names, and saves it.
func writeExchanges(t *testing.T, path string, exs ...library.Exchange) {
	t.Helper()
	lib, err := library.Open(path)
	if err != nil {
		t.Fatalf("library.Open(%s): %v", path, err)
	}
	for _, ex := range exs {
		if err := lib.Append(nameOf(ex), ex); err != nil {
			t.Fatalf("Append(%s): %v", nameOf(ex), err)
		}
	}
	if err := lib.Save(); err != nil {
		t.Fatalf("Save: %v", err)
	}
}

// loadAll returns every cassette of the library at path, read afresh.
func loadAll(t *testing.T, path string) []library.Cassette {
	t.Helper()
	lib, err := library.Open(path)
	if err != nil {
		t.Fatalf("library.Open(%s): %v", path, err)
	}
	all, err := cassettes(lib, nil)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return all
}
