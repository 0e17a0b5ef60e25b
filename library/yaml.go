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

// YAML is written from a yaml.Node tree built here, which fixes the order
// of keys and the style of each string: multi-line text in literal block
// style ("|") so that it reads as it is, anything else the encoder's
// choice of plain or quoted, and double quotes, whose escapes round-trip
// every string, whenever a block would not.

func yamlScalar(tag, value string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value}
}

// yamlString returns the node of s, which must be valid UTF-8.
func yamlString(s string) *yaml.Node {
	n := yamlScalar("!!str", s)
	if s == "<<" {
		// Plain, it is the merge key of YAML 1.1 where a key goes (a
		// header named "<<"), which yaml.v3 reads as such.
		n.Style = yaml.DoubleQuotedStyle
	}
	if strings.ContainsAny(s, "\r\n\u0085\u2028\u2029") {
		// Line breaks: the encoder's plain and single-quoted styles fold
		// them, so use a literal block where it reads back exactly, else
		// double quotes. (The encoder itself falls back from a literal
		// block to double quotes for trailing spaces, a space before a
		// line break and non-printable characters.)
		n.Style = yaml.DoubleQuotedStyle
		if literalSafe(s) {
			n.Style = yaml.LiteralStyle
		}
	}
	return n
}

// literalSafe reports whether s, which has a line break, may be written as a
// literal block and read back unchanged. YAML parsers turn "\r\n" and "\r"
// into "\n" and read the Unicode line breaks as "\n" too, so s must break
// lines with "\n" alone; and a block that starts with white space needs an
// indentation indicator, which yaml.v3 gets wrong when the block has no
// other text, so s must start with text. Other cases yaml.v3's encoder
// handles itself by falling back to double quotes.
func literalSafe(s string) bool {
	if s == "" || s[0] == ' ' || s[0] == '\t' || s[0] == '\n' {
		return false
	}
	return !strings.ContainsAny(s, "\r\u0085\u2028\u2029")
}

func yamlMap(kv ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: kv}
}

func yamlKey(k string) *yaml.Node { return yamlScalar("!!str", k) }

func yamlHeaders(h map[string][]string) *yaml.Node {
	n := yamlMap()
	n.Content = make([]*yaml.Node, 0, 2*len(h))
	for _, k := range sortedKeys(h) {
		vs := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
		for _, v := range h[k] {
			vs.Content = append(vs.Content, yamlString(v))
		}
		n.Content = append(n.Content, yamlString(k), vs)
	}
	return n
}

func yamlBody(n *yaml.Node, body, encoding string) {
	if encoding != "" {
		n.Content = append(n.Content, yamlKey("body_encoding"), yamlString(encoding))
	}
	if body != "" {
		n.Content = append(n.Content, yamlKey("body"), yamlString(body))
	}
}

func yamlExchanges(xs []Exchange) *yaml.Node {
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: make([]*yaml.Node, len(xs))}
	if len(xs) == 0 {
		seq.Style = yaml.FlowStyle // []
	}
	for i := range xs {
		x := toWireExchange(&xs[i])
		req := yamlMap(
			yamlKey("method"), yamlString(x.Request.Method),
			yamlKey("url"), yamlString(x.Request.URL),
		)
		if len(x.Request.Headers) > 0 {
			req.Content = append(req.Content, yamlKey("headers"), yamlHeaders(x.Request.Headers))
		}
		yamlBody(req, x.Request.Body, x.Request.BodyEncoding)

		resp := yamlMap(yamlKey("status"), yamlScalar("!!int", strconv.Itoa(x.Response.Status)))
		if len(x.Response.Headers) > 0 {
			resp.Content = append(resp.Content, yamlKey("headers"), yamlHeaders(x.Response.Headers))
		}
		yamlBody(resp, x.Response.Body, x.Response.BodyEncoding)
		if x.Response.BodyFile != "" {
			resp.Content = append(resp.Content, yamlKey("body_file"), yamlString(x.Response.BodyFile))
		}
		if len(x.Response.Trailers) > 0 {
			resp.Content = append(resp.Content, yamlKey("trailers"), yamlHeaders(x.Response.Trailers))
		}
		if len(x.Response.Chunks) > 0 {
			chunks := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
			for _, c := range x.Response.Chunks {
				chunks.Content = append(chunks.Content, yamlString(c))
			}
			resp.Content = append(resp.Content, yamlKey("chunks"), chunks)
		}

		ex := yamlMap(yamlKey("request"), req, yamlKey("response"), resp)
		if x.Latency != "" {
			ex.Content = append(ex.Content, yamlKey("latency"), yamlString(x.Latency))
		}
		if x.RecordedAt != "" {
			ex.Content = append(ex.Content, yamlKey("recorded_at"), yamlString(x.RecordedAt))
		}
		seq.Content[i] = ex
	}
	return seq
}

func encodeYAML(root *yaml.Node) (_ []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("encode YAML: %v", r)
		}
	}()
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func yamlVersion() *yaml.Node { return yamlScalar("!!int", strconv.Itoa(Version)) }

// encodeYAMLFile encodes a single-file library; cs must be sorted by name.
func encodeYAMLFile(cs []Cassette) ([]byte, error) {
	list := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: make([]*yaml.Node, len(cs))}
	if len(cs) == 0 {
		list.Style = yaml.FlowStyle
	}
	for i := range cs {
		list.Content[i] = yamlMap(
			yamlKey("name"), yamlString(cs[i].Name),
			yamlKey("exchanges"), yamlExchanges(cs[i].Exchanges),
		)
	}
	return encodeYAML(yamlMap(yamlKey("version"), yamlVersion(), yamlKey("cassettes"), list))
}

// encodeYAMLCassette encodes one file of a directory library.
func encodeYAMLCassette(c *Cassette) ([]byte, error) {
	return encodeYAML(yamlMap(yamlKey("version"), yamlVersion(), yamlKey("exchanges"), yamlExchanges(c.Exchanges)))
}

// decodeYAML decodes data, the content of the file path, into v, a pointer
// to wireFile or wireCassetteFile. Errors name the file and the line.
func decodeYAML(path string, data []byte, v any) (err error) {
	defer func() {
		// yaml.v3 has panicked on some inputs in the past: never let a
		// cassette file crash a test binary.
		if r := recover(); r != nil {
			err = fileErrorf(path, 0, "cannot parse YAML: %v", r)
			// yaml.v3 panics on a mapping or list used as a key beside a
			// merge key, which it hashes: name that key.
			if line, what := keyBesideMerge(data); line > 0 {
				err = fileErrorf(path, line, "%s is used as a key beside a merge key (<<): a key is a name; quote it, or delete its line", what)
			}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err = dec.Decode(v)
	if err == nil {
		var extra yaml.Node
		switch err := dec.Decode(&extra); {
		case err == io.EOF:
			return nil
		case err == nil:
			return fileErrorf(path, extra.Line, "more than one YAML document")
		default:
			return yamlError(path, data, err)
		}
	}
	if err == io.EOF {
		return fileErrorf(path, 0, "empty file")
	}
	// A file of a later version may well fail to decode: say that first.
	var probe struct {
		Version any `yaml:"version"`
	}
	probed := func() (ok bool) {
		// The probe decodes into an interface, where yaml.v3 may panic
		// (see keyBesideMerge) on what failed above as it should.
		defer func() {
			if recover() != nil {
				ok = false
			}
		}()
		return yaml.Unmarshal(data, &probe) == nil
	}()
	if probed {
		switch pv := probe.Version.(type) {
		case nil:
			return errVersion(path, 0)
		case int:
			if pv != Version {
				return errVersion(path, pv)
			}
		}
	}
	return yamlError(path, data, err)
}

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

// wireCassettes and wireExchanges are the schema's lists, which refuse an
// empty (null) item in YAML as they do in JSON, where it fails validation:
// yaml.v3 leaves such an item out of a list of structs, so a list item
// whose lines were deleted by hand would vanish silently (and move the
// exchanges after it up a place in the order of replay).
type (
	wireCassettes []wireCassette
	wireExchanges []wireExchange
)

func (cs *wireCassettes) UnmarshalYAML(unmarshal func(any) error) error {
	return unmarshalList(unmarshal, (*[]wireCassette)(cs), "cassette")
}

func (xs *wireExchanges) UnmarshalYAML(unmarshal func(any) error) error {
	return unmarshalList(unmarshal, (*[]wireExchange)(xs), "exchange")
}

// wireChunks are the schema's chunks of a streamed body, which refuse an
// empty (null) item in YAML as JSON does (where it reads as "", not a
// chunk): yaml.v3 leaves such an item out of a list of strings, and the
// chunks would describe a different stream, silently.
type wireChunks []string

func (cs *wireChunks) UnmarshalYAML(unmarshal func(any) error) error {
	return unmarshalList(unmarshal, (*[]string)(cs), "chunk")
}

// wireHeaders are the schema's headers and trailers: in YAML, an empty
// (null) value in a list of values is an empty value, as JSON reads it
// (yaml.v3 would leave it out of a list of strings, and the header would
// lose a value, or all of them, silently).
type wireHeaders map[string][]string

func (h *wireHeaders) UnmarshalYAML(unmarshal func(any) error) error {
	// yaml.v3 leaves out a member whose name is null (a plain "null" or
	// "~", or no name at all), which a string cannot hold, whether in the
	// headers or in a mapping merged into them (<<): say so.
	var nulls []string
	var n yamlNode
	if unmarshal(&n) == nil && n.Node != nil && n.Kind == yaml.MappingNode {
		nulls = nullHeaderNames(n.Node, nulls, nil)
	}
	var m map[string][]*string
	if err := withErrors(unmarshal(&m), nulls); err != nil {
		return err
	}
	if m == nil {
		*h = nil
		return nil
	}
	out := make(wireHeaders, len(m))
	for k, vs := range m {
		if vs == nil {
			out[k] = nil
			continue
		}
		values := make([]string, len(vs))
		for i, v := range vs {
			if v != nil {
				values[i] = *v
			}
		}
		out[k] = values
	}
	*h = out
	return nil
}

// nullHeaderNames appends to nulls an error for each member of the
// mapping m whose name is null, then for those of the mappings merged
// into m (the value of its merge key "<<": a mapping, an alias of one, or
// a list of them), and theirs in turn. merged holds the mappings already
// seen through a merge, so that each is looked at once however many
// aliases name it; it is nil until m has a merge key.
func nullHeaderNames(m *yaml.Node, nulls []string, merged map[*yaml.Node]bool) []string {
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		switch {
		case k.ShortTag() == "!!null":
			nulls = append(nulls, fmt.Sprintf("line %d: header name %q is null in YAML: quote it (\"%s\"), or delete its line", k.Line, k.Value, k.Value))
		case isMergeKey(k):
			if merged == nil {
				merged = map[*yaml.Node]bool{m: true}
			}
			v := m.Content[i+1]
			vs := []*yaml.Node{v}
			if v.Kind == yaml.SequenceNode {
				vs = v.Content
			}
			for _, v := range vs {
				if v.Kind == yaml.AliasNode {
					v = v.Alias
				}
				if v != nil && v.Kind == yaml.MappingNode && !merged[v] {
					merged[v] = true
					nulls = nullHeaderNames(v, nulls, merged)
				}
			}
		}
	}
	return nulls
}

// isMergeKey reports whether k is the merge key of YAML 1.1, a plain <<,
// as yaml.v3 reads it.
func isMergeKey(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Value == "<<" && k.ShortTag() == "!!merge"
}

// yamlNode is the node of a value that an UnmarshalYAML of the obsolete
// form (which keeps the decoder's options) decodes into it: yaml.v3 would
// decode a mapping into the fields of a *yaml.Node.
type yamlNode struct{ *yaml.Node }

func (n *yamlNode) UnmarshalYAML(node *yaml.Node) error {
	n.Node = node
	return nil
}

// unmarshalList decodes a YAML list into list, a pointer to a slice, and
// reports each item that is null (empty, "~" or "null") by its line, what
// naming the items. The errors of the items are reported too, all in the
// order of their lines, so that an error message names the first problem
// in the file and counts the others. What is not a list is left to the
// decoding into list, which says what is wrong with it.
func unmarshalList(unmarshal func(any) error, list any, what string) error {
	var nulls []string
	var items []yaml.Node
	if unmarshal(&items) == nil {
		for i := range items {
			if items[i].ShortTag() == "!!null" {
				nulls = append(nulls, fmt.Sprintf("line %d: %s %d is empty: write it out in full, or delete its line", items[i].Line, what, i+1))
			}
		}
	}
	return withErrors(unmarshal(list), nulls)
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
			line = bytes.Count(data[:i], []byte("\n")) + 1
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
	var open []*yaml.Node // the nodes from root to the one looked at
	var walk func(n *yaml.Node) int
	walk = func(n *yaml.Node) int {
		if n.Kind == yaml.AliasNode && n.Value == name && slices.Contains(open, n.Alias) {
			return n.Line
		}
		open = append(open, n)
		defer func() { open = open[:len(open)-1] }()
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
	alias := regexp.MustCompile(`(?:^|[\s\[{,])(\*` + regexp.QuoteMeta(name) + `)(?:$|[\s,\]}])`)
	ms := alias.FindAllSubmatchIndex(data, -1)
	if len(ms) == 0 {
		return 0
	}
	const probe = "cassette-probe-unknown-anchor-"
	renamed := make([]byte, 0, len(data)+len(ms)*(len(probe)+8))
	last := 0
	for i, m := range ms {
		renamed = append(renamed, data[last:m[2]]...)
		renamed = append(renamed, "*"+probe...)
		renamed = strconv.AppendInt(renamed, int64(i), 10)
		last = m[3]
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
	if err != nil || i >= len(ms) {
		return 0
	}
	return bytes.Count(data[:ms[i][2]], []byte("\n")) + 1
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
