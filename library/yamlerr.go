package library

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/cassette-go/cassette/internal/yamldiag"
	"gopkg.in/yaml.v3"
)

// The diagnosis of YAML files that do not decode: yaml.v3's errors said
// in the schema's words ("a request", "the list of exchanges", not Go's
// types), each naming the file and the line, which package yamldiag finds
// in the file's tree of nodes, or its text, where yaml.v3 names none or the
// wrong one.

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
	if msg == "found incompatible YAML document" {
		// yaml.v3 reads YAML 1.1 alone, and names the line of a %YAML
		// directive of another version (1.2): what a cassette file holds
		// reads the same in both.
		msg = "the %YAML directive names a version other than 1.1, the only one the YAML reader takes: delete its line"
	}
	if strings.Contains(msg, "tab character") {
		// yaml.v3 names the line before; the tab is in the indentation
		// of the first line from there that has one.
		line = tabLine(data, line)
	}
	if line == 0 && strings.Contains(msg, "control characters are not allowed") {
		// yaml.v3 names no line: the first that holds one.
		if i := bytes.IndexFunc(data, func(r rune) bool { return r < ' ' && r != '\t' && r != '\n' && r != '\r' || r == 0x7f }); i >= 0 {
			line = yamldiag.Line(data, i)
		}
	}
	if m := yamlDecode.FindStringSubmatch(msg); m != nil && line == 0 {
		// A value whose tag it does not fit (!!null x, !!int x): yaml.v3
		// names no line, the first such value in the file has it.
		tag, value := "!!"+m[2], m[1]
		if n := yamldiag.First(yamldiag.Tree(data), func(n *yaml.Node) bool {
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
		if l := yamldiag.BadBinaryLine(data); l > 0 {
			return l, "a value tagged !!binary is not base64: delete the tag, or correct the value"
		}
	case msg == "document contains excessive aliasing":
		if l := yamldiag.NestedAliasLine(data); l > 0 {
			return l, "the aliases (*name) of aliases from here expand into more values than the reader takes: write the values out, or use fewer aliases"
		}
	case msg == "map merge requires map or sequence of maps as the value":
		if l := yamldiag.BadMergeLine(data); l > 0 {
			return l, "the value of a merge key (<<) is not a mapping, an alias of one, or a list of them: correct it, or delete its line"
		}
	}
	if m := yamlSelfAlias.FindStringSubmatch(msg); m != nil {
		if l := yamldiag.SelfAliasLine(data, m[1]); l > 0 {
			return l, fmt.Sprintf("alias *%s is inside the value of its own anchor &%s: write the value out, or delete the alias", m[1], m[1])
		}
	}
	if m := yamlUnknownAnchor.FindStringSubmatch(msg); m != nil {
		if at := yamldiag.UnknownAlias(data, m[1]); at >= 0 {
			return yamldiag.Line(data, at), fmt.Sprintf("alias *%s names no anchor &%s above it: put the anchor on the value it stands for, before the alias, or write the value out", m[1], m[1])
		}
	}
	return 0, msg
}
