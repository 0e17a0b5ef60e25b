package naming

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"net/http"
	"slices"
)

// The hashes in a name are SHA-256, cut to their first bytes and written in
// lower-case hex: the same on every run, machine and Go version.

// bodyHash returns the 8 hex digits of the "~b" suffix.
func bodyHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:4])
}

// hostHash returns the 6 hex digits that end a host field.
func hostHash(host string) string {
	sum := sha256.Sum256([]byte(host))
	return hex.EncodeToString(sum[:3])
}

// urlHash returns the 8 hex digits of the "~u" suffix: a hash of the
// method, the path and the significant query pairs, sorted. It leaves out
// the host and port, so one request sent to two hosts gets one hash.
func urlHash(method, path string, query []string) string {
	var d digest
	d.string(method)
	d.string(path)
	d.strings(query)
	return d.hex(4)
}

// headerHash returns the 8 hex digits of the "~h" suffix: a hash of the
// significant headers of h, in canonical form and sorted, each with all its
// values in order. It reports false when h has none of them.
func headerHash(h http.Header, names []string) (string, bool) {
	if len(names) == 0 {
		return "", false
	}
	keys := make([]string, len(names))
	for i, n := range names {
		keys[i] = http.CanonicalHeaderKey(n)
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	var d digest
	present := false
	for _, k := range keys {
		vs := h.Values(k)
		if len(vs) == 0 {
			continue
		}
		present = true
		d.string(k)
		d.strings(vs)
	}
	if !present {
		return "", false
	}
	return d.hex(4), true
}

// A digest collects strings in an unambiguous encoding, each string and
// each list preceded by its length, to be hashed at the end.
type digest []byte

func (d *digest) uint(n int) { *d = binary.AppendUvarint(*d, uint64(n)) }

func (d *digest) string(s string) {
	d.uint(len(s))
	*d = append(*d, s...)
}

func (d *digest) strings(ss []string) {
	d.uint(len(ss))
	for _, s := range ss {
		d.string(s)
	}
}

// hex returns the first n bytes of the SHA-256 of d in lower-case hex.
func (d digest) hex(n int) string {
	sum := sha256.Sum256(d)
	return hex.EncodeToString(sum[:n])
}
