// Package headerkey finds a header field that a client set under a key not
// in canonical form (req.Header["content-type"] = ..., as some SDKs do): Go
// sends such a key as it is, and a server reads it in canonical form, so
// what is named or redacted from a client's request must see it too.
package headerkey

import (
	"net/http"
	"slices"
	"strings"
)

// Values returns the values of the field k (in canonical form) in h, as
// a server reads them once Go sent h: those of every key that is k in
// another case, h[k] included, in the order of their sorted keys (Go
// writes a header's keys sorted; a server appends the values of each line
// to its canonical key). It allocates only when the field is set under
// more than one key.
func Values(h http.Header, k string) []string {
	var keys []string
	only := "" // the one key found, while it is the only one
	for hk := range h {
		if len(hk) != len(k) || !strings.EqualFold(hk, k) || len(h[hk]) == 0 {
			continue
		}
		switch {
		case keys != nil:
			keys = append(keys, hk)
		case only == "":
			only = hk
		default:
			keys = []string{only, hk}
		}
	}
	if keys == nil {
		if only == "" {
			return nil
		}
		return h[only]
	}
	slices.Sort(keys)
	var vs []string
	for _, hk := range keys {
		vs = append(vs, h[hk]...)
	}
	return vs
}

// Get returns the first value of the field k (in canonical form) in h, as
// [Values] finds it, or "".
func Get(h http.Header, k string) string {
	if vs := Values(h, k); len(vs) > 0 {
		return vs[0]
	}
	return ""
}
