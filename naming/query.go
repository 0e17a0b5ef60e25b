package naming

import (
	"cmp"
	"net/url"
	"slices"
	"strings"
)

// queryChars are the characters a query pair shows as they are: lower-
// case letters, digits and ".=%-+".
var queryChars = newCharSet(".=%-+")

// A queryPair is one pair of a raw query, as sent ("k=v", or "k"), with
// its decoded key.
type queryPair struct{ key, raw string }

// significantQuery appends to dst the pairs of the raw query, without
// empty pairs and those whose decoded key is in ignore, sorted by decoded
// key; the values of a repeated key keep their order. The pairs stay as
// they were sent, escaped.
func significantQuery(dst []queryPair, raw string, ignore []string) []queryPair {
	for raw != "" {
		var p string
		p, raw, _ = strings.Cut(raw, "&")
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
		dst = append(dst, queryPair{k, p})
	}
	slices.SortStableFunc(dst, func(a, b queryPair) int { return cmp.Compare(a.key, b.key) })
	return dst
}

// appendQuery appends the sorted pairs as "__" and the pairs joined by ","
// (nothing when there are none), and reports whether [appendClean] changed
// a pair. It stops once b is longer than limit.
func appendQuery(b []byte, pairs []queryPair, limit int) ([]byte, bool) {
	lossy := false
	for i, p := range pairs {
		if len(b) > limit {
			break
		}
		if i == 0 {
			b = append(b, "__"...)
		} else {
			b = append(b, ',')
		}
		var changed bool
		b, changed = appendClean(b, p.raw, queryChars, limit)
		lossy = lossy || changed
	}
	return b, lossy
}
