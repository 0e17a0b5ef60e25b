package yamldiag

import (
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestLine(t *testing.T) {
	for _, tt := range []struct {
		why  string
		data string // the byte looked at is the X
		want int
	}{
		{"first byte", "X", 1},
		{"after LF", "a\nb\nX", 3},
		{"after CR LF, one line end each", "a\r\nb\r\nX", 3},
		{"after a lone CR, as old Mac files end lines", "a\rb\rX", 3},
		{"CR then LF then CR LF", "a\r\nb\rc\nX", 4},
		{"after NEL (U+0085)", "a\u0085X", 2},
		{"after LINE SEPARATOR (U+2028)", "a\u2028X", 2},
		{"after PARAGRAPH SEPARATOR (U+2029)", "a\u2029X", 2},
		{"a CR LF split by the offset is not counted twice", "a\r\n\r\nX", 3},
	} {
		i := strings.IndexByte(tt.data, 'X')
		if got := Line([]byte(tt.data), i); got != tt.want {
			t.Errorf("%s: Line(%q, %d) = %d, want %d", tt.why, tt.data, i, got, tt.want)
		}
	}
}

// TestLineAsYAML checks Line against yaml.v3's own count, on a line
// after each kind of line end.
func TestLineAsYAML(t *testing.T) {
	for _, end := range []string{"\n", "\r\n", "\r", "\u0085", "\u2028", "\u2029"} {
		data := "a: 1" + end + "b: 2" + end + "c: !!int x" + end
		var n yaml.Node
		if err := yaml.Unmarshal([]byte(data), &n); err != nil {
			t.Fatalf("%q: %v", data, err)
		}
		c := First(&n, func(n *yaml.Node) bool { return n.Value == "x" })
		if c == nil {
			t.Fatalf("%q: no x", data)
		}
		if got := Line([]byte(data), strings.Index(data, "!!int")); got != c.Line {
			t.Errorf("line end %q: Line = %d, yaml.v3 says %d", end, got, c.Line)
		}
	}
}

func TestUnknownAlias(t *testing.T) {
	for _, tt := range []struct {
		why, name, data string
		want            int // line; 0 for not found
	}{
		{"the alias alone", "nope", "a: 1\nb: *nope\n", 2},
		{"a look-alike in a double-quoted string above", "nope", "a: \"*nope\"\nb: *nope\n", 2},
		{"a look-alike in a single-quoted string above", "nope", "a: '*nope'\nb: *nope\n", 2},
		{"a look-alike in a plain string above", "nope", "a: x*nope\nb: *nope\n", 2},
		{"a look-alike in a comment above", "nope", "# see *nope\nb: *nope\n", 2},
		{"a look-alike in a block scalar above", "nope", "a: |\n  *nope\nb: *nope\n", 3},
		{"a longer name is another alias", "nope", "a: &nopex 1\nb: *nopex\nc: *nope\n", 3},
		{"followed by a comma in a flow list", "nope", "a: \"*nope,\"\nb: [*nope, 1]\n", 2},
		{"followed by a closing bracket", "nope", "a: [1, *nope]\n", 1},
		{"as a key", "nope", "a: 1\n*nope : [a]\n", 2},
		{"lines ending with CR", "nope", "a: \"*nope\"\rb: 1\rc: *nope\r", 3},
		{"lines ending with CR LF", "nope", "a: \"*nope\"\r\nb: 1\r\nc: *nope\r\n", 3},
		{"after a U+2028 in a string, counted as yaml.v3 does", "nope", "a: \"x\u2028y\"\nb: *nope\n", 3},
		{"the anchor comes after the alias", "a", "b: *a\nc: &a 1\n", 1},
		{"in the second document, after a look-alike in the first", "nope", "a: \"*nope\"\n---\nb: *nope\n", 3},
		{"names with - and _", "n-o_pe", "a: \"*n-o_pe\"\nb: *n-o_pe\n", 2},
	} {
		data := []byte(tt.data)
		var v any
		var err error
		for dec := yaml.NewDecoder(strings.NewReader(tt.data)); err == nil; {
			err = dec.Decode(&v)
		}
		if want := "yaml: unknown anchor '" + tt.name + "' referenced"; err == nil || err.Error() != want {
			t.Fatalf("%s: yaml.v3 says %v, want %q: not a case of UnknownAlias", tt.why, err, want)
		}
		at := UnknownAlias(data, tt.name)
		if at < 0 {
			t.Errorf("%s: UnknownAlias(%q, %q) = %d, not found", tt.why, tt.data, tt.name, at)
			continue
		}
		if !strings.HasPrefix(tt.data[at:], "*"+tt.name) {
			t.Errorf("%s: UnknownAlias(%q, %q) = %d, at %q", tt.why, tt.data, tt.name, at, tt.data[at:])
		}
		if got := Line(data, at); got != tt.want {
			t.Errorf("%s: UnknownAlias(%q, %q) is on line %d, want %d", tt.why, tt.data, tt.name, got, tt.want)
		}
	}
}

func TestUnknownAliasNotFound(t *testing.T) {
	for _, tt := range []struct{ why, name, data string }{
		{"no such text", "nope", "a: 1\n"},
		{"only in a string", "nope", "a: \"*nope\"\n"},
		{"only in a comment", "nope", "a: 1 # *nope\n"},
		{"only a longer name", "nope", "a: &nopex 1\nb: *nopex\n"},
	} {
		if got := UnknownAlias([]byte(tt.data), tt.name); got != -1 {
			t.Errorf("%s: UnknownAlias(%q, %q) = %d, want -1", tt.why, tt.data, tt.name, got)
		}
	}
}

func TestSelfAliasLine(t *testing.T) {
	for _, tt := range []struct {
		why, name, data string
		want            int
	}{
		{"in a mapping", "a", "x: &a\n  y: 1\n  z: *a\n", 3},
		{"in a list", "a", "x: &a [1, *a]\n", 1},
		{"deeper", "a", "x: &a\n  y:\n    - 1\n    - z: *a\n", 4},
		{"after a use outside the anchor", "a", "x: &a\n  y: 1\nw: *a\nv: &a\n  u: *a\n", 5},
		{"none: the alias is outside its anchor", "a", "x: &a 1\ny: *a\n", 0},
		{"none: another name", "b", "x: &a [1, *a]\n", 0},
		{"none: not YAML", "a", "x: [\n", 0},
	} {
		if got := SelfAliasLine([]byte(tt.data), tt.name); got != tt.want {
			t.Errorf("%s: SelfAliasLine(%q, %q) = %d, want %d", tt.why, tt.data, tt.name, got, tt.want)
		}
	}
}

func TestBadBinaryLine(t *testing.T) {
	for _, tt := range []struct {
		why, data string
		want      int
	}{
		{"not base64", "a: !!binary aGk=\nb: !!binary '*x*'\n", 2},
		{"base64 over lines is base64", "a: !!binary |\n  aGVs\n  bG8=\nb: !!binary nope!\n", 4},
		{"a look-alike in a string is not tagged", "a: '!!binary *x*'\nb: !!binary '*x*'\n", 2},
		{"none", "a: !!binary aGk=\n", 0},
		{"none: not YAML", "a: [\n", 0},
	} {
		if got := BadBinaryLine([]byte(tt.data)); got != tt.want {
			t.Errorf("%s: BadBinaryLine(%q) = %d, want %d", tt.why, tt.data, got, tt.want)
		}
	}
}

func TestBadMergeLine(t *testing.T) {
	for _, tt := range []struct {
		why, data string
		want      int
	}{
		{"a scalar", "a:\n  <<: 1\n", 2},
		{"an alias of a scalar", "x: &x 1\na:\n  <<: *x\n", 3},
		{"the first item of a list that is not a mapping", "x: &x {b: 1}\na:\n  <<:\n    - *x\n    - 2\n", 5},
		{"none: a mapping, an alias of one, a list of them", "x: &x {b: 1}\na: {<<: {c: 1}}\nb: {<<: *x}\nc: {<<: [*x, {d: 1}]}\n", 0},
		{"none: a quoted << is a key", "a: {'<<': 1}\n", 0},
		{"none: not YAML", "a: [\n", 0},
	} {
		if got := BadMergeLine([]byte(tt.data)); got != tt.want {
			t.Errorf("%s: BadMergeLine(%q) = %d, want %d", tt.why, tt.data, got, tt.want)
		}
	}
}

func TestKeyBesideMerge(t *testing.T) {
	for _, tt := range []struct {
		why, data string
		line      int
		what      string
	}{
		{"a mapping", "{{}: 1, <<: {}}", 1, "a mapping"},
		{"a list, after the merge key", "a:\n  <<: {}\n  ? [x]\n  : 1\n", 3, "a list"},
		{"an alias of a mapping", "x: &x {a: 1}\ny:\n  <<: {}\n  *x : 1\n", 4, "a mapping"},
		{"the first key beside a merge, not one in a mapping without", "a: {{}: 1}\nb: {<<: {}, [1]: 2}\n", 2, "a list"},
		{"none: no merge key", "{{}: 1}", 0, ""},
		{"none: scalar keys", "a: {<<: {}, b: 1}\n", 0, ""},
		{"none: not YAML", "a: [\n", 0, ""},
	} {
		line, what := KeyBesideMerge([]byte(tt.data))
		if line != tt.line || what != tt.what {
			t.Errorf("%s: KeyBesideMerge(%q) = %d, %q, want %d, %q", tt.why, tt.data, line, what, tt.line, tt.what)
		}
	}
}

func TestTreeFirst(t *testing.T) {
	if n := Tree([]byte("a: [\n")); n != nil {
		t.Errorf("Tree of a file that does not parse = %v, want nil", n)
	}
	root := Tree([]byte("a: x\nb: [x, y]\n---\nc: x\n"))
	n := First(root, func(n *yaml.Node) bool { return n.Value == "x" })
	if n == nil || n.Line != 1 {
		t.Fatalf("First x = %v, want the one on line 1", n)
	}
	n = First(root, func(n *yaml.Node) bool { return n.Value == "y" })
	if n == nil || n.Line != 2 {
		t.Errorf("First y = %v, want the one on line 2", n)
	}
	if n := First(root, func(n *yaml.Node) bool { return n.Value == "c" }); n != nil {
		t.Errorf("First c = %v, want nil: Tree holds the first document only", n)
	}
	if First(nil, func(*yaml.Node) bool { return true }) != nil {
		t.Error("First of nil is not nil")
	}
}

func TestIsMergeKey(t *testing.T) {
	root := Tree([]byte("a: {<<: {}, '<<': 1, \"<<\": 2, !!str << : 3}\n"))
	m := root.Content[0].Content[1]
	var got []bool
	for i := 0; i < len(m.Content); i += 2 {
		got = append(got, IsMergeKey(m.Content[i]))
	}
	if want := []bool{true, false, false, false}; !slices.Equal(got, want) {
		t.Errorf("IsMergeKey of <<, '<<', \"<<\", !!str << = %v, want %v", got, want)
	}
}

func TestMerged(t *testing.T) {
	for _, tt := range []struct {
		why, data string
		want      []int // the lines of the mappings merged
	}{
		{"a mapping", "a: {<<: {b: 1}}\n", []int{1}},
		{"an alias of a mapping", "x: &x {b: 1}\na: {<<: *x}\n", []int{1}},
		{"a list of both, in order", "x: &x {b: 1}\na:\n  <<:\n    - {c: 1}\n    - *x\n", []int{4, 1}},
		{"not mappings left out", "x: &x [1]\na:\n  <<:\n    - 2\n    - *x\n    - {c: 1}\n", []int{6}},
		{"a scalar", "a: {<<: 1}\n", nil},
		{"an alias of a list", "x: &x [{b: 1}]\na: {<<: *x}\n", nil},
	} {
		root := Tree([]byte(tt.data))
		if root == nil {
			t.Fatalf("%s: %q does not parse", tt.why, tt.data)
		}
		a := root.Content[0].Content[len(root.Content[0].Content)-1]
		var got []int
		for _, m := range Merged(a.Content[1]) {
			if m.Kind != yaml.MappingNode {
				t.Errorf("%s: Merged gives a node of kind %v", tt.why, m.Kind)
			}
			got = append(got, m.Line)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: Merged of %q = mappings on lines %v, want %v", tt.why, tt.data, got, tt.want)
		}
	}
}
