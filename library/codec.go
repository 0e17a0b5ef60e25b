package library

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
)

// decodes counts the files decoded by this process, for tests of the cache.
var decodes atomic.Int64

// formatOf returns the format of a file name's extension, if it has one of
// ours.
func formatOf(name string) (Format, bool) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		return JSON, true
	case ".yaml", ".yml":
		return YAML, true
	}
	return "", false
}

// ext returns the extension of new files in format f.
func (f Format) ext() string {
	if f == YAML {
		return ".yaml"
	}
	return ".json"
}

// decodeWire decodes data, the content of the file path in format f, into
// v. A byte order mark at its start, which Windows editors write (Notepad's
// "UTF-8 with BOM", PowerShell 5), is skipped.
func decodeWire(path string, f Format, data []byte, v any) error {
	decodes.Add(1)
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if len(bytes.TrimSpace(data)) == 0 {
		return fileErrorf(path, 0, "empty file")
	}
	var err error
	if f == YAML {
		err = decodeYAML(path, data, v)
	} else {
		err = decodeJSON(path, data, v)
	}
	if err != nil {
		if hint := foreignFile(f, data); hint != "" {
			return fileErrorf(path, 0, "%s", hint)
		}
		if hint := otherKind(path, f, data, v); hint != "" {
			return fileErrorf(path, 0, "%s", hint)
		}
	}
	return err
}

// decodeFile decodes data, the content of the single-file library path in
// format f, and returns its cassettes sorted by name.
func decodeFile(path string, f Format, data []byte) ([]Cassette, error) {
	var w wireFile
	if err := decodeWire(path, f, data, &w); err != nil {
		return nil, err
	}
	if w.Version != Version {
		return nil, errVersion(path, int(w.Version))
	}
	cs := make([]Cassette, len(w.Cassettes))
	seen := make(map[string]bool, len(w.Cassettes))
	from := 0 // where the name of the cassette before was written
	for i := range w.Cassettes {
		wc := &w.Cassettes[i]
		at := nameAt(data, from, wc.Name) // -1 when not found
		if at >= 0 {
			from = at + len(wc.Name)
		}
		if !ValidName(wc.Name) {
			return nil, fileErrorf(path, lineOrZero(data, at), "cassette %d: invalid name %q (see library.ValidName)", i+1, wc.Name)
		}
		if seen[wc.Name] {
			return nil, fileErrorf(path, lineOrZero(data, at), "duplicate cassette %q", wc.Name)
		}
		seen[wc.Name] = true
		xs, err := fromWireExchanges(wc.Exchanges)
		if err != nil {
			return nil, fileErrorf(path, valueLine(data, at, err), "cassette %q, %v", wc.Name, err)
		}
		cs[i] = Cassette{Name: wc.Name, Exchanges: xs}
	}
	sortCassettes(cs)
	return cs, nil
}

// decodeCassette decodes data, the content of the file path of a directory
// library in format f, which holds the cassette called name.
func decodeCassette(path string, f Format, name string, data []byte) (Cassette, error) {
	var w wireCassetteFile
	if err := decodeWire(path, f, data, &w); err != nil {
		return Cassette{}, err
	}
	if w.Version != Version {
		return Cassette{}, errVersion(path, int(w.Version))
	}
	xs, err := fromWireExchanges(w.Exchanges)
	if err != nil {
		return Cassette{}, fileErrorf(path, valueLine(data, 0, err), "%v", err)
	}
	return Cassette{Name: name, Exchanges: xs}, nil
}

// A valueError is a value of an exchange, as written, that does not
// decode (a body that is not base64, a latency that is no duration), so
// that the error can name its line.
type valueError struct {
	value string
	err   error
}

func (e *valueError) Error() string { return e.err.Error() }
func (e *valueError) Unwrap() error { return e.err }

// nameAt returns the offset in data, from from on, of the cassette name
// written as a whole value (quoted, or alone after "name:" in YAML); -1
// when it is not found so (written with escapes, say).
func nameAt(data []byte, from int, name string) int {
	if name == "" || from > len(data) {
		return -1
	}
	for i := from; i < len(data); {
		j := bytes.Index(data[i:], []byte(name))
		if j < 0 {
			return -1
		}
		at := i + j
		end := at + len(name)
		before := byte('\n')
		if at > 0 {
			before = data[at-1]
		}
		after := byte('\n')
		if end < len(data) {
			after = data[end]
		}
		if strings.IndexByte("\"' ", before) >= 0 && strings.IndexByte("\"'\r\n", after) >= 0 {
			return at
		}
		i = at + 1
	}
	return -1
}

// valueLine returns the line of data, at or after the offset from (of
// the cassette's name; -1 when unknown), that err's value (see
// valueError) stands on; else the line of from; 0 when neither is known.
func valueLine(data []byte, from int, err error) int {
	start := max(from, 0)
	var ve *valueError
	if errors.As(err, &ve) && ve.value != "" {
		for _, v := range []string{jsonText(ve.value), ve.value} {
			if j := bytes.Index(data[start:], []byte(v)); j >= 0 {
				return lineAt(data, int64(start+j))
			}
		}
	}
	return lineOrZero(data, from)
}

// jsonText returns s as a JSON string holds it, without its quotes.
func jsonText(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// lineOrZero returns the line of the byte at offset in data; 0 for an
// offset of -1 (unknown).
func lineOrZero(data []byte, offset int) int {
	if offset < 0 {
		return 0
	}
	return lineAt(data, int64(offset))
}

func fromWireExchanges(ws []wireExchange) ([]Exchange, error) {
	if len(ws) == 0 {
		return nil, nil
	}
	xs := make([]Exchange, len(ws))
	for i := range ws {
		var err error
		if xs[i], err = fromWireExchange(&ws[i]); err != nil {
			return nil, fmt.Errorf("exchange %d: %w", i+1, err)
		}
	}
	return xs, nil
}

// encodeFile encodes a single-file library in format f; cs must be sorted
// by name.
func encodeFile(f Format, cs []Cassette) ([]byte, error) {
	if f == YAML {
		return encodeYAMLFile(cs)
	}
	return encodeJSONFile(cs), nil
}

// encodeCassette encodes c as a file of a directory library in format f.
func encodeCassette(f Format, c *Cassette) ([]byte, error) {
	if f == YAML {
		return encodeYAMLCassette(c)
	}
	return encodeJSONCassette(c), nil
}
