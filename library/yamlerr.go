package library

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// The diagnosis of YAML files that do not decode: yaml.v3's errors said
// in the schema's words ("a request", "the list of exchanges", not Go's
// types), each naming the file and the line, which is found in the file's
// tree of nodes, or its text, where yaml.v3 names none or the wrong one.

// keyBesideMerge returns the line of the first key in data, in the order
// of the file, that is a mapping or a list (or an alias of one) in a
// mapping that has a merge key (<<), and what it is ("a mapping" or "a
// list"); line is 0 if there is none.
func keyBesideMerge(data []byte) (line int, what string) {
	firstNode(yamlTree(data), func(n *yaml.Node) bool {
		if n.Kind != yaml.MappingNode {
			return false
		}
		merge := false
		line = 0
		for i := 0; i < len(n.Content); i += 2 {
			k := n.Content[i]
			merge = merge || isMergeKey(k)
			if k.Kind == yaml.AliasNode && k.Alias != nil {
				k = k.Alias
			}
			if line == 0 && (k.Kind == yaml.MappingNode || k.Kind == yaml.SequenceNode) {
				line, what = n.Content[i].Line, "a mapping"
				if k.Kind == yaml.SequenceNode {
					what = "a list"
				}
			}
		}
		if !merge {
			line = 0
		}
		return line > 0
	})
	return line, what
}

// withErrors returns err, an error of a decoding by yaml.v3, with more,
// errors of the same node found beside it, all in the order of their
// lines.
func withErrors(err error, more []string) error {
	if len(more) == 0 {
		return err
	}
	var te *yaml.TypeError
	if err != nil && !errors.As(err, &te) {
		return err
	}
	errs := more
	if te != nil {
		errs = append(slices.Clone(te.Errors), more...)
		slices.SortStableFunc(errs, func(a, b string) int { return errorLine(a) - errorLine(b) })
	}
	return &yaml.TypeError{Errors: errs}
}

// errorLine returns the line an error of yaml.v3 names, 0 if none.
func errorLine(msg string) int {
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

var (
	yamlLine      = regexp.MustCompile(`^(?:yaml: )?line (\d+): `)
	yamlUnmarshal = regexp.MustCompile("(?s)^cannot unmarshal (!!\\w+|!\\S*|tag:\\S*)( `.*`)? into (.*)$")
	// yamlTagged is yaml.v3's message for a scalar tagged !!seq or !!map,
	// which writes its value right after the tag: "!!seqx".
	yamlTagged = regexp.MustCompile("(?s)^cannot unmarshal !!(seq|map)(.+) into (.*)$")
	yamlField  = regexp.MustCompile(`^field (.*) not found in type (.*)$`)
	yamlDecode = regexp.MustCompile("(?s)^cannot decode !!\\w+ `(.*)` as a !!(\\w+)$")
)

// yamlParserProblems are the messages of yaml.v3's parser (rather than
// its scanner).
var yamlParserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

// yamlKinds names the YAML tags of yaml.v3's messages.
var yamlKinds = map[string]string{
	"str":       "a string",
	"int":       "an integer",
	"float":     "a number",
	"bool":      "a boolean",
	"null":      "null",
	"seq":       "a list",
	"map":       "a mapping",
	"timestamp": "a timestamp",
	"binary":    "binary data",
}

// yamlTypes names the schema's Go types of yaml.v3's messages.
var yamlTypes = map[string]string{
	"library.wireFile":         "the file",
	"library.wireCassetteFile": "the file",
	"[]library.wireCassette":   "the list of cassettes",
	"library.wireCassettes":    "the list of cassettes",
	"library.wireCassette":     "a cassette",
	"[]library.wireExchange":   "the list of exchanges",
	"library.wireExchanges":    "the list of exchanges",
	"library.wireExchange":     "an exchange",
	"library.wireRequest":      "a request",
	"library.wireResponse":     "a response",
	"map[string][]string":      "headers (a mapping of names to lists of values)",
	"map[string][]*string":     "headers (a mapping of names to lists of values)",
	"library.wireHeaders":      "headers (a mapping of names to lists of values)",
	"[]string":                 "the list of chunks",
	"library.wireChunks":       "the list of chunks",
	"[]*string":                "a list of header values",
	"*string":                  "a string",
	"string":                   "a string",
	"int":                      "an integer",
	"library.wireInt":          "an integer",
}

func yamlName(m map[string]string, k string) string {
	if v, ok := m[k]; ok {
		return v
	}
	return k
}

// tabLine returns the first line, from line from on, whose indentation
// holds a tab; from if there is none.
func tabLine(data []byte, from int) int {
	for i, l := range bytes.Split(data, []byte("\n")) {
		if i+1 < from {
			continue
		}
		indent := l[:len(l)-len(bytes.TrimLeft(l, " \t"))]
		if bytes.IndexByte(indent, '\t') >= 0 {
			return i + 1
		}
	}
	return from
}

// yamlTree returns the tree of nodes of the first YAML document in data,
// nil if there is none. It is for errors: yaml.v3 reads a tree without
// resolving its values, so it has the lines of values that do not decode.
func yamlTree(data []byte) (root *yaml.Node) {
	defer func() {
		if recover() != nil {
			root = nil
		}
	}()
	var n yaml.Node
	if yaml.Unmarshal(data, &n) != nil {
		return nil
	}
	return &n
}

// firstNode returns the first node of the tree n, in the order of the
// file, for which match is true; nil if none is. It does not follow
// aliases: the nodes they name are in the tree where their anchors are.
func firstNode(n *yaml.Node, match func(*yaml.Node) bool) *yaml.Node {
	if n == nil {
		return nil
	}
	if match(n) {
		return n
	}
	for _, c := range n.Content {
		if m := firstNode(c, match); m != nil {
			return m
		}
	}
	return nil
}

// yamlError converts an error of yaml.v3 into one naming path and the
// line.
func yamlError(path string, data []byte, err error) error {
	msg := err.Error()
	more := "" // how many other errors yaml.v3 found, said after the first
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
		switch n := len(te.Errors) - 1; {
		case n == 1:
			more = " (and 1 more error)"
		case n > 1:
			more = fmt.Sprintf(" (and %d more errors)", n)
		}
	}
	line := 0
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	if yamlParserProblems[msg] {
		// yaml.v3 counts the lines of these from 0, and leaves line 0
		// out. The line is that of the start of the enclosing
		// collection, or else of the problem.
		line++
	}
	if strings.Contains(msg, "tab character") {
		// yaml.v3 names the line before; the tab is in the indentation
		// of the first line from there that has one.
		line = tabLine(data, line)
	}
	if line == 0 && strings.Contains(msg, "control characters are not allowed") {
		// yaml.v3 names no line: the first that holds one.
		if i := bytes.IndexFunc(data, func(r rune) bool { return r < ' ' && r != '\t' && r != '\n' && r != '\r' || r == 0x7f }); i >= 0 {
			line = yamlLineAt(data, i)
		}
	}
	if m := yamlDecode.FindStringSubmatch(msg); m != nil && line == 0 {
		// A value whose tag it does not fit (!!null x, !!int x): yaml.v3
		// names no line, the first such value in the file has it.
		tag, value := "!!"+m[2], m[1]
		if n := firstNode(yamlTree(data), func(n *yaml.Node) bool {
			return n.Kind == yaml.ScalarNode && n.Value == value && n.ShortTag() == tag
		}); n != nil {
			line = n.Line
			msg = fmt.Sprintf("value %q is tagged %s but is not %s: delete the tag, or correct the value", value, tag, yamlName(yamlKinds, m[2]))
		}
	}
	if line == 0 {
		if l, m := yamlLineless(data, msg); l > 0 {
			line, msg = l, m
		}
	}
	if m := yamlTagged.FindStringSubmatch(msg); m != nil {
		msg = fmt.Sprintf("value %q is tagged !!%s but is not %s: delete the tag, or correct the value", m[2], m[1], yamlName(yamlKinds, m[1]))
	} else if m := yamlUnmarshal.FindStringSubmatch(msg); m != nil {
		kind, value := yamlName(yamlKinds, strings.TrimPrefix(m[1], "!!")), m[2]
		if !strings.HasPrefix(m[1], "!!") || strings.Contains(m[1], "/") {
			// A tag of the user's own (!foo), which yaml.v3 writes with
			// an empty value for a mapping or a list.
			kind = "a value tagged " + m[1]
			if value == " ``" {
				value = ""
			}
		}
		msg = "cannot use " + kind + value + " as " + yamlName(yamlTypes, m[3])
	} else if m := yamlField.FindStringSubmatch(msg); m != nil {
		msg = fmt.Sprintf("unknown field %q in %s", m[1], yamlName(yamlTypes, m[2]))
	}
	return fileErrorf(path, line, "%s%s", msg, more)
}

var (
	yamlUnknownAnchor = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)
	yamlSelfAlias     = regexp.MustCompile(`^anchor '(.*)' value contains itself$`)
)

// yamlLineless finds the line of an error of yaml.v3 that names none, msg
// (without "yaml: "), in data, and says it in the schema's words and what
// to do; line is 0 if it is not one of these errors or was not found.
func yamlLineless(data []byte, msg string) (line int, said string) {
	switch {
	case msg == "!!binary value contains invalid base64 data":
		if n := firstNode(yamlTree(data), func(n *yaml.Node) bool {
			if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!binary" {
				return false
			}
			_, err := base64.StdEncoding.DecodeString(n.Value)
			return err != nil
		}); n != nil {
			return n.Line, "a value tagged !!binary is not base64: delete the tag, or correct the value"
		}
	case msg == "map merge requires map or sequence of maps as the value":
		if n := badMerge(yamlTree(data)); n != nil {
			return n.Line, "the value of a merge key (<<) is not a mapping, an alias of one, or a list of them: correct it, or delete its line"
		}
	}
	if m := yamlSelfAlias.FindStringSubmatch(msg); m != nil {
		if l := selfAliasLine(yamlTree(data), m[1]); l > 0 {
			return l, fmt.Sprintf("alias *%s is inside the value of its own anchor &%s: write the value out, or delete the alias", m[1], m[1])
		}
	}
	if m := yamlUnknownAnchor.FindStringSubmatch(msg); m != nil {
		if l := unknownAnchorLine(data, m[1]); l > 0 {
			return l, fmt.Sprintf("alias *%s names no anchor &%s above it: put the anchor on the value it stands for, before the alias, or write the value out", m[1], m[1])
		}
	}
	return 0, msg
}

// badMerge returns the first value of a merge key in the tree root, in the
// order of the file, that yaml.v3 refuses: one that is not a mapping, an
// alias of one, or a list of them (then the first item that is not); nil
// if there is none.
func badMerge(root *yaml.Node) (bad *yaml.Node) {
	isMap := func(v *yaml.Node) bool {
		if v.Kind == yaml.AliasNode {
			v = v.Alias
		}
		return v != nil && v.Kind == yaml.MappingNode
	}
	firstNode(root, func(n *yaml.Node) bool {
		if n.Kind != yaml.MappingNode {
			return false
		}
		for i := 0; i+1 < len(n.Content) && bad == nil; i += 2 {
			if !isMergeKey(n.Content[i]) {
				continue
			}
			v := n.Content[i+1]
			if v.Kind != yaml.SequenceNode {
				if !isMap(v) {
					bad = v
				}
				continue
			}
			for _, item := range v.Content {
				if !isMap(item) {
					bad = item
					break
				}
			}
		}
		return bad != nil
	})
	return bad
}

// selfAliasLine returns the line of the first alias, in the order of the
// file, named name that is inside the node of its own anchor, 0 if none is.
func selfAliasLine(root *yaml.Node, name string) int {
	// The nodes from root to the one looked at: a set, not a list, which
	// each alias would search through (a file of a few MB, nested some
	// thousand deep, holds a million aliases).
	open := make(map[*yaml.Node]bool)
	var walk func(n *yaml.Node) int
	walk = func(n *yaml.Node) int {
		if n.Kind == yaml.AliasNode && n.Value == name && open[n.Alias] {
			return n.Line
		}
		open[n] = true
		defer delete(open, n)
		for _, c := range n.Content {
			if l := walk(c); l > 0 {
				return l
			}
		}
		return 0
	}
	if root == nil {
		return 0
	}
	return walk(root)
}

// unknownAnchorLine returns the line of the alias *name that yaml.v3's
// parser refused as naming no anchor, 0 if it is not found. The parser
// stops there and gives no tree, so the alias is looked for in the text:
// each place that looks like it is renamed apart, and the parser, run
// again, names the one that is an alias ("*name" in a string or a comment
// is not).
func unknownAnchorLine(data []byte, name string) int {
	// Each "*name" not followed by a character of a longer name (letters,
	// digits, "_" and "-", as yaml.v3 reads names): what follows an alias
	// may be a space, a line break, ",", "]", "}", or ":" where it is a key.
	var at []int
	look := []byte("*" + name)
	for i := 0; ; {
		j := bytes.Index(data[i:], look)
		if j < 0 {
			break
		}
		i += j + len(look)
		if i == len(data) || !isAnchorChar(data[i]) {
			at = append(at, i-len(look))
		}
	}
	if len(at) == 0 {
		return 0
	}
	const probe = "cassette-probe-unknown-anchor-"
	renamed := make([]byte, 0, len(data)+len(at)*(len(probe)+8))
	last := 0
	for i, a := range at {
		renamed = append(renamed, data[last:a]...)
		renamed = append(renamed, "*"+probe...)
		renamed = strconv.AppendInt(renamed, int64(i), 10)
		last = a + len(look)
	}
	renamed = append(renamed, data[last:]...)
	err := parseYAML(renamed)
	if err == nil {
		return 0
	}
	m := yamlUnknownAnchor.FindStringSubmatch(strings.TrimPrefix(err.Error(), "yaml: "))
	if m == nil {
		return 0
	}
	i, err := strconv.Atoi(strings.TrimPrefix(m[1], probe))
	if err != nil || i >= len(at) {
		return 0
	}
	return yamlLineAt(data, at[i])
}

// isAnchorChar reports whether c may be part of the name of an anchor, as
// yaml.v3 reads it.
func isAnchorChar(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_' || c == '-'
}

// yamlLineAt returns the line, from 1, of the byte at offset i of data, as
// yaml.v3 counts lines: each "\r\n", "\r", "\n", U+0085, U+2028 and U+2029
// ends one.
func yamlLineAt(data []byte, i int) int {
	data = data[:i]
	line := 1 + bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r")) - bytes.Count(data, []byte("\r\n"))
	for _, b := range []string{"\u0085", "\u2028", "\u2029"} {
		line += bytes.Count(data, []byte(b))
	}
	return line
}

// parseYAML parses every YAML document in data into trees of nodes and
// returns the first error.
func parseYAML(data []byte) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
}
