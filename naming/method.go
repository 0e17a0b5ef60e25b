package naming

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

// appendMethod appends method as the first field of a name: upper-case
// letters, digits and "-", starting with a letter or digit, at most
// maxMethod bytes; every other character (a rune, or an invalid byte) is
// one "-". It reports whether that lost information (a method not already
// in upper case, say). method is not empty.
func appendMethod(b []byte, method string) ([]byte, bool) {
	start := len(b)
	lossy := false
	for _, c := range method {
		if len(b)-start == maxMethod {
			lossy = true
			break
		}
		switch {
		case 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-':
			b = append(b, byte(c))
		case 'a' <= c && c <= 'z':
			b = append(b, byte(c-'a'+'A'))
			lossy = true
		default:
			b = append(b, '-')
			lossy = true
		}
	}
	if b[start] == '-' {
		b[start] = 'X'
		lossy = true
	}
	return b, lossy
}
