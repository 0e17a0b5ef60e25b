package recorder_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/cassette-go/cassette/recorder"
)

// A request whose ContentLength its body does not have is an error, as
// http.Transport returns for it (which, for a body in memory, sends
// nothing), and nothing is stored. A body over MaxBodySize used to be
// forwarded with the length as given: the upstream got a request cut to
// that length, which it could answer as a whole one, and the client got
// that answer where http.Transport alone fails.
func TestContentLengthNotTheBodys(t *testing.T) {
	const limit = 16
	for _, tc := range []struct {
		why           string
		contentLength int64
		size          int
		inMemory      bool // as http.NewRequest makes it: GetBody set
	}{
		{"over the limit, longer than its length, which is over the limit too", 20, 40, true},
		{"over the limit, longer than its length, which is under it", 8, 40, true},
		{"a stream over the limit, longer than its length over the limit", 20, 40, false},
		{"a stream over the limit, longer than its length under it", 8, 40, false},
		{"over the limit, shorter than its length", 40, 20, true},
		{"under the limit, longer than its length", 8, 12, true},
		{"under the limit, shorter than its length", 12, 8, true},
	} {
		t.Run(tc.why, func(t *testing.T) {
			var (
				mu   sync.Mutex
				cuts []int // bodies the upstream read to their end, of a wrong length
			)
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, err := io.ReadAll(r.Body)
				if err == nil {
					mu.Lock()
					cuts = append(cuts, len(b))
					mu.Unlock()
				}
				io.WriteString(w, "answered")
			}))
			defer api.Close()
			path := t.TempDir()
			rt := recorder.NewTransport(t, path, recorder.MaxBodySize(limit))

			sent := bytes.Repeat([]byte("x"), tc.size)
			req, err := http.NewRequest("POST", api.URL+"/upload", bytes.NewReader(sent))
			if err != nil {
				t.Fatal(err)
			}
			if !tc.inMemory {
				req.Body, req.GetBody = io.NopCloser(io.MultiReader(bytes.NewReader(sent))), nil
			}
			req.ContentLength = tc.contentLength
			body := req.Body
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
			if req.Body != body {
				t.Errorf("RoundTrip changed the caller's request body")
			}
			api.Close() // waits for the upstream's handler, if the request reached it
			if len(cuts) != 0 {
				t.Errorf("the upstream read a request body of %d bytes to its end; want none: the body has %d bytes", cuts[0], tc.size)
			}
			flush(t, rt)
			if lib := readLibrary(t, path); len(lib) != 0 {
				t.Errorf("library holds %d cassettes; want none", len(lib))
			}
		})
	}
}
