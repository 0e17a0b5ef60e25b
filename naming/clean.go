package naming

import (
	"strings"
	"unicode/utf8"
)

// clean maps s onto the characters a path or query field may hold, and
// reports whether that changed it. Lower-case ASCII letters, digits and the
// bytes in extra stay; upper-case ASCII letters become lower case; a "%"
// followed by two hex digits is an escape, whose digits become upper case
// (the normal form of RFC 3986, and what Go's url package writes); every
// other character becomes one "-".
//
// So letters outside escapes are lower case and letters inside them upper
// case: two fields that differ only in case are equal, which keeps names
// apart on case-insensitive file systems.
func clean(s, extra string) (string, bool) {
	var b strings.Builder
	b.Grow(len(s))
	changed := false
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			esc := []byte{'%', upper(s[i+1]), upper(s[i+2])}
			changed = changed || string(esc) != s[i:i+3]
			b.Write(esc)
			i += 3
			continue
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', strings.IndexByte(extra, c) >= 0:
			b.WriteByte(c)
		case 'A' <= c && c <= 'Z':
			b.WriteByte(c - 'A' + 'a')
			changed = true
		default:
			_, size := utf8.DecodeRuneInString(s[i:])
			b.WriteByte('-')
			changed = true
			i += size
			continue
		}
		i++
	}
	return b.String(), changed
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
