// Package trailer keeps the trailers of a proxied response: an HTTP/2
// upstream may announce trailers and a Content-Length both, and
// [httputil.ReverseProxy] then answers an HTTP/1.1 client with the length,
// which leaves no room for trailers. The client stops reading at the
// length, before the upstream's stream has ended.
package trailer

import "net/http"

// Unsized is a ReverseProxy ModifyResponse hook: a response that announces
// trailers loses its Content-Length, so that the proxy streams it chunked
// and the client waits for, and gets, its trailers.
func Unsized(resp *http.Response) error {
	if len(resp.Trailer) > 0 && resp.ContentLength >= 0 {
		resp.Header.Del("Content-Length")
		resp.ContentLength = -1
	}
	return nil
}
