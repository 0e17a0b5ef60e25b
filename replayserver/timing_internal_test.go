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

// sleepless returns a handler of the library at path whose sleeps return
// at once, noting each wait, in hours, in the slice returned.
func sleepless(t *testing.T, path string, viaTransport bool, opts ...Option) (*Handler, *[]time.Duration) {
	t.Helper()
	h, err := newHandler(path, viaTransport, opts)
	if err != nil {
		t.Fatal(err)
	}
	waits := new([]time.Duration)
	h.sleep = func(_ context.Context, d time.Duration) bool {
		// Round away the little time the test itself takes.
		*waits = append(*waits, d.Round(time.Hour))
		return true
	}
	return h, waits
}

// TestRecordedTimingWaitsForEachPiece checks what the handler waits for,
// through a fake sleep: no test here depends on the clock.
func TestRecordedTimingWaitsForEachPiece(t *testing.T) {
	t.Setenv(EnvMode, "")
	path := filepath.Join(t.TempDir(), "lib.json")
	lib, _ := library.Open(path)
	stream := httptest.NewRequest("GET", "http://api.example.com/stream", nil)
	plain := httptest.NewRequest("GET", "http://api.example.com/plain", nil)
	lib.Append(naming.Name(stream, nil, naming.Default()), library.Exchange{
		Request: library.Request{Method: "GET", URL: stream.URL.String()},
		Response: library.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/event-stream"}},
			Body: []byte("data: a\n\ndata: b\n\n"), Chunks: []library.Chunk{{Size: 9, At: time.Hour}, {Size: 9, At: 2 * time.Hour}}},
	})
	lib.Append(naming.Name(plain, nil, naming.Default()), library.Exchange{
		Request:  library.Request{Method: "GET", URL: plain.URL.String()},
		Response: library.Response{StatusCode: 200, Body: []byte("x")},
		Latency:  3 * time.Hour,
	})
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	for _, timing := range []bool{false, true} {
		opts := []Option{}
		if timing {
			opts = append(opts, RecordedTiming())
		}
		for _, viaTransport := range []bool{false, true} {
			h, waits := sleepless(t, path, viaTransport, opts...)
			for _, r := range []*http.Request{stream, plain} {
				if viaTransport {
					resp, err := (&transport{h: h}).RoundTrip(r.Clone(context.Background()))
					if err != nil {
						t.Fatal(err)
					}
					io.ReadAll(resp.Body)
				} else {
					h.ServeHTTP(httptest.NewRecorder(), r.Clone(context.Background()))
				}
			}
			var want []time.Duration
			if timing {
				want = []time.Duration{time.Hour, 2 * time.Hour, 3 * time.Hour}
			}
			if diff := cmp.Diff(want, *waits); diff != "" {
				t.Errorf("timing=%v transport=%v: waits (-want +got):\n%s", timing, viaTransport, diff)
			}
		}
	}
}

// An event stream gzip-encoded by a compressing proxy (nginx with gzip on
// text/event-stream) has its events in the decoded bytes: replay follows
// its recorded chunks, each at its time. It looked for blank lines in the
// gzip, found none, and sent the whole stream at the time of its last
// chunk (found by a probe with nginx).
func TestRecordedTimingOfAGzipEventStream(t *testing.T) {
	t.Setenv(EnvMode, "")
	var body []byte
	var chunks []library.Chunk
	{
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		for i, ev := range []string{"data: a\n\n", "data: b\n\n", "data: c\n\n"} {
			zw.Write([]byte(ev))
			if i == 2 {
				zw.Close()
			} else {
				zw.Flush() // as nginx flushes each piece it is given
			}
			chunks = append(chunks, library.Chunk{Size: b.Len() - len(body), At: time.Duration(i+1) * time.Hour})
			body = bytes.Clone(b.Bytes())
		}
	}
	path := filepath.Join(t.TempDir(), "lib.json")
	lib, _ := library.Open(path)
	stream := httptest.NewRequest("GET", "http://api.example.com/stream", nil)
	stream.Header.Set("Accept-Encoding", "gzip")
	lib.Append(naming.Name(stream, nil, naming.Default()), library.Exchange{
		Request: library.Request{Method: "GET", URL: stream.URL.String()},
		Response: library.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/event-stream"}, "Content-Encoding": {"gzip"}},
			Body: body, Chunks: chunks},
	})
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	for _, viaTransport := range []bool{false, true} {
		h, waits := sleepless(t, path, viaTransport, RecordedTiming())
		var got []byte
		if viaTransport {
			resp, err := (&transport{h: h}).RoundTrip(stream.Clone(context.Background()))
			if err != nil {
				t.Fatal(err)
			}
			got, _ = io.ReadAll(resp.Body)
		} else {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, stream.Clone(context.Background()))
			got = w.Body.Bytes()
		}
		if want := []time.Duration{time.Hour, 2 * time.Hour, 3 * time.Hour}; !cmp.Equal(*waits, want) || !bytes.Equal(got, body) {
			t.Errorf("transport=%v: waits %v, %d bytes; want %v and the %d bytes of gzip", viaTransport, *waits, len(got), want, len(body))
		}
	}
}

// The same stream to a client that refuses gzip (Python's urllib) is
// decoded piece by piece, each at its time: it was decoded whole, sent with
// a length after its last piece's time (found by a probe with nginx).
func TestRecordedTimingOfAGzipStreamDecoded(t *testing.T) {
	events := []string{"data: a\n\n", "data: b\n\n", "data: c\n\n"}
	var body []byte
	var chunks []library.Chunk
	{
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		for i, ev := range events {
			zw.Write([]byte(ev))
			if i == len(events)-1 {
				zw.Close()
			} else {
				zw.Flush()
			}
			chunks = append(chunks, library.Chunk{Size: b.Len() - len(body), At: time.Duration(i+1) * time.Hour})
			body = bytes.Clone(b.Bytes())
		}
	}
	for _, viaTransport := range []bool{false, true} {
		waits, got := decodedPieces(t, body, chunks, viaTransport)
		if want := []time.Duration{time.Hour, 2 * time.Hour, 3 * time.Hour}; !cmp.Equal(waits, want) || !cmp.Equal(got, append([]string{""}, events...)) {
			t.Errorf("transport=%v: waits %v, read before each wait and at the end %q; want %v and %q, one by one", viaTransport, waits, got, want, events)
		}
	}
}

// pieceRecorder is a ResponseRecorder that also keeps what was written in
// pending, for a fake sleep to take.
type pieceRecorder struct {
	*httptest.ResponseRecorder
	pending *bytes.Buffer
}

func (w *pieceRecorder) Write(b []byte) (int, error) {
	w.pending.Write(b)
	return w.ResponseRecorder.Write(b)
}
