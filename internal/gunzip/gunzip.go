// Package gunzip does for cassette's transports what [http.Transport] does
// for its callers: ask for gzip when a request names no encoding, and hand
// the caller the decoded body, while what was on the wire stays gzip. It
// also decodes gzip-encoded request bodies for the naming rules.
package gunzip

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
)

// Asks reports whether an [http.Transport] with compression on would ask
// for gzip on req's behalf: req sets no Accept-Encoding and no Range, and
// is not a HEAD.
func Asks(req *http.Request) bool {
	return req.Header.Get("Accept-Encoding") == "" && req.Header.Get("Range") == "" && req.Method != http.MethodHead
}

// Decode turns resp, a gzip-encoded answer to a request the transport
// asked gzip for, into what [http.Transport] would return: the body
// decoded as it is read, without Content-Encoding and Content-Length, and
// Uncompressed set. It reports whether resp was gzip-encoded; other
// responses are left alone.
func Decode(resp *http.Response) bool {
	if !strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip") || resp.Body == nil || resp.Body == http.NoBody {
		return false
	}
	resp.Header.Del("Content-Encoding")
	resp.Header.Del("Content-Length")
	resp.ContentLength = -1
	resp.Uncompressed = true
	resp.Body = &body{src: resp.Body}
	return true
}

// body decodes src, starting at the first Read as http.Transport does, so
// that a body closed unread reads nothing.
type body struct {
	src io.ReadCloser
	zr  *gzip.Reader
	err error // the error of starting to decode, returned by every Read
}

func (b *body) Read(p []byte) (int, error) {
	if b.zr == nil && b.err == nil {
		b.zr, b.err = gzip.NewReader(b.src)
	}
	if b.err != nil {
		return 0, b.err
	}
	return b.zr.Read(p)
}

func (b *body) Close() error { return b.src.Close() }

// maxRequestBody is the most of a gzip-encoded request body that
// RequestBody decodes.
const maxRequestBody = 64 << 20

// RequestBody returns body, a request body sent with header h, decoded
// when h says it is gzip-encoded (Content-Encoding: gzip, as
// Elasticsearch's client sends with CompressRequestBody) and it decodes,
// up to 64 MiB; else body itself.
func RequestBody(h http.Header, body []byte) []byte {
	if len(body) == 0 || !strings.EqualFold(strings.TrimSpace(h.Get("Content-Encoding")), "gzip") {
		return body
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return body
	}
	out, err := io.ReadAll(io.LimitReader(zr, maxRequestBody+1))
	if err != nil || len(out) > maxRequestBody {
		return body
	}
	return out
}
