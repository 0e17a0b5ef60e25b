package recorder

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/cassette-go/cassette/library"
)

// A BeforeSave hook may rewrite a response body that the upstream sent
// encoded (Content-Encoding) and forget to encode it again. Stored, such
// a body fails every client that replays it ("gzip: invalid header"), so
// the exchange is refused as if the hook had failed. The codings checked
// are those the standard library decodes: gzip (and x-gzip) and deflate
// (zlib-wrapped, as HTTP's deflate is meant, or raw, as some servers send
// it). Others (br, zstd) and several codings in a row are not checked.

// maxCheckDecoded is the most of a body checkEncoding decodes, as
// gunzip.DecodedLen does: a body that decodes to more counts as one that
// does not decode.
const maxCheckDecoded = 256 << 20

// contentCoding returns the content coding of a response with header h
// that checkEncoding checks: "gzip" (for gzip or x-gzip) or "deflate",
// given alone, in any case. It returns "" for none, another coding, or
// several.
func contentCoding(h http.Header) string {
	ce := h.Values("Content-Encoding")
	if len(ce) != 1 {
		return ""
	}
	switch strings.ToLower(strings.TrimSpace(ce[0])) {
	case "gzip", "x-gzip":
		return "gzip"
	case "deflate":
		return "deflate"
	}
	return ""
}

// A sentBody is a response body as the upstream sent it, before the
// hooks ran: its content coding (see contentCoding), and the body, in
// memory or in the body file committed for it.
type sentBody struct {
	coding string
	body   []byte // a copy, when a hook might rewrite it in place
	file   string // the body file, "" for none
}

// checkEncoding reports a response body that a BeforeSave hook rewrote
// without encoding it again: resp's Content-Encoding says gzip or deflate
// (see contentCoding), and its body, inline or in a body file, does not
// decode so. A hook that moved a body from its body file inline is
// checked as one that rewrote it inline; one in a body file that cannot
// be opened (a relative path, a file that is not there) is left to the
// library, which refuses it saying why. A body the upstream sent under
// the same coding that does not decode either is stored as it was sent.
// A body the hooks left as it was sent (the same bytes, or the same body
// file, under the same coding) is not decoded: comparing costs far less
// than decoding (up to 256 MiB), which every encoded exchange recorded
// with a hook would pay in its client's last Read.
func checkEncoding(resp *library.Response, sent sentBody) error {
	coding := contentCoding(resp.Header)
	if coding == "" || resp.BodyFile == "" && len(resp.Body) == 0 {
		return nil
	}
	if coding == sent.coding {
		if resp.BodyFile != "" && resp.BodyFile == sent.file ||
			resp.BodyFile == "" && sent.file == "" && bytes.Equal(resp.Body, sent.body) {
			return nil
		}
	}
	if ok, err := decodes(coding, resp.OpenBody); ok || err != nil {
		// A body file that cannot be opened (a relative path, a file
		// that is not there) is not a body that no longer decodes: the
		// library says what is wrong with it as it stores the exchange.
		return nil
	}
	if coding == sent.coding {
		was := &library.Response{Body: sent.body, BodyFile: sent.file}
		if ok, _ := decodes(coding, was.OpenBody); !ok {
			return nil
		}
	}
	hint := coding
	if coding == "deflate" {
		hint = "deflate (compress/zlib)"
	}
	return fmt.Errorf("the response body is no longer %[1]s, but its Content-Encoding still says so, and it would not replay: "+
		"a hook that rewrites a %[1]s-encoded body decodes it, then encodes it again with %[2]s (or deletes the Content-Encoding header)", coding, hint)
}

// decodes reports whether the body that open opens decodes whole under
// coding, "gzip" or "deflate" (zlib-wrapped or raw), to at most
// maxCheckDecoded bytes. An error is open's: the body was not read.
func decodes(coding string, open func() (io.ReadCloser, int64, error)) (bool, error) {
	switch coding {
	case "gzip":
		return decodesWith(open, false, func(r *bufio.Reader) (io.Reader, error) { return gzip.NewReader(r) })
	case "deflate":
		if ok, err := decodesWith(open, false, func(r *bufio.Reader) (io.Reader, error) { return zlib.NewReader(r) }); ok || err != nil {
			return ok, err
		}
		// Raw deflate has no checksum to tell text from it: it must end
		// where the body ends.
		return decodesWith(open, true, func(r *bufio.Reader) (io.Reader, error) { return flate.NewReader(r), nil })
	}
	return false, nil
}

// decodesWith reports whether the body that open opens decodes whole with
// the decoder newReader makes, to at most maxCheckDecoded bytes, and, when
// toEnd is true, whether the decoder read it to its end. An error is
// open's: the body was not read.
func decodesWith(open func() (io.ReadCloser, int64, error), toEnd bool, newReader func(*bufio.Reader) (io.Reader, error)) (bool, error) {
	rc, _, err := open()
	if err != nil {
		return false, err
	}
	defer rc.Close()
	br := bufio.NewReader(rc) // a ByteReader: the decoders read no further than they need
	zr, err := newReader(br)
	if err != nil {
		return false, nil
	}
	n, err := io.Copy(io.Discard, io.LimitReader(zr, maxCheckDecoded+1))
	if err != nil || n > maxCheckDecoded {
		return false, nil
	}
	if toEnd {
		if _, err := br.ReadByte(); err != io.EOF {
			return false, nil
		}
	}
	return true, nil
}
