package replayserver

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/cassette-go/cassette/internal/gunzip"
	"github.com/cassette-go/cassette/naming"
)

// This file explains a miss whose nearest cassette shows no difference in
// the report's diff, which compares decoded values (JSON, form fields,
// query parameters): what the name hashes are the bytes, and those may
// differ where the values do not.

// rawSide is one side of a comparison: a request's method, URL (redacted)
// header and body (redacted), as recorded or as received.
type rawSide struct {
	method, url string
	header      http.Header
	body        []byte
}

// sameViewDifferences returns the lines that say how rec and got differ
// although their views are equal, each starting with two spaces; none if
// their URLs' queries and canonical bodies are the same bytes.
func sameViewDifferences(rec, got rawSide, rules naming.Rules) string {
	var b strings.Builder
	ru, rerr := url.Parse(rec.url)
	gu, gerr := url.Parse(got.url)
	if rerr == nil && gerr == nil && ru.RawQuery != gu.RawQuery {
		fmt.Fprintf(&b, "  the query holds the same parameters, written differently (names keep it as sent):\n    recorded: %q\n    got:      %q\n", ru.RawQuery, gu.RawQuery)
	}
	rb, gb := canonicalBody(rec, rules), canonicalBody(got, rules)
	if !bytes.Equal(rb, gb) {
		fmt.Fprintf(&b, "  the bodies differ in their bytes, as the body rule gives them, from byte %d:\n    recorded: %s\n    got:      %s\n",
			commonPrefix(rb, gb), excerpt(rb, commonPrefix(rb, gb)), excerpt(gb, commonPrefix(rb, gb)))
		if len(rules.For(request(got)).Bodies) == 0 {
			b.WriteString("    (under the default rules a body counts byte for byte: naming.JSONBody compares JSON values,\n" +
				"    whatever their key order and spacing, naming.FormBody form fields, whatever their order)\n")
		}
	}
	return b.String()
}

// request returns a request of s, for the naming rules.
func request(s rawSide) *http.Request {
	req := &http.Request{Method: s.method, Header: s.header, URL: &url.URL{}}
	if u, err := url.Parse(s.url); err == nil {
		req.URL = u
	}
	return req
}

// canonicalBody returns s's body as its body rule gives it, decoded if
// gzip-encoded.
func canonicalBody(s rawSide, rules naming.Rules) []byte {
	return gunzip.RequestBody(s.header, rules.CanonicalBody(request(s), s.body))
}

// commonPrefix returns the length of the longest common prefix of a and b.
func commonPrefix(a, b []byte) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// excerptSize is how many bytes around a difference a report shows.
const excerptSize = 40

// excerpt shows b around offset at, quoted, with its length.
func excerpt(b []byte, at int) string {
	start := max(at-excerptSize/2, 0)
	end := min(start+excerptSize, len(b))
	s := fmt.Sprintf("%q", b[start:end])
	if start > 0 {
		s = "…" + s
	}
	if end < len(b) {
		s += "…"
	}
	return fmt.Sprintf("%s (%d bytes)", s, len(b))
}
