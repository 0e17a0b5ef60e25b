package gunzip

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"runtime"
	"testing"
)

func gz(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	io.WriteString(w, s)
	w.Close()
	return b.Bytes()
}

func TestAsks(t *testing.T) {
	for _, c := range []struct {
		method string
		header http.Header
		want   bool
	}{
		{"GET", http.Header{}, true},
		{"POST", http.Header{}, true},
		{"HEAD", http.Header{}, false},
		{"GET", http.Header{"Accept-Encoding": {"identity"}}, false},
		{"GET", http.Header{"Accept-Encoding": {"gzip"}}, false},
		{"GET", http.Header{"Range": {"bytes=0-9"}}, false},
	} {
		if got := Asks(&http.Request{Method: c.method, Header: c.header}); got != c.want {
			t.Errorf("Asks(%s %v) = %v, want %v", c.method, c.header, got, c.want)
		}
	}
}

func TestDecode(t *testing.T) {
	raw := gz("hello, decoded")
	resp := &http.Response{
		Header:        http.Header{"Content-Encoding": {"GZIP"}, "Content-Length": {"40"}, "Content-Type": {"text/plain"}},
		ContentLength: int64(len(raw)),
		Body:          io.NopCloser(bytes.NewReader(raw)),
	}
	if !Decode(resp) {
		t.Fatal("Decode of a gzip response = false")
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil || string(b) != "hello, decoded" {
		t.Errorf("body = %q, %v", b, err)
	}
	if resp.Header.Get("Content-Encoding") != "" || resp.Header.Get("Content-Length") != "" || resp.ContentLength != -1 || !resp.Uncompressed {
		t.Errorf("after Decode: header %v, ContentLength %d, Uncompressed %v", resp.Header, resp.ContentLength, resp.Uncompressed)
	}
	if resp.Header.Get("Content-Type") != "text/plain" {
		t.Errorf("Decode dropped Content-Type: %v", resp.Header)
	}
}

func TestDecodeLeavesOthersAlone(t *testing.T) {
	for _, resp := range []*http.Response{
		{Header: http.Header{"Content-Encoding": {"br"}}, Body: io.NopCloser(bytes.NewReader([]byte("x")))},
		{Header: http.Header{}, Body: io.NopCloser(bytes.NewReader([]byte("x")))},
		{Header: http.Header{"Content-Encoding": {"gzip"}}, Body: http.NoBody},
	} {
		before := resp.Body
		if Decode(resp) || resp.Body != before {
			t.Errorf("Decode changed a response encoded %q", resp.Header.Get("Content-Encoding"))
		}
	}
}

func TestDecodeOfBrokenGzipIsAReadError(t *testing.T) {
	resp := &http.Response{Header: http.Header{"Content-Encoding": {"gzip"}}, Body: io.NopCloser(bytes.NewReader([]byte("not gzip")))}
	Decode(resp)
	if _, err := io.ReadAll(resp.Body); err == nil {
		t.Error("reading a body that is not gzip gave no error")
	}
}

func TestAcceptsAndRefuses(t *testing.T) {
	for _, tc := range []struct {
		ae               []string // nil: no Accept-Encoding
		accepts, refuses bool
	}{
		{nil, false, false},
		{[]string{"gzip"}, true, false},
		{[]string{"GZIP"}, true, false},
		{[]string{"x-gzip"}, true, false},
		{[]string{"br, gzip;q=0.5"}, true, false},
		{[]string{"identity"}, false, true},
		{[]string{"gzip;q=0"}, false, true},
		{[]string{"gzip; q=0.0, deflate"}, false, true},
		{[]string{"*"}, true, false},
		{[]string{"*;q=0"}, false, true},
		{[]string{"gzip;q=0, *"}, false, true},
		{[]string{"deflate", "gzip"}, true, false},
		{[]string{"gzip;q=oops"}, false, true},
		{[]string{""}, false, true},
	} {
		h := http.Header{}
		if tc.ae != nil {
			h["Accept-Encoding"] = tc.ae
		}
		if got := Accepts(h); got != tc.accepts {
			t.Errorf("Accepts(%q) = %v, want %v", tc.ae, got, tc.accepts)
		}
		if got := Refuses(h); got != tc.refuses {
			t.Errorf("Refuses(%q) = %v, want %v", tc.ae, got, tc.refuses)
		}
	}
}

// Refuses runs on every hit of a gzip answer: it allocates nothing.
func TestRefusesDoesNotAllocate(t *testing.T) {
	h := http.Header{"Accept-Encoding": {"gzip, deflate, br;q=0.9"}}
	if n := testing.AllocsPerRun(100, func() { Refuses(h) }); n != 0 {
		t.Errorf("Refuses allocates %v times a call, want 0", n)
	}
}

// DecodedLen measures a body without keeping it, and NewReader decodes it
// as it is read: a small body that expands a thousandfold (a gzip bomb,
// or a real export of repetitive text) costs no memory on replay. The
// replay server decoded it whole for each request of a client refusing
// gzip, 572 MiB for a body of 300 KB (found by a reviewer).
func TestDecodedLenAndNewReaderKeepNothingWhole(t *testing.T) {
	const size = 16 << 20
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zero := make([]byte, 1<<20)
	for range size >> 20 {
		w.Write(zero)
	}
	w.Close()
	encoded := b.Bytes()

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	n, ok := DecodedLen(encoded)
	r := NewReader(encoded)
	read, err := io.Copy(io.Discard, r)
	r.Close()
	runtime.ReadMemStats(&after)
	if !ok || n != size || err != nil || read != size {
		t.Fatalf("DecodedLen = %d, %v; NewReader read %d, %v; want %d, true and %d bytes", n, ok, read, err, size, size)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 4<<20 {
		t.Errorf("measuring and reading a body of %d KiB that decodes to %d MiB allocated %d KiB; want a few buffers", len(encoded)>>10, size>>20, got>>10)
	}

	for _, bad := range [][]byte{nil, []byte("not gzip"), encoded[:len(encoded)/2]} {
		if n, ok := DecodedLen(bad); ok {
			t.Errorf("DecodedLen(%d bytes that do not decode) = %d, true; want false", len(bad), n)
		}
	}
}

// A stream cut inside the next member's header decodes as far as it goes,
// as one cut inside a member or its trailer does; short garbage does not
// (a cut in a header was sent as raw gzip; found by a reviewer).
func TestStreamCutInsideAHeader(t *testing.T) {
	m1, m2 := gz("data: a\n\n"), gz("data: b\n\n")
	for _, c := range []struct {
		name string
		body []byte
		n    int64
		ok   bool
	}{
		{"cut in the trailer", append(bytes.Clone(m1), m2[:len(m2)-3]...), 18, true},
		{"cut in the next header", append(bytes.Clone(m1), m2[:5]...), 9, true},
		{"cut in the first header", m1[:5], 0, true},
		{"short garbage", append(bytes.Clone(m1), "\x00junk"...), 0, false},
	} {
		n, ok := DecodedStreamLen(c.body)
		got, err := io.ReadAll(StreamReader(io.NopCloser(bytes.NewReader(c.body))))
		if n != c.n && c.ok || ok != c.ok || ok && (err != nil || int64(len(got)) != n) {
			t.Errorf("%s: DecodedStreamLen = %d, %v; StreamReader %d bytes, %v; want %d, %v", c.name, n, ok, len(got), err, c.n, c.ok)
		}
	}
}
