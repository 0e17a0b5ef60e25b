// Package cmpdiff returns go-cmp's diffs with plain spaces, so that the
// reports that show them (a miss report, cassette drift) are the same text
// in every run.
//
// go-cmp deliberately makes its output unstable: in about half of the
// processes, chosen at random when the program starts, it writes a
// non-breaking space (U+00A0) instead of a space after the "-", "+" or
// blank marker that starts each line of a diff. A reader does not see the
// difference, but a test asserting on a report ("- \tQuery: ...") or a
// grep of a log passes in one run and fails in the next.
package cmpdiff

import (
	"strings"

	"github.com/google/go-cmp/cmp"
)

// Diff is cmp.Diff(x, y, opts...) with the marker of each line written
// with plain spaces (see Plain).
func Diff(x, y any, opts ...cmp.Option) string {
	return Plain(cmp.Diff(x, y, opts...))
}

// nbsp is the non-breaking space go-cmp may write in its line markers.
const nbsp = "\u00a0"

// Plain rewrites the two-character marker that starts each line of a
// go-cmp diff ("- ", "+ " or "  ") with plain spaces where it holds
// non-breaking ones. The rest of each line, which shows values (a string
// may hold a non-breaking space of its own), is kept as it is.
func Plain(d string) string {
	if !strings.Contains(d, nbsp) {
		return d
	}
	lines := strings.SplitAfter(d, "\n")
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, nbsp+nbsp):
			lines[i] = "  " + l[2*len(nbsp):]
		case strings.HasPrefix(l, "-"+nbsp), strings.HasPrefix(l, "+"+nbsp):
			lines[i] = l[:1] + " " + l[1+len(nbsp):]
		}
	}
	return strings.Join(lines, "")
}
