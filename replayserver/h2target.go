package replayserver

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// h2TargetError returns an error when Go's HTTP/2 server would refuse the
// request target Go's HTTP/2 client sends for r as its :path, nil when it
// takes it, or the client refuses it itself. The server parses :path as
// url.ParseRequestURI does: a control character anywhere in it (0x00 to
// 0x1f, 0x7f; RFC 9113 §8.3.1), or a malformed %-escape in its path (a
// URL.Opaque that holds one), makes it reset the stream with a protocol
// error, which Go's client then retries until the request's context ends.
// Over HTTP/1.1 the client refuses the first and the server answers the
// second with 400, so this is asked only over HTTP/2.
func h2TargetError(r *http.Request) error {
	if r.Method == http.MethodConnect || r.URL == nil {
		return nil // no :path sent, or no request the client sends
	}
	// As Go's client computes :path.
	target := r.URL.RequestURI()
	if !validPseudoPath(target) {
		host := r.Host
		if host == "" {
			host = r.URL.Host
		}
		target = strings.TrimPrefix(target, r.URL.Scheme+"://"+host)
		if !validPseudoPath(target) {
			return nil // the client refuses it, with an error of its own
		}
	}
	_, err := url.ParseRequestURI(target)
	if err == nil {
		return nil
	}
	if u := (*url.Error)(nil); errors.As(err, &u) {
		err = u.Err // without the URL, which the client's error names
	}
	// Not the URL, which may hold a secret: http.Client's error names it.
	return fmt.Errorf("replayserver: this request's URL cannot be sent over HTTP/2, which srv.Client() speaks to a TLS server: Go's HTTP/2 server refuses its path or query (%v), and Go's HTTP/2 client would send it again and again until the request's context ends; percent-encode it (url.Values.Encode, url.PathEscape)", err)
}

// validPseudoPath reports whether v is a :path Go's HTTP/2 client sends
// as it is: one starting with '/', or "*" for OPTIONS.
func validPseudoPath(v string) bool {
	return (len(v) > 0 && v[0] == '/') || v == "*"
}
