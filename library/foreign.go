package library

import (
	"encoding/json"
	"fmt"
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
