package naming

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"net/http"
	"net/textproto"
	"slices"
	"strings"

	"github.com/cassette-go/cassette/internal/headerkey"
)

// The hashes in a name are SHA-256, cut to their first bytes and written in
// lower-case hex: the same on every run, machine and Go version. They are
// computed only for the suffixes a name has.

// appendSum appends the first n bytes of the SHA-256 of data in lower-case
// hex.
func appendSum(b []byte, n int, data []byte) []byte {
	sum := sha256.Sum256(data)
	return hex.AppendEncode(b, sum[:n])
}

// appendHash appends the first n bytes of the SHA-256 of s in lower-case
// hex.
func appendHash(b []byte, n int, s string) []byte {
	var buf [64]byte
	return appendSum(b, n, append(buf[:0], s...))
}

// appendBodyHash appends the 8 hex digits of the "~b" suffix.
func appendBodyHash(b, body []byte) []byte { return appendSum(b, 4, body) }

// appendURLHash appends the 8 hex digits of the "~u" suffix: a hash of
// the method, the path and the significant query pairs, sorted. It leaves
// out the host and port, so one request sent to two hosts gets one hash.
func appendURLHash(b []byte, method, path string, query []queryPair) []byte {
	var buf [256]byte
	d := appendString(buf[:0], method)
	d = appendString(d, path)
	d = binary.AppendUvarint(d, uint64(len(query)))
	for _, p := range query {
		d = appendString(d, p.raw)
	}
	return appendSum(b, 4, d)
}

// appendHeaderHash appends "~h" and the 8 hex digits of a hash of the
// significant headers of h, in canonical form and sorted, each with all
// its values in order, without the spaces around them; it appends nothing
// when h has none of them.
func appendHeaderHash(b []byte, h headerkey.Fields, names []string) []byte {
	if len(names) == 0 {
		return b
	}
	var keysBuf [8]string
	keys := keysBuf[:0]
	for _, n := range names {
		keys = append(keys, http.CanonicalHeaderKey(n))
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	var buf [256]byte
	d := buf[:0]
	present := false
	for _, k := range keys {
		if k == "User-Agent" {
			// One value, the one a server reads first whatever the
			// protocol; none when it is empty (how Go says "send none")
			// or Go's own agent, which its client sends when the request
			// sets none: see headerkey.UserAgent.
			if v, ok := h.UserAgent(); ok {
				present = true
				d = appendString(d, k)
				d = binary.AppendUvarint(d, 1)
				d = appendString(d, v)
			}
			continue
		}
		vs := h.Values(k) // under any key a client set it
		if len(vs) == 0 {
			continue
		}
		if k == "Cookie" {
			// One list of cookie-pairs, however the client split it:
			// see appendCookie.
			var ok bool
			if d, ok = appendCookie(d, vs); ok {
				present = true
			}
			continue
		}
		present = true
		d = appendString(d, k)
		d = binary.AppendUvarint(d, uint64(len(vs)))
		for _, v := range vs {
			// As a server reads it: Go sends a value without the
			// spaces around it, and a server drops those it gets.
			d = appendString(d, textproto.TrimString(v))
		}
	}
	if !present {
		return b
	}
	b = append(b, "~h"...)
	return appendSum(b, 4, d)
}

// appendCookie appends to the digest d the Cookie header whose values
// are vs as one value: its cookie-pairs, each without the spaces around
// it, empty ones left out, joined by "; ". That is what a server reads
// over HTTP/2, where Go's client sends each pair as a field of its own and
// the server joins them so, and what it reads over HTTP/1.1 of a header
// written so; written as several Cookie lines, or with other spacing
// ("a=1;b=2"), it reads it as sent, so that the pairs alone tell one
// request from another. A Cookie that holds no pair is absent (Go's
// HTTP/2 client sends none): appendCookie then appends nothing and
// returns false. It does not allocate.
func appendCookie(d []byte, vs []string) ([]byte, bool) {
	n, pairs := 0, 0
	for _, v := range vs {
		for p := range strings.SplitSeq(v, ";") {
			if p = textproto.TrimString(p); p != "" {
				n += len(p)
				pairs++
			}
		}
	}
	if pairs == 0 {
		return d, false
	}
	d = appendString(d, "Cookie")
	d = binary.AppendUvarint(d, 1)
	d = binary.AppendUvarint(d, uint64(n+2*(pairs-1)))
	first := true
	for _, v := range vs {
		for p := range strings.SplitSeq(v, ";") {
			if p = textproto.TrimString(p); p != "" {
				if !first {
					d = append(d, "; "...)
				}
				d = append(d, p...)
				first = false
			}
		}
	}
	return d, true
}

// appendString appends s to the digest d in an unambiguous encoding:
// preceded by its length. Lists are preceded by their length too.
func appendString(d []byte, s string) []byte {
	d = binary.AppendUvarint(d, uint64(len(s)))
	return append(d, s...)
}
