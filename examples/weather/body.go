package weather

import (
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// readBody reads resp's body, at most maxBody bytes, decoding it when its
// Content-Encoding is gzip. The transport decodes gzip itself only when the
// client did not set Accept-Encoding; a client that sets it, as
// [Client.Bulletin] does, gets the bytes as sent and must decode them.
func readBody(resp *http.Response) ([]byte, error) {
	req := resp.Request
	var r io.Reader = resp.Body
	switch enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, fmt.Errorf("weather: %s %s: gzip body: %w", req.Method, req.URL.Path, err)
		}
		defer zr.Close()
		r = zr
	default:
		return nil, fmt.Errorf("weather: %s %s: unsupported Content-Encoding %q", req.Method, req.URL.Path, enc)
	}
	b, err := io.ReadAll(io.LimitReader(r, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("weather: %s %s: read body: %w", req.Method, req.URL.Path, err)
	}
	if len(b) > maxBody {
		return nil, fmt.Errorf("weather: %s %s: body larger than %d bytes", req.Method, req.URL.Path, maxBody)
	}
	return b, nil
}
