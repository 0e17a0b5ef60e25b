package recorder

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"net/http"
	"testing"

	"github.com/cassette-go/cassette/library"
)

// checkEncoding costs nothing for a body the hooks left as the upstream
// sent it (most hooks, which rewrite other exchanges, or a plain-text
// replacement that found nothing in a gzip body): it used to decode every
// gzip-encoded body recorded with a hook, up to 256 MiB, in the client's
// last Read.
func TestCheckEncodingDecodesNoUnchangedBody(t *testing.T) {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(bytes.Repeat([]byte(`{"name":"Ada"}`), 1000))
	zw.Close()
	sent := b.Bytes()
	var d bytes.Buffer
	fw, _ := flate.NewWriter(&d, flate.BestSpeed)
	fw.Write(bytes.Repeat([]byte(`{"name":"Ada"}`), 1000))
	fw.Close()
	deflated := d.Bytes()
	// Never opened: a body file left as it was is not read.
	const file = "/nonexistent/bodies/0123456789abcdef0123456789abcdef.bin"
	for _, tc := range []struct {
		name string
		resp library.Response
		sent sentBody
	}{
		{"the same slice", library.Response{Header: http.Header{"Content-Encoding": {"gzip"}}, Body: sent}, sentBody{coding: "gzip", body: sent}},
		{"a copy", library.Response{Header: http.Header{"Content-Encoding": {"gzip"}}, Body: bytes.Clone(sent)}, sentBody{coding: "gzip", body: sent}},
		{"deflate, a copy", library.Response{Header: http.Header{"Content-Encoding": {"deflate"}}, Body: bytes.Clone(deflated)}, sentBody{coding: "deflate", body: deflated}},
		{"the same body file", library.Response{Header: http.Header{"Content-Encoding": {"gzip"}}, BodyFile: file}, sentBody{coding: "gzip", file: file}},
	} {
		resp := &tc.resp
		var err error
		if allocs := testing.AllocsPerRun(10, func() { err = checkEncoding(resp, tc.sent) }); allocs != 0 {
			t.Errorf("%s: checkEncoding allocated %v times (it decoded the body), want 0", tc.name, allocs)
		}
		if err != nil {
			t.Errorf("%s: checkEncoding = %v, want nil", tc.name, err)
		}
	}
}
