package replayserver

import (
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// refineLimit is how many cassettes of the same method and path a miss
// report reads to rank them by how much of the request they differ in.
const refineLimit = 1000

// nearest returns up to n names from names nearest to the request named
// name, whose view is got: first by name (see similarity), then, among the
// cassettes of the request's method and path, by how many parts of the
// request differ (see distance), so that a body or query differing in one
// field comes before one differing in many. Of those, it ranks the first
// refineLimit by name; left says how many more there were. The cassette
// called skip, if any, is left out: it matched the request, and the
// report says why it did not answer.
func (h *Handler) nearest(name string, names []string, skip string, got reqView, n int) (near []string, left int) {
	want := splitName(name)
	type scored struct {
		name        string
		score, dist int
	}
	all := make([]scored, 0, len(names))
	for _, c := range names {
		if c == skip && skip != "" {
			continue
		}
		all = append(all, scored{name: c, score: similarity(want, splitName(c))})
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].score != all[j].score {
			return all[i].score > all[j].score
		}
		return all[i].name < all[j].name
	})
	tier := 0
	for tier < len(all) && tier < refineLimit && all[tier].score >= sameMethodAndPath {
		c, ok, err := h.lib.Get(all[tier].name)
		all[tier].dist = unreadable
		if err == nil && ok && len(c.Exchanges) > 0 {
			req := c.Exchanges[0].Request
			all[tier].dist = distance(viewOf(req.Method, req.URL, req.Header, req.Body, h.cfg.rules), got)
		}
		tier++
	}
	for i := tier; i < len(all) && all[i].score >= sameMethodAndPath; i++ {
		left++
	}
	sort.SliceStable(all[:tier], func(i, j int) bool { return all[i].dist < all[j].dist })
	for i := 0; i < len(all) && i < n; i++ {
		near = append(near, all[i].name)
	}
	return near, left
}

// unreadable is the distance of a cassette that cannot be read: after
// every one that can.
const unreadable = 1 << 30

// distance counts the parts in which two views differ: method, path, each
// query parameter and significant header, and each leaf of a JSON body (a
// body that is not JSON counts as one part).
func distance(a, b reqView) int {
	d := 0
	if a.Method != b.Method {
		d++
	}
	if a.Path != b.Path {
		d++
	}
	d += valuesDistance(a.Query, b.Query)
	d += valuesDistance(a.Headers, b.Headers)
	return d + leafDistance(a.Body, b.Body)
}

func valuesDistance(a, b map[string][]string) int {
	d := 0
	for k, v := range a {
		if !reflect.DeepEqual(v, b[k]) {
			d++
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			d++
		}
	}
	return d
}

// leafDistance counts the leaves in which two decoded JSON values (or
// other body views) differ; a leaf missing on one side counts as one.
func leafDistance(a, b any) int {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return max(leaves(a), leaves(b))
		}
		d := 0
		for k, v := range x {
			w, ok := y[k]
			if !ok {
				d += leaves(v)
				continue
			}
			d += leafDistance(v, w)
		}
		for k, w := range y {
			if _, ok := x[k]; !ok {
				d += leaves(w)
			}
		}
		return d
	case []any:
		y, ok := b.([]any)
		if !ok {
			return max(leaves(a), leaves(b))
		}
		d := 0
		for i := 0; i < len(x) || i < len(y); i++ {
			switch {
			case i >= len(x):
				d += leaves(y[i])
			case i >= len(y):
				d += leaves(x[i])
			default:
				d += leafDistance(x[i], y[i])
			}
		}
		return d
	}
	if reflect.DeepEqual(a, b) {
		return 0
	}
	return 1
}

// leaves counts the leaves of a decoded JSON value (at least one).
func leaves(v any) int {
	n := 0
	switch x := v.(type) {
	case map[string]any:
		for _, w := range x {
			n += leaves(w)
		}
	case []any:
		for _, w := range x {
			n += leaves(w)
		}
	default:
		return 1
	}
	return max(n, 1)
}

// nameParts are the fields of a cassette name (see package naming).
type nameParts struct {
	method, host string
	path         []string
	query        string
	suffix       string
}

// hashSuffixes matches the hash suffixes that end a name ("~h", "~b",
// "~u" and 8 hex digits); a "~" inside the host field is not one.
var hashSuffixes = regexp.MustCompile(`(~[hbu][0-9a-f]{8})+$`)

func splitName(name string) nameParts {
	var p nameParts
	head := name
	if m := hashSuffixes.FindStringIndex(name); m != nil {
		head, p.suffix = name[:m[0]], name[m[0]:]
	}
	head, p.query, _ = strings.Cut(head, "__")
	f := strings.Split(head, "_")
	p.method = f[0]
	if len(f) >= 3 {
		p.host = f[1] + ":" + f[2]
		p.path = f[3:]
	}
	return p
}

// The weights of similarity: a cassette of the request's method and path
// scores at least sameMethodAndPath.
const (
	samePath          = 2000
	sameMethod        = 1000
	sameMethodAndPath = samePath + sameMethod

	// samePathButSlashes is for paths that differ only in a trailing or
	// doubled slash ("/v1/users/" and "/v1/users"): nearer than any path
	// that merely shares leading segments.
	samePathButSlashes = samePath - 100
)

// withoutEmpty returns the segments of a name's path without those shown
// as "-" (an empty segment, ".", ".."), a new slice.
func withoutEmpty(path []string) []string {
	return slices.DeleteFunc(slices.Clone(path), func(s string) bool { return s == "-" })
}

// similarity scores how near two names are: the same method and path
// first, then the same method and path but for a trailing or doubled
// slash, then the same path, then the same method, then the longest
// shared leading path, then the same query, host and suffixes.
func similarity(a, b nameParts) int {
	s := 0
	switch {
	case slices.Equal(a.path, b.path):
		s += samePath
	case slices.Equal(withoutEmpty(a.path), withoutEmpty(b.path)):
		s += samePathButSlashes
	default:
		for i := 0; i < len(a.path) && i < len(b.path) && a.path[i] == b.path[i]; i++ {
			s += 50
		}
		if len(a.path) == len(b.path) {
			s += 20
		}
	}
	if a.method == b.method {
		s += sameMethod
	}
	if a.query == b.query {
		s += 10
	}
	if a.host == b.host {
		s += 5
	}
	if a.suffix == b.suffix {
		s++
	}
	return s
}
