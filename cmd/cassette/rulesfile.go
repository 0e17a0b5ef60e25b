package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/cassette-go/cassette/naming"
)

// readRulesFile reads the naming rules of the JSON file at path (see
// namingAbout). An error names the file, and the line and column of what
// is wrong in it: "rules.json:3:5: unknown field "heders" ...".
func readRulesFile(path string) (rulesSpec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return rulesSpec{}, fmt.Errorf("%s: cannot read it: %w", path, err)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // as a Windows editor may save it
	p := &rulesParser{file: path, data: data}
	// The syntax first, with positions the decoder's tokens do not give
	// reliably; then the rules, from tokens, each where it is.
	var raw json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			off := se.Offset
			if off > 0 && se.Error() != "unexpected end of JSON input" {
				off-- // the character it could not take
			}
			return rulesSpec{}, p.errorf(off, "not valid JSON: %s", se)
		}
		return rulesSpec{}, fmt.Errorf("%s: not valid JSON: %w", path, err)
	}
	p.dec = json.NewDecoder(bytes.NewReader(data))
	p.dec.UseNumber()
	return p.rules("", false)
}

// A rulesParser reads the naming rules of a rules file that is valid JSON,
// token by token, so that an error can say where it is.
type rulesParser struct {
	file string
	data []byte
	dec  *json.Decoder
}

// errorf returns an error at the byte offset off of the file.
func (p *rulesParser) errorf(off int64, format string, args ...any) error {
	off = min(max(off, 0), int64(len(p.data)))
	before := p.data[:off]
	line := 1 + bytes.Count(before, []byte("\n"))
	col := int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return fmt.Errorf("%s:%d:%d: %s", p.file, line, col, fmt.Sprintf(format, args...))
}

// token returns the next token and the offset where it starts.
func (p *rulesParser) token() (json.Token, int64, error) {
	off := p.skipSpace(p.dec.InputOffset())
	tok, err := p.dec.Token()
	if err != nil { // the syntax was checked: not expected
		return nil, off, p.errorf(off, "not valid JSON: %v", err)
	}
	return tok, off, nil
}

// kind says what tok is, for errors: "a string", "an object".
func kind(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return "an object"
		}
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}

// in returns "path: " for an error about what is at path, or "" at the
// top level.
func in(path string) string {
	if path == "" {
		return ""
	}
	return path + ": "
}

// field reads the key of the next field of an object at path, and the
// offset where it starts, and checks it is one of known, not refused (the
// reason why) and not seen before; ok is false at the end of the object,
// which it reads.
func (p *rulesParser) field(path string, seen map[string]bool, refused map[string]string, known ...string) (key string, off int64, ok bool, err error) {
	if !p.dec.More() {
		_, off, err := p.token() // the "}"
		return "", off, false, err
	}
	tok, off, err := p.token()
	if err != nil {
		return "", off, false, err
	}
	key = tok.(string) // an object's key, in valid JSON
	if reason, ok := refused[key]; ok {
		return "", off, false, p.errorf(off, "%sfield %q: %s", in(path), key, reason)
	}
	if !slices.Contains(known, key) {
		for _, k := range known {
			if strings.EqualFold(k, key) {
				return "", off, false, p.errorf(off, "%sunknown field %q: field names are in lower camel case: %s", in(path), key, k)
			}
		}
		want := strings.Join(known[:len(known)-1], ", ") + " or " + known[len(known)-1]
		return "", off, false, p.errorf(off, "%sunknown field %q: want %s", in(path), key, want)
	}
	if seen[key] {
		return "", off, false, p.errorf(off, "%sfield %q given twice", in(path), key)
	}
	seen[key] = true
	return key, off, true, nil
}

// open reads the "{" or "[" (delim) that starts a value at path; null,
// when nullOK, gives ok false: the value is absent.
func (p *rulesParser) open(path string, delim json.Delim, want string, nullOK bool) (ok bool, err error) {
	tok, off, err := p.token()
	if err != nil {
		return false, err
	}
	if tok == nil && nullOK {
		return false, nil
	}
	if tok != delim {
		return false, p.errorf(off, "%swant %s, not %s", in(path), want, kind(tok))
	}
	return true, nil
}

// rules reads the rules object at path; inRoute says it is a route's,
// which may be null and holds no routes.
func (p *rulesParser) rules(path string, inRoute bool) (rulesSpec, error) {
	var s rulesSpec
	if ok, err := p.open(path, '{', "an object of naming rules", inRoute); !ok || err != nil {
		return s, err
	}
	known := []string{"headers", "ignoreQuery", "bodies", "routes"}
	var refused map[string]string
	if inRoute {
		known = known[:3]
		refused = map[string]string{"routes": "routes inside a route's rules are not consulted (naming.Route): list every route in the top-level routes"}
	}
	seen := map[string]bool{}
	for {
		key, _, ok, err := p.field(path, seen, refused, known...)
		if !ok || err != nil {
			return s, err
		}
		at := key
		if path != "" {
			at = path + "." + key
		}
		switch key {
		case "headers":
			s.headers, err = p.strings(at, checkHeaderName)
		case "ignoreQuery":
			s.ignoreQuery, err = p.strings(at, func(k string) error {
				if k == "" {
					return errors.New("an empty key: give the name of a query parameter")
				}
				return nil
			})
		case "bodies":
			s.bodies, err = p.bodies(at)
		case "routes":
			s.routes, err = p.routes(at)
		}
		if err != nil {
			return s, err
		}
	}
}

// strings reads the array of strings at path, each checked by check.
func (p *rulesParser) strings(path string, check func(string) error) ([]string, error) {
	if ok, err := p.open(path, '[', "an array of strings", true); !ok || err != nil {
		return nil, err
	}
	var out []string
	for i := 0; p.dec.More(); i++ {
		tok, off, err := p.token()
		if err != nil {
			return nil, err
		}
		s, ok := tok.(string)
		if !ok {
			return nil, p.errorf(off, "%s[%d]: want a string, not %s", path, i, kind(tok))
		}
		if err := check(s); err != nil {
			return nil, p.errorf(off, "%s[%d]: %v", path, i, err)
		}
		out = append(out, s)
	}
	_, _, err := p.token() // the "]"
	return out, err
}

// bodies reads the object of body rules at path.
func (p *rulesParser) bodies(path string) ([]bodySpec, error) {
	if ok, err := p.open(path, '{', `an object of body rules by media type, such as {"application/json": "json"}`, true); !ok || err != nil {
		return nil, err
	}
	var out []bodySpec
	for p.dec.More() {
		tok, off, err := p.token()
		if err != nil {
			return nil, err
		}
		key, err := bodyKey(tok.(string))
		if err != nil {
			return nil, p.errorf(off, "%s: %v", path, err)
		}
		if i := slices.IndexFunc(out, func(b bodySpec) bool { return b.key == key }); i >= 0 {
			return nil, p.errorf(off, "%s: %s has a rule already (%s): give one rule per media type", path, showKey(key), out[i].rule)
		}
		at := fmt.Sprintf("%s[%q]", path, key)
		rule, err := p.bodyRule(at)
		if err != nil {
			return nil, err
		}
		out = append(out, bodySpec{key: key, rule: rule})
	}
	_, _, err := p.token() // the "}"
	return out, err
}

// bodyRule reads the body rule at path: a string, as the RULE of -body,
// or {"jsonWithout": [...]} or {"formWithout": [...]}.
func (p *rulesParser) bodyRule(path string) (bodyRule, error) {
	tok, off, err := p.token()
	if err != nil {
		return bodyRule{}, err
	}
	if tok != json.Delim('{') {
		s, ok := tok.(string)
		if !ok {
			return bodyRule{}, p.errorf(off, "%s: want a body rule: a string (%s) or {\"jsonWithout\": [...]} or {\"formWithout\": [...]}, not %s", path, bodyRuleWords, kind(tok))
		}
		r, err := parseBodyRule(s)
		if err != nil {
			return bodyRule{}, p.errorf(off, "%s: %v", path, err)
		}
		return r, nil
	}
	seen := map[string]bool{}
	key, _, ok, err := p.field(path, seen, nil, "jsonWithout", "formWithout")
	switch {
	case err != nil:
		return bodyRule{}, err
	case !ok:
		return bodyRule{}, p.errorf(off, "%s: an empty object: want {\"jsonWithout\": [...]} or {\"formWithout\": [...]}", path)
	}
	word := map[string]string{"jsonWithout": "json-without", "formWithout": "form-without"}[key]
	at := path + "." + key
	listOff := p.skipSpace(p.dec.InputOffset())
	members, err := p.strings(at, func(m string) error {
		if m == "" {
			return errors.New("an empty name")
		}
		if word == "json-without" && strings.HasPrefix(m, "/") {
			return checkPointer(m)
		}
		return nil
	})
	if err != nil {
		return bodyRule{}, err
	}
	if len(members) == 0 {
		return bodyRule{}, p.errorf(listOff, "%s: no names: give what to leave out", at)
	}
	switch _, off, ok, err := p.field(path, seen, nil, "jsonWithout", "formWithout"); {
	case err != nil:
		return bodyRule{}, err
	case ok:
		return bodyRule{}, p.errorf(off, "%s: one of jsonWithout or formWithout, not both", path)
	}
	return newWithout(word, members)
}

// routes reads the array of routes at path.
func (p *rulesParser) routes(path string) ([]routeSpec, error) {
	if ok, err := p.open(path, '[', `an array of routes, such as [{"pattern": "POST /v1/search", "rules": {...}}]`, true); !ok || err != nil {
		return nil, err
	}
	var out []routeSpec
	for i := 0; p.dec.More(); i++ {
		at := fmt.Sprintf("%s[%d]", path, i)
		start := p.dec.InputOffset()
		if ok, err := p.open(at, '{', `a route, such as {"pattern": "POST /v1/search", "rules": {...}}`, false); !ok || err != nil {
			return nil, err
		}
		var rt routeSpec
		hasPattern := false
		seen := map[string]bool{}
		for {
			key, _, ok, err := p.field(at, seen, nil, "pattern", "rules")
			if err != nil {
				return nil, err
			}
			if !ok {
				break
			}
			switch key {
			case "pattern":
				tok, off, err := p.token()
				if err != nil {
					return nil, err
				}
				s, ok := tok.(string)
				if !ok {
					return nil, p.errorf(off, "%s.pattern: want a string such as \"POST /v1/items/{id}\", not %s", at, kind(tok))
				}
				if reason := patternError(s); reason != "" {
					return nil, p.errorf(off, "%s.pattern %q: %s", at, s, reason)
				}
				if j := slices.IndexFunc(out, func(o routeSpec) bool { return o.pattern == s }); j >= 0 {
					return nil, p.errorf(off, "%s.pattern %q: %s[%d] has it already, so this route would match nothing", at, s, path, j)
				}
				rt.pattern, hasPattern = s, true
			case "rules":
				if rt.rules, err = p.rules(at+".rules", true); err != nil {
					return nil, err
				}
			}
		}
		if !hasPattern {
			return nil, p.errorf(p.skipSpace(start), "%s: no pattern: want {\"pattern\": \"POST /v1/search\", \"rules\": {...}}", at)
		}
		out = append(out, rt)
	}
	_, _, err := p.token() // the "]"
	return out, err
}

// skipSpace returns the offset of the first byte at or after off that is
// not space, a comma or a colon.
func (p *rulesParser) skipSpace(off int64) int64 {
	for off < int64(len(p.data)) && strings.IndexByte(" \t\r\n,:", p.data[off]) >= 0 {
		off++
	}
	return off
}

// patternError returns why a route's pattern is invalid, as
// naming.Rules.Validate says it, or "" when it is valid.
func patternError(pattern string) string {
	err := naming.Rules{Routes: []naming.Route{{Pattern: pattern}}}.Validate()
	if err == nil {
		return ""
	}
	return strings.TrimPrefix(err.Error(), fmt.Sprintf("route 0 %q: ", pattern))
}
