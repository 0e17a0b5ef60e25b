package library

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// foreignFile says which other tool wrote data, a file that failed to
// decode as a cassette file, and what to do with it; "" when it looks
// like no other tool's. It only reads the top-level keys.
func foreignFile(f Format, data []byte) string {
	keys := topLevelKeys(f, data)
	if keys == nil {
		return ""
	}
	has := func(k string) bool { _, ok := keys[k]; return ok }
	switch {
	case keys["log"]["entries"]:
		return "not a cassette file but a HAR file: bring it in with `cassette import -from har FILE LIBRARY`"
	case has("interactions"):
		return "not a cassette file but a go-vcr (or vcrpy) cassette: bring a go-vcr one in with `cassette import -from go-vcr FILE LIBRARY` (README \"Coming from go-vcr / vcrpy / HAR\")"
	case has("raw_headers") || has("status") && has("reason") && has("content"):
		return pythonHint
	}
	for k := range keys {
		if strings.HasPrefix(k, "httplib:") || strings.HasPrefix(k, "requests:") {
			return pythonHint
		}
	}
	return ""
}

// otherKind says what to do with data, the content of the file path that
// failed to decode into v, when it is a library file of the other kind:
// the file of one cassette of a directory library opened as a single-file
// library (a path given to a tool by tab completion, or by a pre-commit
// hook that passes the files changed), or a single-file library in the
// folder of a directory library. It is "" otherwise, and for a file of
// another version, whose error says so.
func otherKind(path string, f Format, data []byte, v any) string {
	var probe struct {
		Version int `json:"version" yaml:"version"`
	}
	if f == YAML {
		safeYAMLUnmarshal(data, &probe)
	} else {
		json.Unmarshal(data, &probe)
	}
	if probe.Version != Version {
		return ""
	}
	keys := topLevelKeys(f, data)
	_, exchanges := keys["exchanges"]
	_, cassettes := keys["cassettes"]
	switch v.(type) {
	case *wireFile:
		if exchanges && !cassettes {
			return fmt.Sprintf("the file of one cassette of a directory library (its exchanges at the top), not a single-file library (a list of cassettes): open its folder %s as the library", filepath.Dir(path))
		}
	case *wireCassetteFile:
		if cassettes && !exchanges {
			return fmt.Sprintf("a single-file library (a list of cassettes), not the file of one cassette of the directory library %s (its exchanges at the top): move it out of that folder, and open it as a library of its own", filepath.Dir(path))
		}
	}
	return ""
}

// pythonHint is the error for a file of the Python cassette library.
const pythonHint = "not a cassette file of Cassette for Go but one of the Python cassette library, whose format this library does not read: record it again (README \"Coming from the Python cassette\")"

// topLevelKeys returns the keys of the object at the top of data, each
// with the keys of its value when that is an object too; nil when data is
// not an object.
func topLevelKeys(f Format, data []byte) map[string]map[string]bool {
	keys := make(map[string]map[string]bool)
	if f == YAML {
		var m map[string]yaml.Node
		if safeYAMLUnmarshal(data, &m) != nil || m == nil {
			return nil
		}
		for k, v := range m {
			inner := make(map[string]bool)
			if v.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(v.Content); i += 2 {
					inner[v.Content[i].Value] = true
				}
			}
			keys[k] = inner
		}
		return keys
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil || m == nil {
		return nil
	}
	for k, v := range m {
		var obj map[string]json.RawMessage
		json.Unmarshal(v, &obj)
		inner := make(map[string]bool, len(obj))
		for ik := range obj {
			inner[ik] = true
		}
		keys[k] = inner
	}
	return keys
}

// safeYAMLUnmarshal is yaml.Unmarshal, returning an error where yaml.v3
// panics: it does on some malformed input, such as a merge key beside a
// key that is a mapping ("{{},<<}"), which must not crash a test binary.
func safeYAMLUnmarshal(data []byte, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot parse YAML: %v", r)
		}
	}()
	return yaml.Unmarshal(data, v)
}
