package library

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/cassette-go/cassette/internal/yamldiag"
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

		resp := yamlMap(yamlKey("status"), yamlScalar("!!int", strconv.Itoa(int(x.Response.Status))))
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
			if line, what := yamldiag.KeyBesideMerge(data); line > 0 {
				err = fileErrorf(path, line, "%s is used as a key beside a merge key (<<): a key is a name; quote it, or delete its line", what)
			}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err = dec.Decode(v)
	for err == nil {
		// Documents after the first must be empty ("---" alone, or with a
		// comment or null), as a file ending with "---" is: they hold no
		// data. One that holds some is refused rather than left unread.
		var extra yaml.Node
		switch err := dec.Decode(&extra); {
		case err == io.EOF:
			return nil
		case err != nil:
			return yamlError(path, data, err)
		case len(extra.Content) > 0 && !isNullNode(extra.Content[0]):
			return fileErrorf(path, extra.Line, "more than one YAML document")
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
		// (see yamldiag.KeyBesideMerge) on what failed above as it should.
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

// wireInt is a whole number of the schema (the version, a status), which
// refuses in YAML a number that is not whole (1.5, 200.9), as JSON does:
// yaml.v3 would truncate it into an int, silently.
type wireInt int

func (i *wireInt) UnmarshalYAML(n *yaml.Node) error {
	v := n
	if v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!float" {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: cannot unmarshal !!float `%s` into int", n.Line, v.Value)}}
	}
	if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!int" && !leadingZero(v.Value) {
		if x, err := strconv.Atoi(v.Value); err == nil {
			*i = wireInt(x) // the usual case, without a decoder
			return nil
		}
	}
	var x int
	if err := n.Decode(&x); err != nil {
		return err
	}
	*i = wireInt(x)
	return nil
}

// leadingZero reports whether the integer s has a leading zero (0310,
// +0310), which yaml.v3 reads as octal, as YAML 1.1 does (and as it did
// here before wireInt), where strconv.Atoi would read it as decimal.
func leadingZero(s string) bool {
	s = strings.TrimLeft(s, "+-")
	return len(s) > 1 && s[0] == '0'
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
		case yamldiag.IsMergeKey(k):
			if merged == nil {
				merged = map[*yaml.Node]bool{m: true}
			}
			for _, v := range yamldiag.Merged(m.Content[i+1]) {
				if !merged[v] {
					merged[v] = true
					nulls = nullHeaderNames(v, nulls, merged)
				}
			}
		}
	}
	return nulls
}

// isNullNode reports whether n is a null scalar ("null", "~", or nothing).
func isNullNode(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
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
