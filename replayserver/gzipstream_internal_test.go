package replayserver

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
)

// decodedPieces replays body (recorded in chunks, gzip-encoded) to a
// client refusing gzip with RecordedTiming and a fake sleep, and returns
// the waits and what had been read when each wait began (and at the end).
func decodedPieces(t *testing.T, body []byte, chunks []library.Chunk, viaTransport bool) (waits []time.Duration, got []string) {
	t.Helper()
	t.Setenv(EnvMode, "")
	path := filepath.Join(t.TempDir(), "lib.json")
	lib, _ := library.Open(path)
	stream := httptest.NewRequest("GET", "http://api.example.com/stream", nil)
	lib.Append(naming.Name(stream, nil, naming.Default()), library.Exchange{
		Request: library.Request{Method: "GET", URL: stream.URL.String(), Header: http.Header{"Accept-Encoding": {"gzip"}}},
		Response: library.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/event-stream"}, "Content-Encoding": {"gzip"}},
			Body: body, Chunks: chunks},
	})
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	stream.Header.Set("Accept-Encoding", "identity")
	h, err := newHandler(path, viaTransport, []Option{RecordedTiming()})
	if err != nil {
		t.Fatal(err)
	}
	var pending bytes.Buffer
	h.sleep = func(_ context.Context, d time.Duration) bool {
		got = append(got, pending.String())
		pending.Reset()
		waits = append(waits, d.Round(time.Hour))
		return true
	}
	if viaTransport {
		resp, err := (&transport{h: h}).RoundTrip(stream.Clone(context.Background()))
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 64)
		for {
			n, err := resp.Body.Read(buf)
			pending.Write(buf[:n])
			if err != nil {
				break
			}
		}
	} else {
		w := &pieceRecorder{ResponseRecorder: httptest.NewRecorder(), pending: &pending}
		h.ServeHTTP(w, stream.Clone(context.Background()))
	}
	got = append(got, pending.String())
	return waits, got
}

// A stream gzipped one member per event (each event its own gzip, as a
// server compressing each message does), concatenated: each member's
// event is read before the next member's time is waited for (it came one
// piece late: the decoder looked for the next member's header first;
// found by a reviewer).
func TestRecordedTimingOfConcatenatedGzipMembersDecoded(t *testing.T) {
	var body []byte
	var chunks []library.Chunk
	for i, ev := range []string{"data: a\n\n", "data: b\n\n", "data: c\n\n"} {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write([]byte(ev))
		zw.Close()
		body = append(body, b.Bytes()...)
		chunks = append(chunks, library.Chunk{Size: b.Len(), At: time.Duration(i+1) * time.Hour})
	}
	for _, viaTransport := range []bool{false, true} {
		waits, got := decodedPieces(t, body, chunks, viaTransport)
		want := []string{"", "data: a\n\n", "data: b\n\n", "data: c\n\n"}
		if !cmp.Equal(waits, []time.Duration{time.Hour, 2 * time.Hour, 3 * time.Hour}) || !cmp.Equal(got, want) {
			t.Errorf("transport=%v: waits %v, read before each wait and at the end %q; want %q", viaTransport, waits, got, want)
		}
	}
}

// nginx sends the 10-byte gzip header as a chunk of its own: the first
// event should still be read before the last piece's time.
func TestRecordedTimingOfAGzipHeaderInItsOwnChunk(t *testing.T) {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Flush() // header + empty sync block
	var chunks []library.Chunk
	chunks = append(chunks, library.Chunk{Size: b.Len(), At: time.Hour})
	prev := b.Len()
	zw.Write([]byte("data: a\n\n"))
	zw.Flush()
	chunks = append(chunks, library.Chunk{Size: b.Len() - prev, At: 2 * time.Hour})
	prev = b.Len()
	zw.Write([]byte("data: b\n\n"))
	zw.Close()
	chunks = append(chunks, library.Chunk{Size: b.Len() - prev, At: 3 * time.Hour})
	for _, viaTransport := range []bool{false, true} {
		waits, got := decodedPieces(t, b.Bytes(), chunks, viaTransport)
		want := []string{"", "", "data: a\n\n", "data: b\n\n"}
		if !cmp.Equal(waits, []time.Duration{time.Hour, 2 * time.Hour, 3 * time.Hour}) || !cmp.Equal(got, want) {
			t.Errorf("transport=%v: waits %v, read before each wait and at the end %q; want %q", viaTransport, waits, got, want)
		}
	}
}

// A client that cancels while the decoded stream waits for a piece ends
// the handler (fake sleep that blocks until the context is done).
func TestCancelEndsADecodedGzipStream(t *testing.T) {
	t.Setenv(EnvMode, "")
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte("data: a\n\n"))
	zw.Flush()
	c1 := b.Len()
	zw.Write([]byte("data: b\n\n"))
	zw.Close()
	chunks := []library.Chunk{{Size: c1, At: 0}, {Size: b.Len() - c1, At: time.Hour}}
	path := filepath.Join(t.TempDir(), "lib.json")
	lib, _ := library.Open(path)
	stream := httptest.NewRequest("GET", "http://api.example.com/stream", nil)
	lib.Append(naming.Name(stream, nil, naming.Default()), library.Exchange{
		Request: library.Request{Method: "GET", URL: stream.URL.String()},
		Response: library.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/event-stream"}, "Content-Encoding": {"gzip"}},
			Body: b.Bytes(), Chunks: chunks},
	})
	lib.Save()
	stream.Header.Set("Accept-Encoding", "identity")
	for _, viaTransport := range []bool{false, true} {
		h, _ := newHandler(path, viaTransport, []Option{RecordedTiming()})
		ctx, cancel := context.WithCancel(context.Background())
		h.sleep = func(ctx context.Context, d time.Duration) bool {
			if d > time.Minute {
				cancel()
				<-ctx.Done()
				return false
			}
			return true
		}
		if viaTransport {
			resp, err := (&transport{h: h}).RoundTrip(stream.Clone(ctx))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(resp.Body)
			if string(got) != "data: a\n\n" || err != context.Canceled {
				t.Errorf("transport: %q, %v", got, err)
			}
		} else {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, stream.Clone(ctx))
			if w.Body.String() != "data: a\n\n" {
				t.Errorf("server: %q", w.Body.String())
			}
		}
		cancel()
	}
}
