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

// A stream of one gzip member per message that the client stopped while
// the next member's 10-byte header was arriving: what it holds decodes
// (the first message), as for a stream cut inside a member or its trailer
// (it was sent as raw gzip; found by a reviewer).
func TestGzipStreamCutInsideAMemberHeader(t *testing.T) {
	m1, m2 := gz([]byte("data: a\n\n")), gz([]byte("data: b\n\n"))
	cutTrailer := append(append([]byte{}, m1...), m2[:len(m2)-3]...)
	cutHeader := append(append([]byte{}, m1...), m2[:5]...)
	identity := http.Header{"Accept-Encoding": {"identity"}}
	want := func(body string) func(t *testing.T, a clientView) {
		return func(t *testing.T, a clientView) {
			if a.Header.Get("Content-Encoding") != "" || a.Body != body {
				t.Errorf("Content-Encoding %q, body %q; want %q decoded", a.Header.Get("Content-Encoding"), a.Body, body)
			}
		}
	}
	runParity(t, []parityCase{
		{
			name: "cut inside the second member's trailer", reqHdr: identity,
			resp: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/event-stream"}},
				Body: cutTrailer, Chunks: []library.Chunk{{Size: len(m1)}, {Size: len(m2) - 3}}},
			check: want("data: a\n\ndata: b\n\n"),
		},
		{
			name: "cut inside the second member's header", reqHdr: identity,
			resp: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/event-stream"}},
				Body: cutHeader, Chunks: []library.Chunk{{Size: len(m1)}, {Size: 5}}},
			check: want("data: a\n\n"),
		},
	})
}

// oddGzipBodies are gzip bodies cut, joined or damaged in every way a
// reviewer could think of.
func oddGzipBodies() map[string][]byte {
	plain := bytes.Repeat([]byte("odd gzip bodies, "), 500)
	m := gz(plain)
	m2 := gz([]byte("second member"))
	badCRC := bytes.Clone(m)
	badCRC[len(badCRC)-8] ^= 0xff
	badSize := bytes.Clone(m)
	badSize[len(badSize)-1] ^= 0xff
	badHdr := bytes.Clone(m)
	badHdr[2] = 7 // not deflate
	emptyMember := gz(nil)
	return map[string][]byte{
		"only a gzip header":          m[:10],
		"cut inside the header":       m[:5],
		"truncated member":            m[:len(m)/2],
		"cut inside the trailer":      m[:len(m)-3],
		"cut before the trailer":      m[:len(m)-8],
		"two members":                 append(bytes.Clone(m), m2...),
		"empty member then member":    append(bytes.Clone(emptyMember), m2...),
		"member then garbage":         append(bytes.Clone(m), []byte("garbage after the member")...),
		"member then one zero":        append(bytes.Clone(m), 0),
		"member then 32 zeros":        append(bytes.Clone(m), make([]byte, 32)...),
		"member then 5 bytes of next": append(bytes.Clone(m), m2[:5]...),
		"member then next truncated":  append(bytes.Clone(m), m2[:len(m2)-4]...),
		"bad checksum":                badCRC,
		"bad size":                    badSize,
		"bad header":                  badHdr,
		"not gzip":                    []byte("plain text, not gzip at all"),
		"empty member":                emptyMember,
	}
}

// NewTransport decodes each odd gzip body for a caller that did not ask
// for gzip as http.Transport does from the server: the same bytes, the
// same error.
func TestGzipOddBodiesDecodedAsHTTPTransportDoes(t *testing.T) {
	var cases []parityCase
	for name, body := range oddGzipBodies() {
		cases = append(cases, parityCase{
			name: name,
			resp: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/plain"}}, Body: body},
		})
	}
	cases = append(cases, parityCase{
		name: "empty body",
		resp: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/plain"}}},
	})
	runParity(t, cases)
}
