//go:build scratch

package replayserver_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cassette-go/cassette/library"
)

func TestScratchGzipParity(t *testing.T) {
	plain := []byte(strings.Repeat("gzip me, ", 100))
	zipped := gz(plain)
	ev := []byte("data: 1\n\ndata: 2\n\n")
	id := http.Header{"Accept-Encoding": {"identity"}}
	runParity(t, []parityCase{
		{name: "plain gzip identity", reqHdr: id,
			resp: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/plain"}}, Body: zipped}},
		{name: "gzip with trailers identity", reqHdr: id,
			resp: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/plain"}}, Trailer: http.Header{"X-Checksum": {"abc"}}, Body: zipped}},
		{name: "gzip event stream identity", reqHdr: id,
			resp: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/event-stream"}}, Body: gz(ev)}},
		{name: "gzip chunks identity", reqHdr: id,
			resp: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/plain"}}, Body: zipped,
				Chunks: []library.Chunk{{Size: 10, At: time.Millisecond}, {Size: len(zipped) - 10, At: 2 * time.Millisecond}}}},
		{name: "HEAD gzip identity", reqHdr: id, method: http.MethodHead,
			resp: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Length": {"77"}, "Content-Type": {"text/plain"}}}},
		{name: "204 gzip identity", reqHdr: id,
			resp: library.Response{StatusCode: 204, Header: http.Header{"Content-Encoding": {"gzip"}}}},
		{name: "304 gzip identity", reqHdr: id,
			resp: library.Response{StatusCode: 304, Header: http.Header{"Content-Encoding": {"gzip"}, "Etag": {`"x"`}}}},
		{name: "undecodable identity", reqHdr: id,
			resp: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/plain"}}, Body: []byte("not gzip")}},
		{name: "truncated gzip identity", reqHdr: id,
			resp: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/plain"}}, Body: zipped[:len(zipped)-4]}},
		{name: "empty AE", reqHdr: http.Header{"Accept-Encoding": {""}},
			resp: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/plain"}}, Body: zipped}},
		{name: "range identity", reqHdr: http.Header{"Accept-Encoding": {"identity"}, "Range": {"bytes=0-10"}},
			resp: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/plain"}}, Body: zipped}},
		{name: "x-gzip no AE",
			resp: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"x-gzip"}, "Content-Type": {"text/plain"}}, Body: zipped}},
		{name: "GZIP upper no AE",
			resp: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"GZIP"}, "Content-Type": {"text/plain"}}, Body: zipped}},
		{name: "lowercase content-encoding identity", reqHdr: id,
			resp: library.Response{StatusCode: 200, Header: http.Header{"content-encoding": {"gzip"}, "Content-Type": {"text/plain"}}, Body: zipped}},
		{name: "no content-type identity", reqHdr: id,
			resp: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}}, Body: zipped}},
	})
}
