package library

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"
)

// encoding/json keeps the last of the members of an object that share a
// name (and, for a struct, names that differ only in case): a library file
// edited by hand with "cassettes" given twice would read as its last
// list, and the next Save would drop the others. duplicateKey finds such
// a member, in one pass over the bytes of a file that decoded.

// duplicateKey returns the offset and the name of the first member of an
// object in data, valid JSON, whose name an earlier member of the same
// object has: in a header map (the value of "headers" or "trailers") the
// same name, elsewhere the same name in any case, as encoding/json
// matches struct fields. ok is false when there is none.
func duplicateKey(data []byte) (offset int, key string, ok bool) {
	type frame struct {
		object bool
		exact  bool            // a header map: names that differ in case are different members
		keys   [][]byte        // the names of the members so far
		spare  [][]byte        // keys' backing array, reused by the next frame at this depth
		set    map[string]bool // the names as compared (see memberKey), once there are more than manyMembers
	}
	var (
		stack   []frame
		lastKey []byte // the name of the member whose value comes next
	)
	isHeaders := func(k []byte) bool {
		return bytes.EqualFold(k, []byte("headers")) || bytes.EqualFold(k, []byte("trailers"))
	}
	i := 0
	for i < len(data) {
		switch c := data[i]; c {
		case '{', '[':
			f := frame{object: c == '{', exact: c == '{' && lastKey != nil && isHeaders(lastKey)}
			if n := len(stack); n < cap(stack) {
				f.keys = stack[:n+1][n].spare[:0]
				f.spare = f.keys
			}
			stack = append(stack, f)
			lastKey = nil
			i++
		case '}', ']':
			n := len(stack) - 1
			stack[n].spare = stack[n].keys[:0]
			stack = stack[:n]
			lastKey = nil
			i++
		case '"':
			start := i
			end := stringEnd(data, i)
			s := data[i+1 : end]
			i = end + 1
			// A name is a string followed by a colon, inside an object.
			j := i
			for j < len(data) && (data[j] == ' ' || data[j] == '\t' || data[j] == '\n' || data[j] == '\r') {
				j++
			}
			if n := len(stack) - 1; n >= 0 && stack[n].object && j < len(data) && data[j] == ':' {
				f := &stack[n]
				if bytes.IndexByte(s, '\\') >= 0 || !utf8.Valid(s) {
					// encoding/json reads the name unescaped ("cassette\u0073"
					// is "cassettes"), and with U+FFFD for each byte
					// that is not UTF-8 ("\xff" and "\xfe" are one
					// header name): compare it so.
					var u string
					if json.Unmarshal(data[start:end+1], &u) == nil {
						s = []byte(u)
					}
				}
				if f.set != nil {
					k := memberKey(s, f.exact)
					if f.set[k] {
						return start, string(s), true
					}
					f.set[k] = true
				} else {
					for _, k := range f.keys {
						if bytes.Equal(k, s) || !f.exact && bytes.EqualFold(k, s) {
							return start, string(s), true
						}
					}
					if len(f.keys) == manyMembers {
						// Compared one by one, a hand-made object of
						// many members would take quadratic time.
						f.set = make(map[string]bool, 2*manyMembers)
						for _, k := range f.keys {
							f.set[memberKey(k, f.exact)] = true
						}
						f.set[memberKey(s, f.exact)] = true
					}
				}
				f.keys = append(f.keys, s)
				lastKey = s
				i = j + 1
			}
		default:
			i++
		}
	}
	return 0, "", false
}

// manyMembers is how many members of an object duplicateKey compares one
// by one; past it, it looks them up in a set.
const manyMembers = 32

// memberKey returns the name of a member as duplicateKey compares it: as
// it is, or, unless exact, each letter as the least of the letters
// bytes.EqualFold takes for it (its unicode.SimpleFold orbit), so that two
// names have one key exactly when EqualFold calls them equal.
func memberKey(name []byte, exact bool) string {
	if exact {
		return string(name)
	}
	return strings.Map(func(r rune) rune {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		return least
	}, string(name))
}

// stringEnd returns the index of the quote that ends the JSON string
// starting at the quote data[start].
func stringEnd(data []byte, start int) int {
	i := start + 1
	for {
		q := bytes.IndexByte(data[i:], '"')
		if q < 0 {
			return len(data) - 1
		}
		i += q
		// Escaped if preceded by an odd number of backslashes.
		b := 0
		for k := i - 1; k > start && data[k] == '\\'; k-- {
			b++
		}
		if b%2 == 0 {
			return i
		}
		i++
	}
}
