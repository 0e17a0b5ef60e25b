package naming

import (
	"cmp"
	"net/url"
	"slices"
	"strings"
)

// queryChars are the characters other than lower-case letters and digits
// that a query pair shows as they are.
const queryChars = ".=%-+"

// significantQuery splits the raw query into its pairs ("k=v", or "k"),
// drops empty pairs and those whose decoded key is in ignore, and sorts
// the rest by decoded key; the values of a repeated key keep their order.
// The pairs stay as they were sent, escaped.
func significantQuery(raw string, ignore []string) []string {
	type pair struct{ key, raw string }
	var pairs []pair
	for p := range strings.SplitSeq(raw, "&") {
		if p == "" {
			continue
		}
		k, _, _ := strings.Cut(p, "=")
		if d, err := url.QueryUnescape(k); err == nil {
			k = d
		}
		if slices.Contains(ignore, k) {
			continue
		}
		pairs = append(pairs, pair{k, p})
	}
	slices.SortStableFunc(pairs, func(a, b pair) int { return cmp.Compare(a.key, b.key) })
	out := make([]string, len(pairs))
	for i, p := range pairs {
		out[i] = p.raw
	}
	return out
}

// queryField renders the sorted pairs as "__" and the pairs joined by ","
// ("" when there are none), and reports whether [clean] changed a pair.
func queryField(pairs []string) (string, bool) {
	if len(pairs) == 0 {
		return "", false
	}
	lossy := false
	fields := make([]string, len(pairs))
	for i, p := range pairs {
		var changed bool
		fields[i], changed = clean(p, queryChars)
		lossy = lossy || changed
	}
	return "__" + strings.Join(fields, ","), lossy
}
