package naming

import (
	"net/url"
	"strings"
)

// pathChars are the characters a path segment shows as they are: lower-
// case letters, digits and ".=%-".
var pathChars = newCharSet(".=%-")

// requestPath returns the path of u as sent on the wire: the opaque part
// when set, else the escaped path, and "/" for an empty path. An opaque
// part "//host/path" (how a Go client may send a path it escaped itself)
// goes on the wire as the URL "scheme://host/path", whose path a server
// sees: its path is what follows the host, so that the name is the one
// the server gives it, and does not hold the host (a loopback test
// server's port changes every run).
func requestPath(u *url.URL) string {
	p := u.Opaque
	if authority, ok := strings.CutPrefix(p, "//"); ok {
		p = ""
		if i := strings.IndexByte(authority, '/'); i >= 0 {
			p = authority[i:]
		}
	} else if p == "" {
		p = u.EscapedPath()
	}
	if p == "" {
		return "/"
	}
	return p
}

// appendPath appends path as "_" and a field for each segment (nothing
// for the root path), and reports whether that lost information: a path
// not starting with "/", an empty segment ("/a//b", "/a/"), a segment "."
// or ".." (shown as "-"), or a segment that [appendClean] changed. It
// stops once b is longer than limit, the fields after that unrendered.
func appendPath(b []byte, path string, limit int) ([]byte, bool) {
	rest, ok := strings.CutPrefix(path, "/")
	lossy := !ok
	if rest == "" && ok {
		return b, false
	}
	for len(b) <= limit {
		seg, after, more := strings.Cut(rest, "/")
		b = append(b, '_')
		switch seg {
		case "", ".", "..":
			b = append(b, '-')
			lossy = true
		default:
			var changed bool
			b, changed = appendClean(b, seg, pathChars, limit)
			lossy = lossy || changed
		}
		if !more {
			break
		}
		rest = after
	}
	return b, lossy
}
