// Package awschunked reads request bodies framed in AWS's chunked framing
// (aws-chunked), as minio-go and the AWS SDKs send uploads: each chunk a
// line of its size in hexadecimal and extensions
// (";chunk-signature=..."), its data, and a line end, the last chunk of
// size 0 followed by a trailer. Package naming names such a request by its
// payload; cassette show shows the payload to a reader.
package awschunked

import (
	"bytes"
	"net/textproto"
	"strings"

	"github.com/cassette-go/cassette/internal/headerkey"
)

// Streaming reports whether a request whose header's fields are h sends
// its body in aws-chunked: its X-Amz-Content-Sha256 is one of SigV4's
// streaming payloads ("STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
// "STREAMING-UNSIGNED-PAYLOAD-TRAILER", ...), as minio-go sends an upload
// over plain HTTP and the AWS SDKs one with a trailing checksum.
func Streaming(h headerkey.Fields) bool {
	v := strings.TrimSpace(h.Get("X-Amz-Content-Sha256"))
	return len(v) > len("STREAMING-") && strings.EqualFold(v[:len("STREAMING-")], "STREAMING-")
}

// Payload returns the payload a body framed in aws-chunked holds: the
// data of its chunks, one after the other, without the size lines, their
// extensions (";chunk-signature=...", a signature of the signing time and
// key, new on every run) and the trailer after the last chunk (a checksum
// of the data, and its signature), and true. A body that is not so
// framed, or ends before its last chunk, is returned as it is, and false.
func Payload(body []byte) ([]byte, bool) {
	payload, _, ok := Split(body)
	return payload, ok
}

// Split is Payload that also returns what follows the line of the last
// chunk (the trailer, and anything after it), unread; nil when the body
// is not so framed.
func Split(body []byte) (payload, rest []byte, ok bool) {
	var out []byte
	rest = body
	for {
		line, after, ok := bytes.Cut(rest, []byte("\r\n"))
		if !ok {
			return body, nil, false
		}
		size, _, _ := bytes.Cut(line, []byte(";"))
		n, ok := hexSize(size)
		if !ok {
			return body, nil, false
		}
		if n == 0 {
			// The last chunk: what follows is the trailer, no payload.
			if out == nil {
				out = []byte{}
			}
			return out, after, true
		}
		if len(after) < 2 || n > uint64(len(after)-2) || after[n] != '\r' || after[n+1] != '\n' {
			return body, nil, false
		}
		if out == nil {
			out = make([]byte, 0, len(body))
		}
		out = append(out, after[:n]...)
		rest = after[n+2:]
	}
}

// TrailerOnly reports whether rest, what follows the last chunk of an
// aws-chunked body (see Split), is a trailer and nothing more: lines of
// "name:value" fields, each ended by CRLF or LF, then an empty line or the
// end of the body.
func TrailerOnly(rest []byte) bool {
	for len(rest) > 0 {
		line, after, found := bytes.Cut(rest, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 {
			return found && len(after) == 0
		}
		name, _, colon := bytes.Cut(line, []byte(":"))
		if !colon || len(name) == 0 || bytes.ContainsAny(name, " \t\r") {
			return false
		}
		rest = after
	}
	return true
}

// PayloadEncoding returns the Content-Encoding of the payload that the
// chunks of an aws-chunked body hold: the codings the request's
// Content-Encoding fields list, but aws-chunked, joined by commas. minio-go
// sends "aws-chunked,gzip" for a gzip-encoded upload, the AWS SDK for Go
// v2 "gzip" and "aws-chunked" in two fields: "gzip" either way.
func PayloadEncoding(h headerkey.Fields) string {
	var codings []string
	for _, v := range h.Values("Content-Encoding") {
		for c := range strings.SplitSeq(v, ",") {
			if c = textproto.TrimString(c); c != "" && !strings.EqualFold(c, "aws-chunked") {
				codings = append(codings, c)
			}
		}
	}
	return strings.Join(codings, ",")
}

// hexSize parses the size of a chunk: 1 to 16 hexadecimal digits.
func hexSize(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 16 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		n = n<<4 | uint64(c)
	}
	return n, true
}
