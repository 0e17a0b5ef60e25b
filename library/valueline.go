package library

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	"gopkg.in/yaml.v3"
)

// A valueError is a value of an exchange, as written, that does not
// decode (a body that is not base64, a latency that is no duration), so
// that the error can name its line: field is the value's place in its
// exchange ("latency", or "response" then "body"), exchange the index of
// that exchange in its cassette (set by fromWireExchanges).
type valueError struct {
	field    []string
	exchange int
	err      error
}

func (e *valueError) Error() string { return e.err.Error() }
func (e *valueError) Unwrap() error { return e.err }

// valueLine returns the line of data, a file in format f, where err's
// value (see valueError) stands, in the cassette at the path cassette
// (nil for the file of a directory library, whose exchanges are at its
// top); 0 when err names no value or the value is not found.
func valueLine(data []byte, f Format, cassette []any, err error) int {
	var ve *valueError
	if !errors.As(err, &ve) {
		return 0
	}
	path := append(append(append([]any(nil), cassette...), "exchanges", ve.exchange), anys(ve.field)...)
	return lineOf(data, f, path)
}

func anys(s []string) []any {
	a := make([]any, len(s))
	for i, v := range s {
		a[i] = v
	}
	return a
}

// lineOf returns the line of the value at path (keys of mappings,
// indexes of lists) in data, a file in format f, as its parser sees it:
// a name or value found by searching the text could stand in a comment,
// a body or another field (a latency "10" in a status 410); 0 when it is
// not there.
func lineOf(data []byte, f Format, path []any) int {
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // no line of its own
	if f == YAML {
		return yamlLineOf(data, path)
	}
	if off := jsonOffsetOf(data, path); off >= 0 {
		return lineAt(data, int64(off)+1)
	}
	return 0
}

func yamlLineOf(data []byte, path []any) int {
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil || len(root.Content) == 0 {
		return 0
	}
	n := root.Content[0]
	for _, step := range path {
		for n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		switch s := step.(type) {
		case string:
			if n.Kind != yaml.MappingNode {
				return 0
			}
			var next *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == s {
					next = n.Content[i+1]
					break
				}
			}
			if next == nil {
				return 0 // under a merge key, say
			}
			n = next
		case int:
			if n.Kind != yaml.SequenceNode || s >= len(n.Content) {
				return 0
			}
			n = n.Content[s]
		}
	}
	return n.Line
}

// jsonOffsetOf returns the offset in data of the first byte of the JSON
// value at path; -1 when it is not there.
func jsonOffsetOf(data []byte, path []any) int {
	dec := json.NewDecoder(bytes.NewReader(data))
	for _, step := range path {
		tok, err := dec.Token()
		if err != nil {
			return -1
		}
		switch s := step.(type) {
		case string:
			if tok != json.Delim('{') {
				return -1
			}
			for {
				if !dec.More() {
					return -1
				}
				k, err := dec.Token()
				if err != nil {
					return -1
				}
				// encoding/json takes a key in any case.
				if k, _ := k.(string); strings.EqualFold(k, s) {
					break
				}
				var skip json.RawMessage
				if dec.Decode(&skip) != nil {
					return -1
				}
			}
		case int:
			if tok != json.Delim('[') {
				return -1
			}
			for range s {
				var skip json.RawMessage
				if !dec.More() || dec.Decode(&skip) != nil {
					return -1
				}
			}
			if !dec.More() {
				return -1
			}
		}
	}
	off := int(dec.InputOffset())
	for off < len(data) && strings.IndexByte(" \t\r\n:,", data[off]) >= 0 {
		off++
	}
	return off
}

// under returns err with its value, if it names one, placed under part
// ("request", "response") of its exchange.
func under(part string, err error) error {
	if ve, ok := err.(*valueError); ok {
		ve.field = append([]string{part}, ve.field...)
	}
	return err
}
