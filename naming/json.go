package naming

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// JSONBody is the body rule of JSON bodies: it returns the body as
// canonical JSON, so that the order of object keys and insignificant
// whitespace do not tell cassettes apart. Objects have their keys sorted
// (byte-wise), strings are written with the shortest escapes, and numbers
// keep their literal text: 1, 1.0 and 1e0 differ, as they may to the
// server. Of a key given twice, the last value counts, as in
// encoding/json. A body that is not valid JSON, or not valid UTF-8, is
// returned as it is.
//
//	{ "b": [1, 2.50], "a": "\u00e9" }  =>  {"a":"é","b":[1,2.50]}
func JSONBody(contentType string, body []byte) []byte {
	v, ok := decodeJSON(body)
	if !ok {
		return body
	}
	return appendJSON(make([]byte, 0, len(body)), v)
}

// decodeJSON decodes body, one JSON value, with numbers as json.Number.
func decodeJSON(body []byte) (any, bool) {
	if !utf8.Valid(body) { // encoding/json would replace what is invalid
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF { // more than one value
		return nil, false
	}
	return v, true
}

// appendJSON appends v, a value decoded by decodeJSON, as canonical JSON.
// It writes the JSON itself, rather than calling json.Marshal, so that the
// bytes (and the names hashed from them) never change with Go's encoder.
func appendJSON(b []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		if v {
			return append(b, "true"...)
		}
		return append(b, "false"...)
	case json.Number:
		return append(b, v...)
	case string:
		return appendJSONString(b, v)
	case []any:
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, e)
		}
		return append(b, ']')
	case map[string]any:
		b = append(b, '{')
		for i, k := range slices.Sorted(maps.Keys(v)) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k)
			b = append(b, ':')
			b = appendJSON(b, v[k])
		}
		return append(b, '}')
	}
	panic("naming: unexpected JSON value") // decodeJSON makes no other types
}

// appendJSONString appends s, valid UTF-8, as a JSON string: `"` and `\`
// escaped, control characters as \b, \f, \n, \r, \t or \u00XX, every
// other character as it is.
func appendJSONString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	for {
		i := strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == '"' || r == '\\' })
		if i < 0 {
			break
		}
		b = append(b, s[:i]...)
		switch c := s[i]; c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		s = s[i+1:]
	}
	b = append(b, s...)
	return append(b, '"')
}
