package naming

import (
	"net/url"
	"strings"
)

// pathChars are the characters other than lower-case letters and digits
// that a path segment shows as they are.
const pathChars = ".=%-"

// requestPath returns the path of u as sent on the wire: the opaque part
// when set, else the escaped path, and "/" for an empty path.
func requestPath(u *url.URL) string {
	p := u.Opaque
	if p == "" {
		p = u.EscapedPath()
	}
	if p == "" {
		return "/"
	}
	return p
}

// pathField renders path as "_" and a field for each segment ("" for the
// root path), and reports whether that lost information: a path not
// starting with "/", an empty segment ("/a//b", "/a/"), a segment "." or
// ".." (shown as "-"), or a segment that [clean] changed.
func pathField(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, "/")
	lossy := !ok
	if rest == "" && ok {
		return "", false
	}
	var b strings.Builder
	for seg := range strings.SplitSeq(rest, "/") {
		f, changed := segmentField(seg)
		b.WriteString("_" + f)
		lossy = lossy || changed
	}
	return b.String(), lossy
}

// segmentField renders one path segment, and reports whether that lost
// information. It is never empty, so "_" separates segments and "__" is
// left to announce the query.
func segmentField(seg string) (string, bool) {
	switch seg {
	case "", ".", "..":
		return "-", true
	}
	return clean(seg, pathChars)
}
