// Package govcr reads the cassettes of go-vcr (gopkg.in/dnaeon/go-vcr.v4,
// and the format of its earlier versions), so that they can be imported
// into a cassette library.
//
// A go-vcr cassette is a YAML file:
//
//	version: 2
//	interactions:
//	  - id: 0
//	    request:
//	      proto: HTTP/1.1
//	      ...
//	      body: '{"item":2}'
//	      headers: {Content-Type: [application/json]}
//	      url: https://api.example.com/v1/orders
//	      method: POST
//	    response:
//	      ...
//	      body: '{"order":77}'
//	      headers: {Content-Type: [application/json]}
//	      status: 201 Created
//	      code: 201
//	      duration: 12.5ms
//
// [Import] turns each interaction into an exchange: the request's method,
// url, headers and body, the response's code (or the number starting
// status), headers, trailer and body (byte for byte: go-vcr writes bodies
// that are not UTF-8 with the YAML tag !!binary, in base64), and the
// duration as latency. go-vcr records no time, so the exchanges have none.
// The other fields (proto, content_length, host, form, ...) say nothing
// the exchange does not. Versions 1 and 2 are read. An interaction that
// cannot be replayed (no method, no absolute URL, no response code, or null
// itself) makes Import fail, naming its line, its place in the list and
// its id.
//
// vcrpy's cassettes look alike but differ ("uri" for the URL, a status
// object, bodies as {string: ...}); Import refuses them with an error
// that says so.
package govcr

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cassette-go/cassette/internal/headerkey"
	"github.com/cassette-go/cassette/internal/yamldiag"
	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
	"gopkg.in/yaml.v3"
)

// file is a go-vcr cassette file, as far as Import reads it.
type file struct {
	Version version `yaml:"version"`
	// Interactions holds the nodes of the interactions, decoded one by
	// one: so that the errors about one name its line, and a null
	// interaction ("- null", "- ~", an empty "-") is seen (into a struct,
	// yaml.v3 drops it from the list, and the import would skip it without
	// a word and number the interactions after it wrongly).
	Interactions []yaml.Node `yaml:"interactions"`
}

// UnmarshalYAML decodes the top of a cassette, a mapping that must hold
// the interactions: under a key misspelt ("Interactions", "interaction"),
// they would be ignored, and the file import nothing without a word. Other
// keys beside "interactions" are ignored, as go-vcr ignores them (a
// hand-edited cassette may keep values for its aliases there).
func (f *file) UnmarshalYAML(n *yaml.Node) error {
	type plain file
	if n.Kind != yaml.MappingNode {
		return n.Decode((*plain)(f))
	}
	has, unknown := topKeys(n, map[*yaml.Node]bool{}, map[string]bool{}, nil)
	switch {
	case has["interactions"]:
		return n.Decode((*plain)(f))
	case unknown != nil:
		return fmt.Errorf("line %d: unknown key %q at the top of the cassette, and no \"interactions\": go-vcr lists the interactions under \"interactions\", beside \"version\"; correct the key's name", unknown.Line, unknown.Value)
	}
	return fmt.Errorf("line %d: no \"interactions\": go-vcr lists the interactions under \"interactions\", beside \"version\"", n.Line)
}

// topKeys adds the keys of the mapping m, and of the mappings merged into
// it (<<), to has, and returns it with the first key, in the order of the
// file, that is neither "version" nor "interactions" (nil if there is
// none, or unknown is not); seen holds the mappings already looked at.
func topKeys(m *yaml.Node, seen map[*yaml.Node]bool, has map[string]bool, unknown *yaml.Node) (map[string]bool, *yaml.Node) {
	if seen[m] {
		return has, unknown
	}
	seen[m] = true
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		switch {
		case k.Kind != yaml.ScalarNode:
			// yaml's error, or yamldiag.KeyBesideMerge's.
		case yamldiag.IsMergeKey(k):
			for _, mv := range yamldiag.Merged(v) {
				has, unknown = topKeys(mv, seen, has, unknown)
			}
		case !isNull(k) && (k.Value == "version" || k.Value == "interactions"):
			has[k.Value] = true
		case unknown == nil:
			unknown = k
		}
	}
	return has, unknown
}

// A version is go-vcr's version of its format, a whole number: yaml.v3
// would read 2.5 as 2.
type version int

func (v *version) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!float" {
		var f float64
		if err := n.Decode(&f); err != nil {
			return err
		}
		if f != math.Trunc(f) || math.IsInf(f, 0) {
			return fmt.Errorf("line %d: version %s is not a whole number: want 1 or 2", n.Line, n.Value)
		}
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" {
		if _, err := strconv.Atoi(strings.TrimSpace(n.Value)); err == nil {
			return fmt.Errorf("line %d: version %q is quoted: go-vcr writes a number (version: 2); remove the quotes", n.Line, n.Value)
		}
	}
	var i int
	if err := n.Decode(&i); err != nil {
		return err
	}
	if i < 0 || i > 2 {
		return fmt.Errorf("line %d: version %d, want 1 or 2: go-vcr v4 writes 2, its earlier versions 1", n.Line, i)
	}
	*v = version(i)
	return nil
}

type interaction struct {
	ID       int      `yaml:"id"`
	Request  request  `yaml:"request"`
	Response response `yaml:"response"`
}

type request struct {
	Body    string  `yaml:"body"`
	Headers headers `yaml:"headers"`
	URL     string  `yaml:"url"`
	Method  string  `yaml:"method"`
}

type response struct {
	Body     string   `yaml:"body"`
	Headers  headers  `yaml:"headers"`
	Trailer  headers  `yaml:"trailer"`
	Status   string   `yaml:"status"`
	Code     int      `yaml:"code"`
	Duration duration `yaml:"duration"`
}

// headers are go-vcr's headers and trailers. A null in a list of values is
// an empty value, as the library reads it (into a list of strings,
// yaml.v3 leaves it out, and the header loses a value, or all of them),
// and a header whose name is null ("null: [x]", "~: [x]", no name), which
// yaml.v3 leaves out of the map, is an error naming its line.
type headers http.Header

func (h *headers) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.MappingNode {
		if line := nullName(n, map[*yaml.Node]bool{}); line > 0 {
			return fmt.Errorf("line %d: a header with no name (null): name it, or delete its line", line)
		}
	}
	var m map[string][]*string
	if err := n.Decode(&m); err != nil {
		return err
	}
	if m == nil {
		*h = nil
		return nil
	}
	*h = make(headers, len(m))
	for k, vv := range m {
		values := make([]string, len(vv))
		for i, v := range vv {
			if v != nil {
				values[i] = *v
			}
		}
		(*h)[k] = values
	}
	return nil
}

// nullName returns the line of the first key of the mapping m that is null,
// among its own keys and those of the mappings merged into it (<<); seen
// holds the mappings already looked at. It returns 0 if there is none.
func nullName(m *yaml.Node, seen map[*yaml.Node]bool) int {
	if seen[m] {
		return 0
	}
	seen[m] = true
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if isNull(k) {
			return k.Line
		}
		if !yamldiag.IsMergeKey(k) {
			continue
		}
		for _, mv := range yamldiag.Merged(v) {
			if line := nullName(mv, seen); line > 0 {
				return line
			}
		}
	}
	return 0
}

// A duration is go-vcr's duration: "12.5ms" as time.Duration writes it, a
// number of nanoseconds, or "" for none.
type duration time.Duration

func (d *duration) UnmarshalYAML(n *yaml.Node) error {
	s := strings.TrimSpace(n.Value)
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: duration: want a scalar", n.Line)
	}
	if s == "" {
		*d = 0
		return nil
	}
	if ns, err := strconv.ParseInt(s, 10, 64); err == nil {
		*d = duration(ns)
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("line %d: duration: %w", n.Line, err)
	}
	*d = duration(v)
	return nil
}

// probe is enough of a file to tell vcrpy's cassettes.
type probe struct {
	Interactions []struct {
		Request map[string]any `yaml:"request"`
	} `yaml:"interactions"`
}

// ErrVcrpy is returned, wrapped, by Import for a cassette of vcrpy.
var ErrVcrpy = errors.New("a vcrpy cassette, not a go-vcr one")

// Import returns the cassettes of the go-vcr cassette data: each
// interaction an exchange, appended to the cassette its request names
// (package naming, default rules), in the order of the interactions.
func Import(data []byte) ([]library.Cassette, error) {
	return ImportWith(data, nil, naming.Default())
}

// ImportWith is [Import], with the cassettes named by rules, and prepare,
// if not nil, called on each exchange before it is named: the exchange is
// stored as prepare leaves it (redacted, by the import of cassette), and
// named after it, as a server gets the request (without the Host and
// Transfer-Encoding a client set among its headers: see
// headerkey.WithoutMoved). An error of prepare stops the import, naming
// the interaction.
func ImportWith(data []byte, prepare func(*library.Exchange) error, rules naming.Rules) ([]library.Cassette, error) {
	if err := yamlText(data); err != nil {
		return nil, fmt.Errorf("read go-vcr cassette: %w", err)
	}
	if err := oneDocument(data); err != nil {
		return nil, fmt.Errorf("read go-vcr cassette: %w", err)
	}
	var p probe
	if err := unmarshal(data, &p); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) && !cassetteShaped(data) {
			// In the words of the file, not of the Go types it is decoded
			// into; a cassette of the right shape keeps yaml's line.
			return nil, errors.New("read go-vcr cassette: not a go-vcr cassette: want a YAML mapping with \"version\" and a list of \"interactions\"")
		}
		return nil, fmt.Errorf("read go-vcr cassette: %w", err)
	}
	for _, in := range p.Interactions {
		if _, ok := in.Request["uri"]; ok {
			return nil, fmt.Errorf("read go-vcr cassette: %w: import it through HAR, or re-record it", ErrVcrpy)
		}
	}
	var f file
	if err := unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("read go-vcr cassette: %w", err)
	}
	switch {
	case f.Version == 0 && !bytes.Contains(data, []byte("interactions")):
		return nil, errors.New("read go-vcr cassette: no version and no interactions: not a go-vcr cassette")
	}
	var out []library.Cassette
	index := make(map[string]int) // position in out, by name
	for i := range f.Interactions {
		node := &f.Interactions[i]
		if isNull(node) {
			// Refused, as an interaction without its request or response
			// is: it has nothing to replay, and a cassette the file meant
			// to hold would be missing without a word.
			return nil, fmt.Errorf("read go-vcr cassette: line %d: interaction %d is null: no request and no response; remove it, or re-record the cassette", node.Line, i+1)
		}
		var in interaction
		if err := decodeNode(data, node, &in); err != nil {
			return nil, fmt.Errorf("read go-vcr cassette: %w", err)
		}
		ex, err := exchange(in)
		if err != nil {
			return nil, fmt.Errorf("read go-vcr cassette: line %d: interaction %d (id %d): %w", node.Line, i+1, in.ID, err)
		}
		// Named as recorded first, which checks the request: redaction
		// may hide what is wrong with it (a control character in a query
		// value it replaces).
		name, err := nameOf(ex.Request, rules)
		if err == nil && prepare != nil {
			if err = prepare(&ex); err == nil {
				name, err = nameOf(ex.Request, rules)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("read go-vcr cassette: line %d: interaction %d (id %d): %w", node.Line, i+1, in.ID, err)
		}
		j, ok := index[name]
		if !ok {
			j = len(out)
			index[name] = j
			out = append(out, library.Cassette{Name: name})
		}
		out[j].Exchanges = append(out[j].Exchanges, ex)
	}
	return out, nil
}

func exchange(in interaction) (library.Exchange, error) {
	if in.Request.Method == "" {
		return library.Exchange{}, errors.New("no request method")
	}
	if in.Request.URL == "" {
		return library.Exchange{}, errors.New("no request url")
	}
	code := in.Response.Code
	if code == 0 {
		// Early cassettes may hold only "status: 200 OK".
		status := strings.TrimSpace(in.Response.Status)
		if status == "" {
			return library.Exchange{}, errors.New("no response (no code nor status)")
		}
		n, _, _ := strings.Cut(status, " ")
		var err error
		if code, err = strconv.Atoi(n); err != nil {
			return library.Exchange{}, fmt.Errorf("response status %q has no code", status)
		}
	}
	if code < 100 || code > 999 {
		return library.Exchange{}, fmt.Errorf("response code %d out of range 100-999", code)
	}
	ex := library.Exchange{
		Request: library.Request{
			Method: in.Request.Method,
			URL:    in.Request.URL,
			Header: nonEmpty(in.Request.Headers),
			Body:   bytesOf(in.Request.Body),
		},
		Response: library.Response{
			StatusCode: code,
			Header:     nonEmpty(in.Response.Headers),
			Trailer:    nonEmpty(in.Response.Trailer),
			Body:       bytesOf(in.Response.Body),
		},
		Latency: max(time.Duration(in.Response.Duration), 0),
	}
	return ex, nil
}

func nonEmpty(h headers) http.Header {
	if len(h) == 0 {
		return nil
	}
	return http.Header(h)
}

func bytesOf(s string) []byte {
	if s == "" {
		return nil
	}
	return []byte(s)
}

// nameOf returns the cassette name of r with rules.
func nameOf(r library.Request, rules naming.Rules) (string, error) {
	req, err := http.NewRequest(r.Method, r.URL, nil)
	if err != nil {
		// Without the URL, which a url.Error quotes whole, credentials
		// included: the import's output must not show what it redacts.
		// The caller names the interaction.
		if ue := (*url.Error)(nil); errors.As(err, &ue) {
			err = ue.Err
		}
		return "", fmt.Errorf("invalid request: %w", err)
	}
	if u := req.URL; u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		// go-vcr records the absolute URL the client sent; without a
		// host, the cassette would be named for none and no request
		// could reach it.
		return "", errors.New("invalid request: the url is not an absolute http or https URL")
	}
	// As a server gets it: without a Host (or Transfer-Encoding) the
	// client set among the header fields, which Go's client does not send
	// so, nor a server names a request by.
	req.Header = headerkey.WithoutMoved(r.Header)
	return naming.Name(req, r.Body, rules), nil
}

// cassetteShaped reports whether the YAML document data is a mapping whose
// "interactions", if any, is a list: a go-vcr cassette in its outline,
// whose errors are deeper.
func cassetteShaped(data []byte) bool {
	var doc yaml.Node
	if unmarshal(data, &doc) != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return false
	}
	m := doc.Content[0].Content
	for i := 0; i+1 < len(m); i += 2 {
		if m[i].Value == "interactions" {
			return m[i+1].Kind == yaml.SequenceNode
		}
	}
	return true
}

// oneDocument returns an error if data holds more than one YAML document
// (a "---" between two), or one that does not parse after the first:
// yaml.Unmarshal reads the first document only, and the interactions of
// the others would be left out without a word. go-vcr writes one.
func oneDocument(data []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var first, next yaml.Node
	if err := decodeNext(dec, &first); err != nil {
		return nil // an empty file, or an error the decoding says
	}
	for {
		switch err := decodeNext(dec, &next); {
		case err == io.EOF:
			return nil
		case err != nil && yamlIncompatible.MatchString(err.Error()):
			return directiveError(data, err.Error())
		case err != nil:
			return err
		case len(next.Content) > 0 && !isNull(next.Content[0]):
			return fmt.Errorf("line %d: a second YAML document (after ---): a go-vcr cassette is one document; move its interactions into the first one's list, or into a file of their own", next.Content[0].Line)
		}
		next = yaml.Node{}
	}
}

// isNull reports whether n is a null scalar ("null", "~", or nothing).
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// decodeNext is dec.Decode(n), with an error where yaml.v3 panics.
func decodeNext(dec *yaml.Decoder, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot parse YAML: %v", r)
		}
	}()
	return dec.Decode(n)
}

// unmarshal is yaml.Unmarshal, returning an error where yaml.v3 panics: it
// does on some malformed input, such as a merge key beside a key that is a
// mapping ("{{},<<}"), which must not crash the command. That case, and
// the error without a line that yaml.v3 gives for it in headers ("invalid
// map key"), is said with the line of the key and what to do.
func unmarshal(data []byte, v any) (err error) {
	defer func() { err = decodeError(data, nil, recover(), err) }()
	return yaml.Unmarshal(data, v)
}

// decodeNode is n.Decode(v), n a node of data, with the errors of
// unmarshal, found in n.
func decodeNode(data []byte, n *yaml.Node, v any) (err error) {
	defer func() { err = decodeError(data, n, recover(), err) }()
	return n.Decode(v)
}

// decodeError returns the error of decoding data that panicked with r (if
// not nil) or returned err, said with a line where yaml.v3 gives none: that
// of the first node at fault in scope, the node decoded, or if it is nil,
// among the nodes of data that Import decodes (see [firstDecoded]).
func decodeError(data []byte, scope *yaml.Node, r any, err error) error {
	if r != nil {
		err = fmt.Errorf("cannot parse YAML: %v", r)
	}
	if err == nil {
		return nil
	}
	msg := err.Error()
	switch {
	case yamlIncompatible.MatchString(msg):
		return directiveError(data, msg)
	case strings.Contains(msg, "hash of unhashable type") || strings.Contains(msg, "invalid map key"):
		if line, what := yamldiag.KeyBesideMerge(data); line > 0 {
			return fmt.Errorf("line %d: %s is used as a key beside a merge key (<<), which YAML cannot read: a key is a name; quote it, or delete its line", line, what)
		}
		if strings.Contains(msg, "invalid map key") {
			// No merge key beside it: a mapping or a list as a key, which
			// yaml.v3 decodes but cannot use as one of a Go map.
			if k := firstDecoded(data, scope, collectionKey); k != nil {
				return fmt.Errorf("line %d: %s is used as a key: a key is a name (a header's, a field's), go-vcr writes no other; quote it, or delete its line", k.Line, kindOf(k))
			}
		}
	case strings.Contains(msg, "cannot unmarshal !!seq into string") || strings.Contains(msg, "cannot unmarshal !!map into string"):
		// A mapping or a list as a key of a mapping decoded into a Go map
		// of strings (headers): yaml.v3 names the line, in its words; for
		// an alias, the line of its anchor (the node it decodes), which may
		// be one Import does not read.
		at := collectionKey
		if scope != nil {
			// An interaction: only the keys yaml.v3 decodes into strings,
			// not those inside a value go-vcr ignores, on the line of a
			// value that is the error.
			keyed := map[*yaml.Node]bool{}
			keyedMappings(scope, "interaction", keyed)
			at = func(n *yaml.Node) *yaml.Node {
				if !keyed[n] {
					return nil
				}
				return collectionKey(n)
			}
		}
		if k := firstDecoded(data, scope, at); k != nil && strings.Contains(msg, fmt.Sprintf("line %d: cannot unmarshal", kindNode(k).Line)) {
			return fmt.Errorf("line %d: %s is used as a key: a key is a name (a header's, a field's), go-vcr writes no other; quote it, or delete its line", k.Line, kindOf(k))
		}
	case strings.HasPrefix(msg, "yaml: cannot decode ") || strings.Contains(msg, "!!binary value contains invalid base64 data"):
		// A value whose tag it does not fit (!!int x, !!binary that is
		// not base64): yaml.v3 says which, not where.
		if line, what := badTaggedScalar(data, scope, msg); line > 0 {
			if strings.Contains(what, "!!binary") {
				return fmt.Errorf("line %d: %s: a body or header value that is not text is base64 after !!binary; restore it from the recording, or re-record the cassette", line, what)
			}
			return fmt.Errorf("line %d: %s: remove the tag (!!...) or correct the value", line, what)
		}
	case strings.Contains(msg, "map merge requires map or sequence of maps as the value"):
		if bad := firstDecoded(data, scope, yamldiag.BadMerge); bad != nil {
			return fmt.Errorf("line %d: the value of a merge key (<<) is not a mapping, an alias of one, or a list of them: correct it, or delete its line", bad.Line)
		}
	case strings.HasPrefix(msg, "yaml: anchor '") && strings.HasSuffix(msg, "' value contains itself"):
		name := strings.TrimSuffix(strings.TrimPrefix(msg, "yaml: anchor '"), "' value contains itself")
		if line := yamldiag.SelfAliasLine(data, name); line > 0 {
			return fmt.Errorf("line %d: the alias *%s is inside the value of its own anchor &%s: write the value out, or delete the alias", line, name, name)
		}
	case strings.HasPrefix(msg, "yaml: unknown anchor "):
		name, _, _ := strings.Cut(strings.TrimPrefix(msg, "yaml: unknown anchor '"), "'")
		if at := yamldiag.UnknownAlias(data, name); at >= 0 {
			return fmt.Errorf("line %d: the alias *%s names no anchor &%s above it: write the value out, or add the anchor", yamldiag.Line(data, at), name, name)
		}
	}
	return err
}

var (
	// yamlIncompatible is yaml.v3's error for a %YAML directive of a
	// version other than 1.1, the only one it reads, which names the line
	// before it, or none for the first.
	yamlIncompatible = regexp.MustCompile(`^yaml: (?:line (\d+): )?found incompatible YAML document$`)
	// yamlDirective is a %YAML directive, which starts its line.
	yamlDirective = regexp.MustCompile(`(?m)^%YAML[ \t]+(\S*)`)
)

// directiveError says msg, yaml.v3's error for a %YAML directive of a
// version it does not read (1.2), with the line of the directive, and what
// to do: go-vcr writes none, and what a cassette holds reads the same in
// YAML 1.1.
func directiveError(data []byte, msg string) error {
	line := 1
	if m := yamlIncompatible.FindStringSubmatch(msg); m[1] != "" {
		n, _ := strconv.Atoi(m[1])
		line = n + 1
	}
	for _, m := range yamlDirective.FindAllSubmatchIndex(data, -1) {
		if string(data[m[2]:m[3]]) != "1.1" {
			line = yamldiag.Line(data, m[0])
			break
		}
	}
	return fmt.Errorf("line %d: the %%YAML directive names a version other than 1.1, the only one the YAML reader takes: delete its line (go-vcr writes none)", line)
}

// collectionKey returns the first key of n, if it is a mapping, that is a
// mapping or a list, or an alias of one; nil if there is none.
func collectionKey(n *yaml.Node) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := kindNode(n.Content[i]); k.Kind == yaml.MappingNode || k.Kind == yaml.SequenceNode {
			return n.Content[i]
		}
	}
	return nil
}

// keyedMappings adds to keyed the mappings of an interaction n whose keys
// yaml.v3 decodes into strings, role saying what n is ("interaction",
// "request", "response" or "headers"): the interaction's, its request's
// and response's (struct fields), and their headers and trailer (maps of
// strings); with those merged into them (<<), aliases followed. The values
// of keys go-vcr ignores are not decoded.
func keyedMappings(n *yaml.Node, role string, keyed map[*yaml.Node]bool) {
	n = kindNode(n)
	if n.Kind != yaml.MappingNode || keyed[n] {
		return
	}
	keyed[n] = true
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := kindNode(n.Content[i]), n.Content[i+1]
		if yamldiag.IsMergeKey(k) {
			for _, mv := range yamldiag.Merged(v) {
				keyedMappings(mv, role, keyed)
			}
			continue
		}
		if k.Kind != yaml.ScalarNode {
			continue
		}
		switch role + "." + k.Value {
		case "interaction.request":
			keyedMappings(v, "request", keyed)
		case "interaction.response":
			keyedMappings(v, "response", keyed)
		case "request.headers", "response.headers", "response.trailer":
			keyedMappings(v, "headers", keyed)
		}
	}
}

// kindNode returns n, or the node it names if it is an alias.
func kindNode(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

// kindOf says what n, a mapping or a list (or an alias of one), is.
func kindOf(n *yaml.Node) string {
	if kindNode(n).Kind == yaml.SequenceNode {
		return "a list"
	}
	return "a mapping"
}

// yamlCannotDecode is yaml.v3's message for a scalar whose tag its value
// does not fit: its value and the tag.
var yamlCannotDecode = regexp.MustCompile("(?s)^yaml: cannot decode !!\\w+ `(.*)` as a (!!\\w+)$")

// badTaggedScalar returns the line of the first scalar of data, in the
// order of the file, that Import decodes (in scope: see [decodeError]),
// with a tag (!!int, !!binary...) its value does not fit, and yaml's words
// for it; line is 0 if there is none. When msg, yaml.v3's error, names the
// value and tag, the scalar is the first that has them.
func badTaggedScalar(data []byte, scope *yaml.Node, msg string) (line int, what string) {
	m := yamlCannotDecode.FindStringSubmatch(msg)
	firstDecoded(data, scope, func(n *yaml.Node) *yaml.Node {
		if n.Kind != yaml.ScalarNode || n.Style&yaml.TaggedStyle == 0 {
			return nil
		}
		if m != nil && (n.Value != m[1] || n.ShortTag() != m[2]) {
			return nil
		}
		var v any
		if err := n.Decode(&v); err != nil {
			line, what = n.Line, strings.TrimPrefix(err.Error(), "yaml: ")
			return n
		}
		return nil
	})
	return line, what
}

// firstDecoded returns the first node that at returns, not nil, for a node
// of scope, or if scope is nil, for a node of data that Import decodes, in
// the order of the file (aliases followed, where their anchors are): the
// mapping at the top and those merged into it (<<), and the values of
// "version" and "interactions" there. The other values at the top, which
// go-vcr ignores, are not decoded: an error there is not the one yaml.v3
// met. It returns nil if at returns nil for all.
func firstDecoded(data []byte, scope *yaml.Node, at func(*yaml.Node) *yaml.Node) *yaml.Node {
	seen := map[*yaml.Node]bool{}
	var walk func(n *yaml.Node) *yaml.Node
	walk = func(n *yaml.Node) *yaml.Node {
		if n == nil || seen[n] {
			return nil
		}
		seen[n] = true
		if found := at(n); found != nil {
			return found
		}
		if n.Kind == yaml.AliasNode {
			return walk(n.Alias)
		}
		for _, c := range n.Content {
			if found := walk(c); found != nil {
				return found
			}
		}
		return nil
	}
	if scope != nil {
		return walk(scope)
	}
	var top func(m *yaml.Node) *yaml.Node
	top = func(m *yaml.Node) *yaml.Node {
		if seen[m] {
			return nil
		}
		seen[m] = true
		if found := at(m); found != nil {
			return found
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, v := m.Content[i], m.Content[i+1]
			switch {
			case yamldiag.IsMergeKey(k):
				for _, mv := range yamldiag.Merged(v) {
					if found := top(mv); found != nil {
						return found
					}
				}
			case k.Kind == yaml.ScalarNode && !isNull(k) && (k.Value == "version" || k.Value == "interactions"):
				if found := walk(v); found != nil {
					return found
				}
			}
		}
		return nil
	}
	doc := yamldiag.Tree(data)
	if doc == nil || len(doc.Content) == 0 {
		return nil
	}
	if root := doc.Content[0]; root.Kind == yaml.MappingNode {
		return top(root)
	}
	return walk(doc.Content[0])
}

// yamlText returns an error naming the line of the first byte of data that
// is not UTF-8, or the first character that YAML does not allow (control
// characters but tab and line breaks), which yaml.v3 reports without a
// line. A file in UTF-16 (with its byte order mark) is left to yaml.v3.
func yamlText(data []byte) error {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return nil
	}
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return fmt.Errorf("line %d: byte 0x%02X is not UTF-8 text: save the file as UTF-8 (go-vcr writes a body or header value that is not text as !!binary base64)", yamldiag.Line(data, i), data[i])
		case !(r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0x7E || r == 0x85 ||
			r >= 0xA0 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000):
			return fmt.Errorf("line %d: control character %U, which YAML does not allow in a file: write it as an escape (\"\\x%02X\") in a double-quoted string, or the value as !!binary base64", yamldiag.Line(data, i), r, r)
		}
		i += size
	}
	return nil
}
