package library

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// JSON is written by hand rather than by encoding/json so that the layout
// suits a reviewer: two-space indentation, one header per line with its
// values on that line, and <, > and & left alone. Reading uses
// encoding/json.

// jsonWriter appends JSON to buf.
type jsonWriter struct {
	buf []byte
}

func (w *jsonWriter) indent(depth int) {
	w.buf = append(w.buf, '\n')
	for range depth {
		w.buf = append(w.buf, ' ', ' ')
	}
}

// key writes the indented key of a member; first is false for all but the
// first member of an object.
func (w *jsonWriter) key(depth int, first bool, k string) {
	if !first {
		w.buf = append(w.buf, ',')
	}
	w.indent(depth)
	w.str(k)
	w.buf = append(w.buf, ':', ' ')
}

const hexDigits = "0123456789abcdef"

// str writes s, which must be valid UTF-8, as a JSON string.
func (w *jsonWriter) str(s string) {
	w.buf = append(w.buf, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			w.buf = append(w.buf, s[start:i]...)
			switch b {
			case '"', '\\':
				w.buf = append(w.buf, '\\', b)
			case '\n':
				w.buf = append(w.buf, '\\', 'n')
			case '\r':
				w.buf = append(w.buf, '\\', 'r')
			case '\t':
				w.buf = append(w.buf, '\\', 't')
			default:
				w.buf = append(w.buf, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			// Not reached for valid input; keep the output valid anyway.
			w.buf = append(w.buf, s[start:i]...)
			w.buf = append(w.buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			// Valid JSON, but invisible in most editors.
			w.buf = append(w.buf, s[start:i]...)
			w.buf = append(w.buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	w.buf = append(w.buf, s[start:]...)
	w.buf = append(w.buf, '"')
}

// headers writes h as an object, names sorted, each name's values on one
// line.
func (w *jsonWriter) headers(depth int, h map[string][]string) {
	w.buf = append(w.buf, '{')
	for i, k := range sortedKeys(h) {
		w.key(depth+1, i == 0, k)
		w.buf = append(w.buf, '[')
		for j, v := range h[k] {
			if j > 0 {
				w.buf = append(w.buf, ',', ' ')
			}
			w.str(v)
		}
		w.buf = append(w.buf, ']')
	}
	w.indent(depth)
	w.buf = append(w.buf, '}')
}

func (w *jsonWriter) exchanges(depth int, xs []Exchange) {
	if len(xs) == 0 {
		w.buf = append(w.buf, '[', ']')
		return
	}
	w.buf = append(w.buf, '[')
	for i := range xs {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.indent(depth + 1)
		w.exchange(depth+1, &xs[i])
	}
	w.indent(depth)
	w.buf = append(w.buf, ']')
}

func (w *jsonWriter) exchange(depth int, ex *Exchange) {
	x := toWireExchange(ex)
	d := depth + 1
	w.buf = append(w.buf, '{')

	w.key(d, true, "request")
	w.buf = append(w.buf, '{')
	w.key(d+1, true, "method")
	w.str(x.Request.Method)
	w.key(d+1, false, "url")
	w.str(x.Request.URL)
	if len(x.Request.Headers) > 0 {
		w.key(d+1, false, "headers")
		w.headers(d+1, x.Request.Headers)
	}
	w.body(d+1, x.Request.Body, x.Request.BodyEncoding)
	w.indent(d)
	w.buf = append(w.buf, '}')

	w.key(d, false, "response")
	w.buf = append(w.buf, '{')
	w.key(d+1, true, "status")
	w.buf = strconv.AppendInt(w.buf, int64(x.Response.Status), 10)
	if len(x.Response.Headers) > 0 {
		w.key(d+1, false, "headers")
		w.headers(d+1, x.Response.Headers)
	}
	w.body(d+1, x.Response.Body, x.Response.BodyEncoding)
	if x.Response.BodyFile != "" {
		w.key(d+1, false, "body_file")
		w.str(x.Response.BodyFile)
	}
	if len(x.Response.Trailers) > 0 {
		w.key(d+1, false, "trailers")
		w.headers(d+1, x.Response.Trailers)
	}
	if len(x.Response.Chunks) > 0 {
		w.key(d+1, false, "chunks")
		w.buf = append(w.buf, '[')
		for i, c := range x.Response.Chunks {
			if i > 0 {
				w.buf = append(w.buf, ", "...)
			}
			w.str(c)
		}
		w.buf = append(w.buf, ']')
	}
	w.indent(d)
	w.buf = append(w.buf, '}')

	if x.Latency != "" {
		w.key(d, false, "latency")
		w.str(x.Latency)
	}
	if x.RecordedAt != "" {
		w.key(d, false, "recorded_at")
		w.str(x.RecordedAt)
	}
	w.indent(depth)
	w.buf = append(w.buf, '}')
}

func (w *jsonWriter) body(depth int, body, encoding string) {
	if encoding != "" {
		w.key(depth, false, "body_encoding")
		w.str(encoding)
	}
	if body != "" {
		w.key(depth, false, "body")
		w.str(body)
	}
}

// encodeJSONFile encodes a single-file library; cs must be sorted by name.
func encodeJSONFile(cs []Cassette) []byte {
	w := jsonWriter{buf: make([]byte, 0, 4096)}
	w.buf = append(w.buf, '{')
	w.key(1, true, "version")
	w.buf = strconv.AppendInt(w.buf, Version, 10)
	w.key(1, false, "cassettes")
	if len(cs) == 0 {
		w.buf = append(w.buf, '[', ']')
	} else {
		w.buf = append(w.buf, '[')
		for i := range cs {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			w.indent(2)
			w.buf = append(w.buf, '{')
			w.key(3, true, "name")
			w.str(cs[i].Name)
			w.key(3, false, "exchanges")
			w.exchanges(3, cs[i].Exchanges)
			w.indent(2)
			w.buf = append(w.buf, '}')
		}
		w.indent(1)
		w.buf = append(w.buf, ']')
	}
	w.buf = append(w.buf, '\n', '}', '\n')
	return w.buf
}

// encodeJSONCassette encodes one file of a directory library.
func encodeJSONCassette(c *Cassette) []byte {
	w := jsonWriter{buf: make([]byte, 0, 1024)}
	w.buf = append(w.buf, '{')
	w.key(1, true, "version")
	w.buf = strconv.AppendInt(w.buf, Version, 10)
	w.key(1, false, "exchanges")
	w.exchanges(1, c.Exchanges)
	w.buf = append(w.buf, '\n', '}', '\n')
	return w.buf
}

// decodeJSON decodes data, the content of the file path, into v, a pointer
// to wireFile or wireCassetteFile. Errors name the file and, when the
// decoder tells where, the line.
func decodeJSON(path string, data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, err := dec.Token(); err != io.EOF {
			return fileErrorf(path, lineAt(data, dec.InputOffset()), "unexpected data after the end of the top-level object")
		}
		if off, key, dup := duplicateKey(data); dup {
			return fileErrorf(path, lineAt(data, int64(off)), "%q is given twice in one object (names are matched in any case, but for headers): only the last would be read, and the next save would drop the others; keep one", key)
		}
		return nil
	}
	// A file of a later version may well fail to decode: say that first.
	var probe struct {
		Version json.RawMessage `json:"version"`
	}
	if json.Unmarshal(data, &probe) == nil {
		v, err := 0, error(nil)
		if len(probe.Version) > 0 {
			v, err = strconv.Atoi(string(probe.Version))
		}
		if err == nil && v != Version {
			return errVersion(path, v)
		}
	}
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syntax):
		return fileErrorf(path, lineAt(data, syntax.Offset), "%s", strings.TrimPrefix(syntax.Error(), "json: "))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "top level"
		}
		return fileErrorf(path, lineAt(data, typ.Offset), "%s: JSON %s where %s was expected", field, typ.Value, jsonKind(typ.Type))
	case err == io.ErrUnexpectedEOF:
		return fileErrorf(path, lineAt(data, int64(len(data))), "unexpected end of file")
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if field, ok := strings.CutPrefix(msg, "unknown field "); ok {
		// The decoder does not say where: the field's first use as a key.
		if name, err := strconv.Unquote(field); err == nil {
			re := regexp.MustCompile(`"` + regexp.QuoteMeta(name) + `"\s*:`)
			if loc := re.FindIndex(data); loc != nil {
				return fileErrorf(path, lineAt(data, int64(loc[0])), "%s", msg)
			}
		}
	}
	return fileErrorf(path, 0, "%s", msg)
}

// jsonKind names what t is in JSON.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice:
		return "a list"
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int64:
		return "an integer"
	}
	return t.String()
}

// lineAt returns the 1-based line of the byte at offset in data.
func lineAt(data []byte, offset int64) int {
	offset = max(0, min(offset, int64(len(data))))
	// The offset is after the offending byte: count up to it, not past it.
	if offset > 0 && data[offset-1] == '\n' {
		offset--
	}
	return 1 + bytes.Count(data[:offset], []byte{'\n'})
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
