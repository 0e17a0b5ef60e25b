package naming

import (
	"bytes"
	"compress/gzip"
	"strconv"
	"strings"
	"testing"
)

// chunked frames payload in aws-chunked, each chunk of at most size bytes
// signed with sig (none when sig is ""), the last one followed by trailer.
func chunked(payload string, size int, sig, trailer string) string {
	var b strings.Builder
	ext := func() string {
		if sig == "" {
			return ""
		}
		return ";chunk-signature=" + sig
	}
	for len(payload) > 0 {
		n := min(size, len(payload))
		b.WriteString(strconv.FormatInt(int64(n), 16) + ext() + "\r\n" + payload[:n] + "\r\n")
		payload = payload[n:]
	}
	return b.String() + "0" + ext() + "\r\n" + trailer + "\r\n"
}

// upload is a PUT of an object whose body is framed in aws-chunked, as
// X-Amz-Content-Sha256 says (mode).
func upload(mode, body string) spec {
	return spec{method: "PUT", url: "http://127.0.0.1:9000/bkt/obj.bin", body: body,
		header: []string{"Content-Encoding: aws-chunked", "X-Amz-Content-Sha256: " + mode}}
}

const signed = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"

func TestAWSChunkedBodyNamedByItsPayload(t *testing.T) {
	sig1, sig2 := strings.Repeat("a1", 32), strings.Repeat("f0", 32)
	same := []struct {
		why  string
		a, b spec
	}{
		{"chunk signatures made with another key and time (minio-go over plain HTTP)",
			upload(signed, chunked("hello world", 4, sig1, "")), upload(signed, chunked("hello world", 4, sig2, ""))},
		{"chunks of another size",
			upload(signed, chunked("hello world", 4, sig1, "")), upload(signed, chunked("hello world", 64, sig2, ""))},
		{"a trailing signature and checksum",
			upload("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", chunked("hello", 2, sig1, "x-amz-checksum-crc32:NhCmhg==\r\nx-amz-trailer-signature:"+sig1+"\r\n")),
			upload("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", chunked("hello", 2, sig2, "x-amz-checksum-crc32:NhCmhg==\r\nx-amz-trailer-signature:"+sig2+"\r\n"))},
		{"header value in another case",
			upload(signed, chunked("hello", 4, sig1, "")), upload("streaming-aws4-hmac-sha256-payload", chunked("hello", 4, sig2, ""))},
	}
	for _, c := range same {
		if a, b := c.a.name(t), c.b.name(t); a != b {
			t.Errorf("%s: Name(%s) = %q, Name(%s) = %q, want the same", c.why, c.a, a, c.b, b)
		}
	}
	differ := []struct {
		why  string
		a, b spec
	}{
		{"another payload",
			upload(signed, chunked("hello world", 4, sig1, "")), upload(signed, chunked("hello there", 4, sig1, ""))},
		{"a body not framed in aws-chunked counts byte for byte",
			upload(signed, "not;chunk-signature=1\r\nhello\r\n"), upload(signed, "not;chunk-signature=2\r\nhello\r\n")},
		{"a body cut off before its last chunk counts byte for byte",
			upload(signed, "5;chunk-signature="+sig1+"\r\nhello\r\n"), upload(signed, "5;chunk-signature="+sig2+"\r\nhello\r\n")},
		{"without the streaming X-Amz-Content-Sha256 a body counts byte for byte",
			spec{method: "PUT", url: "http://127.0.0.1:9000/bkt/obj.bin", body: chunked("hello", 4, sig1, "")},
			spec{method: "PUT", url: "http://127.0.0.1:9000/bkt/obj.bin", body: chunked("hello", 4, sig2, "")}},
	}
	for _, c := range differ {
		if a, b := c.a.name(t), c.b.name(t); a == b {
			t.Errorf("%s: Name(%s) = Name(%s) = %q, want them to differ", c.why, c.a, c.b, a)
		}
	}
	empty := upload(signed, chunked("", 4, sig1, ""))
	if got, want := empty.name(t), (spec{method: "PUT", url: "http://127.0.0.1:9000/bkt/obj.bin"}).name(t); got != want {
		t.Errorf("an empty payload: Name(%s) = %q, want %q, as without a body", empty, got, want)
	}
}

func TestAWSChunkedPayloadOfOddSizes(t *testing.T) {
	for _, body := range []string{
		"ffffffffffffffff;chunk-signature=x\r\nab\r\n0\r\n\r\n", // a size past the body
		"fffffffffffffffe\r\n",
		"10000000000000000\r\nab\r\n", // 17 digits
		"\r\n",
		"5;chunk-signature=x\r\nhello",        // no CRLF after the data
		"5;chunk-signature=x\r\nhelloXY0\r\n", // other bytes after the data
		"-1\r\nx\r\n",
		"5chunk-signature=x\r\nhello\r\n0\r\n\r\n",
	} {
		if got, framed := awsChunkedPayload([]byte(body)); string(got) != body || framed {
			t.Errorf("awsChunkedPayload(%q) = %q, %v, want it as it is, false", body, got, framed)
		}
	}
	if got, framed := awsChunkedPayload([]byte("3\r\nabc\r\nA;x=y\r\n0123456789\r\n0\r\n\r\n")); string(got) != "abc0123456789" || !framed {
		t.Errorf("awsChunkedPayload of two chunks = %q, %v, want %q, true", got, framed, "abc0123456789")
	}
}

// A body rule reads a gzip-encoded payload decoded, as it reads a
// gzip-encoded body that is not framed in aws-chunked: the chunks hold the
// gzip, and the request's Content-Encoding lists aws-chunked beside gzip,
// in one value ("aws-chunked,gzip", as minio-go sends it) or in two (the
// AWS SDK for Go v2 adds "aws-chunked" after the caller's "gzip"). Before,
// only the SDK's order was decoded, and in the others two encodings of one
// JSON document (another compression level, keys in another order) got
// two names.
func TestAWSChunkedGzipPayloadReadDecoded(t *testing.T) {
	gz := func(s string, level int) string {
		var b bytes.Buffer
		w, _ := gzip.NewWriterLevel(&b, level)
		w.Write([]byte(s))
		w.Close()
		return b.String()
	}
	sig := strings.Repeat("c3", 32)
	for _, encoding := range [][]string{
		{"Content-Encoding: aws-chunked,gzip"},
		{"Content-Encoding: aws-chunked, GZIP"},
		{"Content-Encoding: aws-chunked", "Content-Encoding: gzip"},
		{"Content-Encoding: gzip", "Content-Encoding: aws-chunked"},
		{"Content-Encoding: gzip,aws-chunked"},
	} {
		put := func(doc string, level int) spec {
			s := upload(signed, chunked(gz(doc, level), 16, sig, ""))
			s.header = append([]string{"Content-Type: application/json", "X-Amz-Content-Sha256: " + signed}, encoding...)
			s.rules = jsonRules
			return s
		}
		a := put(`{"query":{"match_all":{}},"size":10}`, gzip.BestSpeed)
		b := put(`{"size":10, "query":{"match_all":{}}}`, gzip.BestCompression)
		c := put(`{"size":11, "query":{"match_all":{}}}`, gzip.BestCompression)
		if na, nb, nc := a.name(t), b.name(t), c.name(t); na != nb || na == nc {
			t.Errorf("%v: names %s, %s, %s: want the first two equal, the third apart", encoding, na, nb, nc)
		}
	}
}
