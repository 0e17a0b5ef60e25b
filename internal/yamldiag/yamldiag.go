// Package yamldiag finds where in a YAML text an error of yaml.v3
// (gopkg.in/yaml.v3) is, for the errors it gives without a line, or the
// wrong one, and the panics it has on some malformed input: an alias of
// no anchor, an alias inside the value of its own anchor, a !!binary
// value that is not base64, a bad value of a merge key (<<), and a
// mapping or a list used as a key beside a merge key. It counts lines as
// yaml.v3 does.
//
// It knows nothing of the schema of the file: its callers say the errors
// in their own words.
package yamldiag

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Line returns the line, from 1, of the byte at offset i of data, as
// yaml.v3 counts lines: each "\r\n", "\r", "\n", U+0085, U+2028 and U+2029
// ends one.
func Line(data []byte, i int) int {
	data = data[:i]
	line := 1 + bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r")) - bytes.Count(data, []byte("\r\n"))
	for _, b := range []string{"\u0085", "\u2028", "\u2029"} {
		line += bytes.Count(data, []byte(b))
	}
	return line
}

// Tree returns the tree of nodes of the first YAML document in data, nil
// if it does not parse (or yaml.v3 panics on it). yaml.v3 reads a tree
// without resolving its values, so it has the lines of values that do not
// decode.
func Tree(data []byte) (root *yaml.Node) {
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

// First returns the first node of the tree n, in the order of the file,
// for which match is true; nil if none is, or n is nil. It does not
// follow aliases: the nodes they name are in the tree where their anchors
// are.
func First(n *yaml.Node, match func(*yaml.Node) bool) *yaml.Node {
	if n == nil {
		return nil
	}
	if match(n) {
		return n
	}
	for _, c := range n.Content {
		if m := First(c, match); m != nil {
			return m
		}
	}
	return nil
}

// IsMergeKey reports whether k is the merge key of YAML 1.1, a plain <<,
// as yaml.v3 reads it.
func IsMergeKey(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Value == "<<" && k.ShortTag() == "!!merge"
}

// Merged returns the mappings that v, the value of a merge key (<<),
// merges, as yaml.v3 reads them: v if it is a mapping, the one it names if
// it is an alias of a mapping, or, if it is a list, those of its items
// (aliases followed), in their order. What is not a mapping is left out:
// yaml.v3 refuses it, and [BadMergeLine] finds it.
func Merged(v *yaml.Node) []*yaml.Node {
	items := []*yaml.Node{v}
	if v.Kind == yaml.SequenceNode {
		items = v.Content
	}
	var maps []*yaml.Node
	for _, m := range items {
		if m.Kind == yaml.AliasNode {
			m = m.Alias
		}
		if m != nil && m.Kind == yaml.MappingNode {
			maps = append(maps, m)
		}
	}
	return maps
}

// KeyBesideMerge returns the line of the first key in data, in the order
// of the file, that is a mapping or a list (or an alias of one) in a
// mapping that has a merge key (<<), and what it is ("a mapping" or "a
// list"); line is 0 if there is none. yaml.v3 panics on such a key,
// which it hashes ("hash of unhashable type"), or names no line ("invalid
// map key").
func KeyBesideMerge(data []byte) (line int, what string) {
	First(Tree(data), func(n *yaml.Node) bool {
		if n.Kind != yaml.MappingNode {
			return false
		}
		merge := false
		line = 0
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			merge = merge || IsMergeKey(k)
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
	if line == 0 {
		what = ""
	}
	return line, what
}

// BadBinaryLine returns the line of the first value in data, in the order
// of the file, tagged !!binary that is not base64, for which yaml.v3 says
// "!!binary value contains invalid base64 data" without a line; 0 if
// there is none.
func BadBinaryLine(data []byte) int {
	n := First(Tree(data), func(n *yaml.Node) bool {
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!binary" {
			return false
		}
		_, err := base64.StdEncoding.DecodeString(n.Value)
		return err != nil
	})
	if n == nil {
		return 0
	}
	return n.Line
}

// BadMergeLine returns the line of the first value of a merge key (<<) in
// data, in the order of the file, that yaml.v3 refuses without a line
// ("map merge requires map or sequence of maps as the value"): one that
// is not a mapping, an alias of one, or a list of them (then that of the
// first item that is not); 0 if there is none.
func BadMergeLine(data []byte) int {
	var bad *yaml.Node
	First(Tree(data), func(n *yaml.Node) bool {
		bad = BadMerge(n)
		return bad != nil
	})
	if bad == nil {
		return 0
	}
	return bad.Line
}

// BadMerge returns the first value of a merge key (<<) of n, if it is a
// mapping, that yaml.v3 refuses (see [BadMergeLine]), or the first item
// of it that it refuses; nil if there is none, or n is not a mapping.
func BadMerge(n *yaml.Node) *yaml.Node {
	isMap := func(v *yaml.Node) bool {
		if v.Kind == yaml.AliasNode {
			v = v.Alias
		}
		return v != nil && v.Kind == yaml.MappingNode
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if !IsMergeKey(n.Content[i]) {
			continue
		}
		v := n.Content[i+1]
		if v.Kind != yaml.SequenceNode {
			if !isMap(v) {
				return v
			}
			continue
		}
		for _, item := range v.Content {
			if !isMap(item) {
				return item
			}
		}
	}
	return nil
}

// SelfAliasLine returns the line of the first alias *name in data, in the
// order of the file, that is inside the value of its own anchor &name,
// which yaml.v3 refuses without a line ("anchor 'name' value contains
// itself"); 0 if there is none.
func SelfAliasLine(data []byte, name string) int {
	root := Tree(data)
	if root == nil {
		return 0
	}
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
	return walk(root)
}

// NestedAliasLine returns the line of the first alias in data, in the
// order of the file, whose anchor's value holds an alias itself, or else
// of the first alias; 0 if there is none. Aliases of aliases multiply (a
// "billion laughs"): yaml.v3 refuses a document whose decoding goes
// through too many ("document contains excessive aliasing") without a
// line.
func NestedAliasLine(data []byte) int {
	root := Tree(data)
	if root == nil {
		return 0
	}
	// holds[n]: the value n holds an alias, found in one walk of the
	// tree (a walk of each anchor's value would take time in the product
	// of the anchors and the depth of the file).
	holds := make(map[*yaml.Node]bool)
	var walk func(n *yaml.Node) bool
	walk = func(n *yaml.Node) bool {
		h := false
		for _, c := range n.Content {
			h = walk(c) || c.Kind == yaml.AliasNode || h
		}
		if h {
			holds[n] = true
		}
		return h
	}
	walk(root)
	first := First(root, func(n *yaml.Node) bool { return n.Kind == yaml.AliasNode })
	if first == nil {
		return 0
	}
	if n := First(root, func(n *yaml.Node) bool { return n.Kind == yaml.AliasNode && holds[n.Alias] }); n != nil {
		return n.Line
	}
	return first.Line
}

// UnknownAlias returns the offset in data of the alias *name that yaml.v3
// refused as naming no anchor ("unknown anchor 'name' referenced", without
// a line), -1 if it is not found. yaml.v3 stops there and gives no tree,
// so the alias is looked for in the text, where "*name" may also be in a
// string or a comment: each place that looks like it is renamed apart,
// and yaml.v3, run again, names the one that is an alias. [Line] gives
// its line.
func UnknownAlias(data []byte, name string) int {
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
		return -1
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
	err := parseAll(renamed)
	if err == nil {
		return -1
	}
	s, ok := strings.CutPrefix(err.Error(), "yaml: unknown anchor '"+probe)
	if !ok {
		return -1
	}
	s, ok = strings.CutSuffix(s, "' referenced")
	if !ok {
		return -1
	}
	i, err := strconv.Atoi(s)
	if err != nil || i < 0 || i >= len(at) {
		return -1
	}
	return at[i]
}

// isAnchorChar reports whether c may be part of the name of an anchor, as
// yaml.v3 reads it.
func isAnchorChar(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_' || c == '-'
}

// parseAll parses every YAML document in data into trees of nodes and
// returns the first error, or a panic of yaml.v3 as one.
func parseAll(data []byte) (err error) {
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
