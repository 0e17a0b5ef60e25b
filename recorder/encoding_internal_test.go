package recorder

import (
	"bytes"
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
	for _, tc := range []struct {
		name string
		body []byte
	}{
		{"the same slice", sent},
		{"a copy", bytes.Clone(sent)},
	} {
		resp := &library.Response{Header: http.Header{"Content-Encoding": {"gzip"}}, Body: tc.body}
		var err error
		if allocs := testing.AllocsPerRun(10, func() { err = checkEncoding(resp, sent) }); allocs != 0 {
			t.Errorf("%s: checkEncoding allocated %v times (it decoded the body), want 0", tc.name, allocs)
		}
		if err != nil {
			t.Errorf("%s: checkEncoding = %v, want nil", tc.name, err)
		}
	}
}
