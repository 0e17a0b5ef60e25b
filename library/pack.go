package library

import (
	"net/http"
	"strings"
)

// Decoded exchanges are packed: the strings of an exchange (method, URL,
// body file, header names and values) share one allocation, and the value
// lists of its headers another. As decoded, every string and every list
// of values is an object of its own, some forty for a response with ten
// headers; a library of 100,000 cassettes held over a million, which the
// garbage collector marks on every cycle, slowing every request of a test
// that replays a large library. Packed, an exchange is a few objects
// whatever its headers: the strings, the lists, a map for each of its
// request header, response header and trailer, and the bodies.

// pack rebuilds the strings and headers of ex in few objects. The value
// lists are clipped (len == cap), so appending to one never writes into
// the next.
func pack(ex *Exchange) {
	size, values := len(ex.Request.Method)+len(ex.Request.URL)+len(ex.Response.BodyFile), 0
	for _, h := range [...]http.Header{ex.Request.Header, ex.Response.Header, ex.Response.Trailer} {
		for k, vv := range h {
			size += len(k)
			values += len(vv)
			for _, v := range vv {
				size += len(v)
			}
		}
	}
	p := packer{values: make([]string, 0, values)}
	p.b.Grow(size)
	ex.Request.Method = p.str(ex.Request.Method)
	ex.Request.URL = p.str(ex.Request.URL)
	ex.Response.BodyFile = p.str(ex.Response.BodyFile)
	ex.Request.Header = p.header(ex.Request.Header)
	ex.Response.Header = p.header(ex.Response.Header)
	ex.Response.Trailer = p.header(ex.Response.Trailer)
}

// A packer copies strings into one buffer: a strings.Builder only ever
// appends, so a string taken from it stays valid as it grows (and, grown
// to its final size first, it never moves).
type packer struct {
	b      strings.Builder
	values []string // backing of the value lists, with room for all
}

func (p *packer) str(s string) string {
	if s == "" {
		return ""
	}
	start := p.b.Len()
	p.b.WriteString(s)
	return p.b.String()[start:]
}

func (p *packer) header(h http.Header) http.Header {
	if h == nil {
		return nil
	}
	out := make(http.Header, len(h))
	for k, vv := range h {
		if vv == nil {
			out[p.str(k)] = nil
			continue
		}
		start := len(p.values)
		for _, v := range vv {
			p.values = append(p.values, p.str(v))
		}
		out[p.str(k)] = p.values[start:len(p.values):len(p.values)]
	}
	return out
}
