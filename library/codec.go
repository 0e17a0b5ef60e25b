package library

import (
	"bytes"
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
	for i := range w.Cassettes {
		wc := &w.Cassettes[i]
		if !ValidName(wc.Name) {
			return nil, fileErrorf(path, lineOf(data, f, []any{"cassettes", i, "name"}), "cassette %d: invalid name %q (see library.ValidName)", i+1, wc.Name)
		}
		if seen[wc.Name] {
			return nil, fileErrorf(path, lineOf(data, f, []any{"cassettes", i, "name"}), "duplicate cassette %q", wc.Name)
		}
		seen[wc.Name] = true
		xs, err := fromWireExchanges(wc.Exchanges)
		if err != nil {
			return nil, fileErrorf(path, valueLine(data, f, []any{"cassettes", i}, err), "cassette %q, %v", wc.Name, err)
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
		return Cassette{}, fileErrorf(path, valueLine(data, f, nil, err), "%v", err)
	}
	return Cassette{Name: name, Exchanges: xs}, nil
}

func fromWireExchanges(ws []wireExchange) ([]Exchange, error) {
	if len(ws) == 0 {
		return nil, nil
	}
	xs := make([]Exchange, len(ws))
	for i := range ws {
		var err error
		if xs[i], err = fromWireExchange(&ws[i]); err != nil {
			if ve := (*valueError)(nil); errors.As(err, &ve) {
				ve.exchange = i
			}
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
