package replayserver_test

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strconv"
	"testing"

	"github.com/cassette-go/cassette/library"
)

// gzipPieces returns the gzip of pieces, sync-flushed after each, and the
// recorded chunks (one per piece; the last one ends with the trailer).
func gzipPieces(pieces ...string) ([]byte, []library.Chunk) {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	var chunks []library.Chunk
	prev := 0
	for i, p := range pieces {
		zw.Write([]byte(p))
		if i == len(pieces)-1 {
			zw.Close()
		} else {
			zw.Flush()
		}
		chunks = append(chunks, library.Chunk{Size: b.Len() - prev})
		prev = b.Len()
	}
	return b.Bytes(), chunks
}

// A gzip stream (recorded in pieces) to a client refusing gzip is decoded
// as a stream on both paths: with trailers, without chunks, two members,
// cut off while recording (a stream the client stopped has no gzip end:
// what it holds is sent decoded; found by a reviewer), and sent as
// recorded for a HEAD or a body with garbage after its gzip.
func TestGzipStreamDecodedForARefusingClient(t *testing.T) {
	stream, chunks := gzipPieces("data: a\n\n", "data: b\n\n", "data: c\n\n")
	// two gzip members, each its own chunk
	m1, m2 := gz([]byte("data: a\n\n")), gz([]byte("data: b\n\n"))
	members := append(append([]byte{}, m1...), m2...)
	garbage := append(append([]byte{}, stream...), "\x00junk"...)
	garbageChunks := append(append([]library.Chunk{}, chunks...), library.Chunk{Size: 5})
	cut := stream[:chunks[0].Size+chunks[1].Size] // a stream the client stopped: no end, no trailer
	identity := http.Header{"Accept-Encoding": {"identity"}}
	runParity(t, []parityCase{
		{
			name:   "gzip stream with trailers, decoded",
			reqHdr: identity,
			resp: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/plain"}},
				Trailer: http.Header{"X-Checksum": {"abc"}}, Body: stream, Chunks: chunks},
			check: func(t *testing.T, a clientView) {
				wantLength("", -1)(t, a)
				if a.Body != "data: a\n\ndata: b\n\ndata: c\n\n" || a.Trailer.Get("X-Checksum") != "abc" {
					t.Errorf("body %q, trailer %v", a.Body, a.Trailer)
				}
			},
		},
		{
			name:   "gzip event stream without chunks, decoded",
			reqHdr: identity,
			resp: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/event-stream"}},
				Body: stream},
			check: func(t *testing.T, a clientView) {
				if a.Body != "data: a\n\ndata: b\n\ndata: c\n\n" || a.Header.Get("Content-Encoding") != "" {
					t.Errorf("body %q, header %v", a.Body, a.Header)
				}
			},
		},
		{
			name:   "HEAD of a gzip stream",
			method: http.MethodHead,
			reqHdr: identity,
			resp: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/plain"}},
				Body: stream, Chunks: chunks},
		},
		{
			name:   "gzip stream with trailing garbage: sent as recorded",
			reqHdr: identity,
			resp: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/plain"}},
				Body: garbage, Chunks: garbageChunks},
			check: func(t *testing.T, a clientView) {
				if a.Body != string(garbage) || a.Header.Get("Content-Encoding") != "gzip" {
					t.Errorf("body %q, header %v; want as recorded", a.Body, a.Header)
				}
			},
		},
		{
			name:   "two gzip members, decoded",
			reqHdr: identity,
			resp: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/event-stream"}},
				Body: members, Chunks: []library.Chunk{{Size: len(m1)}, {Size: len(m2)}}},
			check: func(t *testing.T, a clientView) {
				if a.Body != "data: a\n\ndata: b\n\n" {
					t.Errorf("body %q", a.Body)
				}
			},
		},
		{
			name:   "a gzip event stream the client stopped while recording (no gzip end) to a client refusing gzip",
			reqHdr: identity,
			resp: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/event-stream"}},
				Body: cut, Chunks: chunks[:2]},
			check: func(t *testing.T, a clientView) {
				if a.Header.Get("Content-Encoding") != "" || a.Body != "data: a\n\ndata: b\n\n" {
					t.Errorf("Content-Encoding %q, body %q (%s bytes); want the events it had, decoded, to a client that refuses gzip",
						a.Header.Get("Content-Encoding"), a.Body, strconv.Itoa(len(a.Body)))
				}
			},
		},
	})
}
