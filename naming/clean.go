package naming

import "unicode/utf8"

// A charSet is a set of bytes.
type charSet [256]bool

// newCharSet returns the set of lower-case ASCII letters, digits and the
// bytes in extra.
func newCharSet(extra string) *charSet {
	var s charSet
	for c := byte('a'); c <= 'z'; c++ {
		s[c] = true
	}
	for c := byte('0'); c <= '9'; c++ {
		s[c] = true
	}
	for i := range len(extra) {
		s[extra[i]] = true
	}
	return &s
}

// appendClean appends s mapped onto the characters a path or query field
// may hold, and reports whether that changed it. The bytes in keep
// (lower-case ASCII letters, digits and some punctuation) stay; upper-case
// ASCII letters become lower case; a "%" followed by two hex digits is an
// escape, whose digits become upper case (the normal form of RFC 3986, and
// what Go's url package writes); every other character (a rune, or an
// invalid byte) becomes one "-". It stops once b is longer than limit.
//
// So letters outside escapes are lower case and letters inside them upper
// case: two fields that differ only in case are equal, which keeps names
// apart on case-insensitive file systems.
func appendClean(b []byte, s string, keep *charSet, limit int) ([]byte, bool) {
	changed := false
	for i := 0; i < len(s) && len(b) <= limit; {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			h, l := upper(s[i+1]), upper(s[i+2])
			changed = changed || h != s[i+1] || l != s[i+2]
			b = append(b, '%', h, l)
			i += 3
			continue
		case keep[c]:
			b = append(b, c)
		case 'A' <= c && c <= 'Z':
			b = append(b, c-'A'+'a')
			changed = true
		case c < utf8.RuneSelf:
			b = append(b, '-')
			changed = true
		default:
			_, size := utf8.DecodeRuneInString(s[i:])
			b = append(b, '-')
			changed = true
			i += size
			continue
		}
		i++
	}
	return b, changed
}

// isHex reports whether c is a hex digit, in either case.
func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// upper returns c in upper case when it is an ASCII letter.
func upper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}
