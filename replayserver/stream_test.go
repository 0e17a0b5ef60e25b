package replayserver_test

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// sseUpstream streams three events, writing each only after the test has
// read the one before through the recording server: recording streams, it
// does not wait for the end of the body.
func sseUpstream(t *testing.T) (*httptest.Server, chan struct{}) {
	next := make(chan struct{})
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-cache")
		for i := 1; i <= 3; i++ {
			if i > 1 {
				select {
				case <-next:
				case <-r.Context().Done():
					return
				}
			}
			fmt.Fprintf(w, "event: token\ndata: {\"n\":%d}\n\n", i)
			w.(http.Flusher).Flush()
		}
	}))
	t.Cleanup(s.Close)
	return s, next
}

func readEvent(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	var b strings.Builder
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("reading an event: %v (so far %q)", err, b.String())
		}
		b.WriteString(line)
		if line == "\n" {
			return b.String()
		}
	}
}

// flushSpy records what a handler writes between flushes.
type flushSpy struct {
	*httptest.ResponseRecorder
	pieces []string
	cur    strings.Builder
}

func (s *flushSpy) Write(p []byte) (int, error) {
	s.cur.Write(p)
	return s.ResponseRecorder.Write(p)
}

func (s *flushSpy) Flush() {
	s.pieces = append(s.pieces, s.cur.String())
	s.cur.Reset()
	s.ResponseRecorder.Flush()
}

func TestEventStreamIsRecordedWholeAndReplayedEventByEvent(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	up, next := sseUpstream(t)
	path := filepath.Join(t.TempDir(), "llm.yaml")

	ft := newFakeTB(t)
	ft.do(func() {
		srv := replayserver.New(ft, path, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(up.URL))
		resp, err := http.Get(srv.URL + "/v1/stream")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		r := bufio.NewReader(resp.Body)
		for i := 1; i <= 3; i++ {
			if got := readEvent(t, r); !strings.Contains(got, fmt.Sprintf(`{"n":%d}`, i)) {
				t.Errorf("recording: event %d = %q", i, got)
			}
			if i < 3 {
				next <- struct{}{} // the upstream writes the next event only now
			}
		}
		io.Copy(io.Discard, r)
	})
	ft.finish()
	if ft.Failed() {
		t.Fatalf("recording failed: %s", ft.errors())
	}

	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	names, _ := lib.Names()
	c, _, err := lib.Get(names[0])
	if err != nil {
		t.Fatal(err)
	}
	resp := c.Exchanges[0].Response
	if !resp.ChunksValid() || len(resp.Chunks) != 3 {
		t.Errorf("stored chunks = %v for a body of %d bytes, want 3 valid chunks", resp.Chunks, len(resp.Body))
	}

	srv := replayserver.New(t, path)
	spy := &flushSpy{ResponseRecorder: httptest.NewRecorder()}
	srv.Config.Handler.ServeHTTP(spy, httptest.NewRequest("GET", "http://127.0.0.1:1/v1/stream", nil))
	want := []string{
		"event: token\ndata: {\"n\":1}\n\n",
		"event: token\ndata: {\"n\":2}\n\n",
		"event: token\ndata: {\"n\":3}\n\n",
	}
	if diff := cmp.Diff(want, spy.pieces); diff != "" {
		t.Errorf("replayed stream, flush by flush (-want +got):\n%s", diff)
	}
	if got := spy.Header().Get("Content-Length"); got != "" {
		t.Errorf("a replayed stream has Content-Length %s", got)
	}

	// Over a real connection the client reads the same events.
	hr, err := http.Get(srv.URL + "/v1/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer hr.Body.Close()
	r := bufio.NewReader(hr.Body)
	for i := range want {
		if got := readEvent(t, r); got != want[i] {
			t.Errorf("replayed event %d = %q, want %q", i+1, got, want[i])
		}
	}
}

func TestChunkedBodyIsReplayedChunkByChunk(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path := filepath.Join(t.TempDir(), "lib.json")
	lib, _ := library.Open(path)
	req := httptest.NewRequest("GET", "http://api.example.com/export", nil)
	lib.Append(nameOf(req, nil), library.Exchange{
		Request: library.Request{Method: "GET", URL: req.URL.String()},
		Response: library.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/csv"}},
			Body: []byte("a,b\n1,2\n3,4\n"), Chunks: []library.Chunk{{Size: 4, At: 1}, {Size: 4, At: 2}, {Size: 4, At: 3}}},
	})
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	srv := replayserver.New(t, path)
	spy := &flushSpy{ResponseRecorder: httptest.NewRecorder()}
	srv.Config.Handler.ServeHTTP(spy, httptest.NewRequest("GET", "http://api.example.com/export", nil))
	if diff := cmp.Diff([]string{"a,b\n", "1,2\n", "3,4\n"}, spy.pieces); diff != "" {
		t.Errorf("replayed chunks (-want +got):\n%s", diff)
	}
}
