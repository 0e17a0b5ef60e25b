package har

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// Import checks the body as sent that a HAR of Export keeps in
// "_encoded" against its text: it decoded it up to 256 MiB, whatever the
// text, so that a HAR of a few hundred KiB (a decompression bomb in
// "_encoded", beside a text of one byte) made cassette import allocate
// hundreds of MiB for each such entry. It decodes no more than the text
// holds, and a byte: one that decodes to more is no match.
func TestImportDecodesEncodedNoFurtherThanItsText(t *testing.T) {
	member := gzipBytes(strings.Repeat("a", 1<<20))
	bomb := bytes.Repeat(member, 64) // 64 MiB decoded, of which the text holds one byte
	enc, err := json.Marshal(base64.StdEncoding.EncodeToString(bomb))
	if err != nil {
		t.Fatal(err)
	}
	data := fmt.Appendf(nil, `{"log": {"version": "1.2", "creator": {"name": "cassette", "version": "devel"}, "entries": [
	  {"request": {"method": "GET", "url": "https://example.com/bomb", "headers": []},
	   "response": {"status": 200, "headers": [{"name": "Content-Encoding", "value": "gzip"}],
	     "content": {"size": 1, "mimeType": "text/plain", "text": "a", "_encoded": %s}}}]}}`, enc)

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	cs, _, err := Import(data)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 16<<20 {
		t.Errorf("Import of a HAR of %d bytes, a text of 1 byte beside %d bytes of gzip decoding to 64 MiB in _encoded, allocated %d MiB; want no more than the HAR and its text take", len(data), len(bomb), n>>20)
	}
	if len(cs) != 1 || len(cs[0].Exchanges) != 1 {
		t.Fatalf("Import gave %d cassettes, want 1", len(cs))
	}
	r := cs[0].Exchanges[0].Response
	if string(r.Body) != "a" || r.Header.Get("Content-Encoding") != "" {
		t.Errorf("imported body %.20q (%d bytes), Content-Encoding %q; want the text \"a\", decoded: _encoded does not decode to it", r.Body, len(r.Body), r.Header.Get("Content-Encoding"))
	}
}
