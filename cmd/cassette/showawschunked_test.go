package main

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
)

// awsFramed frames payload in aws-chunked, in chunks of at most size
// bytes, each signed with sig when it is not "", the last one followed by
// trailer.
func awsFramed(payload string, size int, sig, trailer string) string {
	ext := ""
	if sig != "" {
		ext = ";chunk-signature=" + sig
	}
	var b strings.Builder
	for len(payload) > 0 {
		n := min(size, len(payload))
		b.WriteString(strconv.FormatInt(int64(n), 16) + ext + "\r\n" + payload[:n] + "\r\n")
		payload = payload[n:]
	}
	return b.String() + "0" + ext + "\r\n" + trailer + "\r\n"
}

// An upload in aws-chunked (minio-go, the AWS SDK for Go v2) is shown as
// a gzip body is: its summary, then the payload of its chunks, decoded
// from gzip when so encoded and indented when JSON, without the chunk
// signatures that only -raw writes. A body that is not well framed is
// summarized only, as before.
func TestShowDecodesAWSChunkedUpload(t *testing.T) {
	sig := strings.Repeat("ab", 32)
	upload := func(url, sha string, encodings []string, body string) library.Exchange {
		ex := exchange("PUT", url, "", 200, "text/plain", []byte("ok"), fixedNow)
		ex.Request.Header.Set("Content-Type", "application/json")
		ex.Request.Header.Set("X-Amz-Content-Sha256", sha)
		ex.Request.Header["Content-Encoding"] = encodings
		ex.Request.Body = []byte(body)
		return ex
	}
	minio := upload("http://127.0.0.1:9000/bkt/a.json", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", []string{"aws-chunked"},
		awsFramed(`{"id":7,"name":"Ada"}`, 8, sig, ""))
	sdk := upload("https://s3.example.com/bkt/b.json", "STREAMING-UNSIGNED-PAYLOAD-TRAILER", []string{"gzip", "aws-chunked"},
		awsFramed(string(gzipped(t, `{"rows":[1,2]}`)), 10, "", "x-amz-checksum-crc32:AAAAAA==\r\n"))
	minioGzip := upload("http://127.0.0.1:9000/bkt/c.json", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", []string{"aws-chunked,gzip"},
		awsFramed(string(gzipped(t, `{"c":true}`)), 16, sig, ""))
	empty := upload("http://127.0.0.1:9000/bkt/d.json", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", []string{"aws-chunked"},
		awsFramed("", 8, sig, ""))
	broken := upload("http://127.0.0.1:9000/bkt/e.json", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", []string{"aws-chunked"},
		"ff;chunk-signature="+sig+"\r\n{\"short\":1}\r\n0\r\n\r\n")
	// More than a trailer after the last chunk: data a reviewer would not
	// see if the payload alone were shown.
	smuggled := upload("http://127.0.0.1:9000/bkt/f.json", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", []string{"aws-chunked"},
		awsFramed(`{"a":1}`, 8, sig, "")+awsFramed(`{"hidden":2}`, 8, sig, ""))
	// A signed trailer with LF line ends (minio-go's), then the empty line.
	signedTrailer := upload("http://127.0.0.1:9000/bkt/g.json", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", []string{"aws-chunked"},
		awsFramed(`{"g":1}`, 8, sig, "x-amz-checksum-crc32c:sOO8/Q==\nx-amz-trailer-signature:"+sig+"\r\n"))
	path := t.TempDir() + "/api"
	writeExchanges(t, path, minio, sdk, minioGzip, empty, broken, smuggled, signedTrailer)

	tests := []struct {
		why  string
		ex   library.Exchange
		raw  bool
		want []string // in stdout, in this order
		not  []string
	}{
		{"minio-go: the payload of signed chunks, indented", minio, false,
			[]string{fmt.Sprintf("<%d bytes, application/json, aws-chunked>, shown decoded:\n{\n  \"id\": 7,\n  \"name\": \"Ada\"\n}\n", len(minio.Request.Body))},
			[]string{"chunk-signature", sig}},
		{"AWS SDK v2: gzip in chunks with a trailer, decoded", sdk, false,
			[]string{fmt.Sprintf("<%d bytes, application/json, gzip,aws-chunked>, shown decoded:\n{\n  \"rows\": [\n", len(sdk.Request.Body))},
			[]string{"x-amz-checksum-crc32"}},
		{"minio-go with gzip: decoded", minioGzip, false,
			[]string{"application/json, aws-chunked,gzip>, shown decoded:\n{\n  \"c\": true\n}\n"}, []string{sig}},
		{"an empty upload: said so", empty, false,
			[]string{fmt.Sprintf("<%d bytes, application/json, aws-chunked>, an empty payload\n", len(empty.Request.Body))}, []string{"shown decoded", sig}},
		{"a body not well framed: summarized only", broken, false,
			[]string{fmt.Sprintf("<%d bytes, application/json, aws-chunked>\n", len(broken.Request.Body))}, []string{"shown decoded", `"short"`}},
		{"more than a trailer after the last chunk: summarized only", smuggled, false,
			[]string{fmt.Sprintf("<%d bytes, application/json, aws-chunked>\n", len(smuggled.Request.Body))}, []string{"shown decoded", `"hidden"`}},
		{"a signed trailer with LF line ends: decoded", signedTrailer, false,
			[]string{"application/json, aws-chunked>, shown decoded:\n{\n  \"g\": 1\n}\n"}, []string{sig, "x-amz-checksum"}},
		{"-raw writes the body as stored", minio, true,
			[]string{string(minio.Request.Body)}, []string{"shown decoded"}},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			args := []string{"show", path, nameOf(tt.ex)}
			if tt.raw {
				args = append(args, "-raw")
			}
			code, stdout, stderr := runSync(t, args...)
			if code != exitOK || stderr != "" {
				t.Fatalf("run(%q) = %d, stderr %q; want 0 and none", args, code, stderr)
			}
			rest := stdout
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("run(%q) stdout lacks %q (in order):\n%s", args, w, stdout)
				}
				rest = rest[i+len(w):]
			}
			for _, n := range tt.not {
				if strings.Contains(stdout, n) {
					t.Errorf("run(%q) stdout has %q:\n%s", args, n, stdout)
				}
			}
		})
	}
}
