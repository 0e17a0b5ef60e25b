package cmpdiff

import (
	"strings"
	"testing"
)

func TestPlainRewritesTheMarkersOnly(t *testing.T) {
	for _, c := range []struct {
		why, in, want string
	}{
		{"markers of every kind, as go-cmp writes them in about half the runs",
			"\u00a0\u00a0struct{\n-\u00a0\tA: 1,\n+\u00a0\tA: 2,\n\u00a0\u00a0}\n",
			"  struct{\n- \tA: 1,\n+ \tA: 2,\n  }\n"},
		{"plain markers stay",
			"  struct{\n- \tA: 1,\n+ \tA: 2,\n  }\n",
			"  struct{\n- \tA: 1,\n+ \tA: 2,\n  }\n"},
		{"a non-breaking space in a value is the value's",
			"-\u00a0\tS: \"a\u00a0b\",\n\u00a0\u00a0\t\t\u00a0x\n",
			"- \tS: \"a\u00a0b\",\n  \t\t\u00a0x\n"},
		{"no final line break", "-\u00a0\tA: 1", "- \tA: 1"},
		{"empty", "", ""},
	} {
		if got := Plain(c.in); got != c.want {
			t.Errorf("%s: Plain(%q) = %q, want %q", c.why, c.in, got, c.want)
		}
	}
}

func TestDiffHasNoNonBreakingSpaceInItsMarkers(t *testing.T) {
	type v struct {
		A int
		B []string
		S string
	}
	d := Diff(v{1, []string{"x"}, "multi\nline\ntext"}, v{2, []string{"x", "y"}, "multi\nline\nmore"})
	if d == "" {
		t.Fatal("no diff")
	}
	for _, l := range strings.Split(strings.TrimSuffix(d, "\n"), "\n") {
		if len(l) < 2 || !strings.Contains("-+ ", l[:1]) || l[1] != ' ' {
			t.Errorf("line %q does not start with a plain marker", l)
		}
	}
	if Diff(1, 1) != "" {
		t.Errorf("Diff of equal values is not empty")
	}
}
