package naming

import "strings"

// maxMethod is the longest method field, in bytes.
const maxMethod = 12

// requestMethod returns the method of a request whose Method field is m:
// an empty method means GET.
func requestMethod(m string) string {
	if m == "" {
		return "GET"
	}
	return m
}

// methodField renders method as the first field of a name: upper-case
// letters, digits and "-", starting with a letter or digit, at most
// maxMethod bytes. It reports whether that lost information (a method not
// already in upper case, say).
func methodField(method string) (string, bool) {
	var b strings.Builder
	lossy := false
	for _, c := range method {
		switch {
		case 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-':
			b.WriteRune(c)
		case 'a' <= c && c <= 'z':
			b.WriteRune(c - 'a' + 'A')
			lossy = true
		default:
			b.WriteByte('-')
			lossy = true
		}
	}
	f := b.String()
	if len(f) > maxMethod {
		f, lossy = f[:maxMethod], true
	}
	if f[0] == '-' { // f is not empty: method is not
		f, lossy = "X"+f[1:], true
	}
	return f, lossy
}
