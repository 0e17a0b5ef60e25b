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

// Values returns the values of the field k (in canonical form) in h:
// h[k], or, when the field is set under keys not in canonical form, the
// values of those keys, in the order of their sorted keys. It allocates
// only when the field is set under a key not in canonical form.
func Values(h http.Header, k string) []string {
	if vs := h[k]; len(vs) > 0 {
		return vs
	}
	var keys []string
	for hk := range h {
		if hk != k && strings.EqualFold(hk, k) {
			keys = append(keys, hk)
		}
	}
	if len(keys) == 1 {
		return h[keys[0]]
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
