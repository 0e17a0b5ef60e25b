package replayserver_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cassette-go/cassette/internal/fullduplex"
	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// NewTransport recording a request whose ContentLength its body (in
// memory, as http.NewRequest makes it) does not have fails it, as
// http.Transport does, and stores nothing. It used to send a body under
// MaxBodySize with its true length instead, and store it, where the
// caller's client without the recorder fails; and one over the limit with
// the length given, so that the upstream got, and answered, a request cut
// to it.
func TestNewTransportRecordContentLengthNotTheBodys(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	const limit = 16
	for _, tc := range []struct {
		why           string
		contentLength int64
		size          int
	}{
		{"under the limit, longer than its length", 8, 12},
		{"under the limit, shorter than its length", 12, 8},
		{"over the limit, longer than its length", limit, 40},
		{"over the limit, longer than its length, which is over the limit too", 20, 40},
		{"over the limit, shorter than its length", 40, 20},
	} {
		t.Run(tc.why, func(t *testing.T) {
			var (
				mu   sync.Mutex
				read []int // bodies the upstream read to their end
			)
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, err := io.ReadAll(r.Body)
				if err == nil {
					mu.Lock()
					read = append(read, len(b))
					mu.Unlock()
				}
				io.WriteString(w, "answered")
			}))
			defer api.Close()
			path := filepath.Join(t.TempDir(), "api")
			t.Cleanup(func() {
				// After the transport's cleanup, which saves what it stored.
				lib, err := library.Open(path)
				if err != nil {
					t.Fatal(err)
				}
				if names, _ := lib.Names(); len(names) != 0 {
					t.Errorf("library holds %q; want nothing stored", names)
				}
			})
			rt := replayserver.NewTransport(t, path, replayserver.WithMode(replayserver.ModeRecord), replayserver.MaxBodySize(limit))

			req, err := http.NewRequest("POST", api.URL+"/upload", bytes.NewReader(bytes.Repeat([]byte("x"), tc.size)))
			if err != nil {
				t.Fatal(err)
			}
			req.ContentLength = tc.contentLength
			resp, err := rt.RoundTrip(req)
			if resp != nil {
				got, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				t.Errorf("RoundTrip(POST, ContentLength %d, %d bytes) = %d %q; want an error", tc.contentLength, tc.size, resp.StatusCode, got)
			}
			want := fmt.Sprintf("http: ContentLength=%d with Body length %d", tc.contentLength, tc.size)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("RoundTrip(POST, ContentLength %d, %d bytes) error = %v; want one saying %q", tc.contentLength, tc.size, err, want)
			}
			api.Close() // waits for the upstream's handler, if the request reached it
			if len(read) != 0 {
				t.Errorf("the upstream read a request body of %d bytes to its end; want none: the request has a ContentLength of %d and %d bytes", read[0], tc.contentLength, tc.size)
			}
		})
	}
}

// NewTransport recording a stream over MaxBodySize as long as its
// ContentLength says, whose writer waits for the answer before it closes
// the body, gets the answer as from http.Transport (and stores nothing:
// the body is over the limit). The recorder's check of the length used to
// hold back the last bytes of it until the body ended, and the round trip
// waited for ever on the writer waiting for it.
func TestNewTransportRecordStreamOfItsLengthIsAnswered(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	const limit, size = 16, 40
	api := fullduplex.API(t)
	path := filepath.Join(t.TempDir(), "api")
	ft := newFakeTB(t) // the exchange over the limit, not stored, fails it
	defer ft.finish()
	rt := replayserver.NewTransport(ft, path, replayserver.WithMode(replayserver.ModeRecord), replayserver.MaxBodySize(limit))
	fullduplex.Check(t, rt, api.URL+"/upload", size)
}

// NewTransport recording a request whose body is http.NoBody sends it
// without a body whatever its ContentLength, as http.Transport and
// recorder.NewTransport do (http.Transport reads the length of NoBody as
// 0). It used to give the recorder an empty body of that length, which
// failed it: "http: ContentLength=5 with Body length 0".
func TestNewTransportRecordNoBodyWithALength(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "read %d", len(b))
	}))
	defer api.Close()
	path := filepath.Join(t.TempDir(), "api")
	c := &http.Client{Transport: replayserver.NewTransport(t, path, replayserver.WithMode(replayserver.ModeRecord))}
	req, err := http.NewRequest("POST", api.URL+"/empty", http.NoBody)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = 5
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("POST %s/empty (http.NoBody, ContentLength 5): %v; want it sent without a body, as http.Transport sends it", api.URL, err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(got) != "read 0" {
		t.Errorf("POST %s/empty (http.NoBody, ContentLength 5) = %d %q, want 200 \"read 0\"", api.URL, resp.StatusCode, got)
	}
}
