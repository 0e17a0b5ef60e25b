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

	"github.com/cassette-go/cassette/internal/fullduplex"
	"github.com/cassette-go/cassette/recorder"
)

// A request whose ContentLength its body does not have is an error, as
// http.Transport returns for it (which, for a body in memory, sends
// nothing), and nothing is stored. A body over MaxBodySize used to be
// forwarded with the length as given: the upstream got a request cut to
// that length, which it could answer as a whole one, and the client got
// that answer where http.Transport alone fails. A stream over the limit
// that goes on past a length over it is the exception, as from
// http.Transport: the upstream has the whole length before the stream is
// seen to go on (its writer may wait for the answer before it ends it:
// see TestStreamOfItsLengthIsAnsweredBeforeItEnds), and may answer before
// the round trip fails.
func TestContentLengthNotTheBodys(t *testing.T) {
	const limit = 16
	for _, tc := range []struct {
		why           string
		contentLength int64
		size          int
		inMemory      bool // as http.NewRequest makes it: GetBody set
		mayAnswer     bool // the upstream may have the length and answer it, as through http.Transport
	}{
		{"over the limit, longer than its length, which is over the limit too", 20, 40, true, false},
		{"over the limit, longer than its length, which is under it", 8, 40, true, false},
		{"a stream over the limit, longer than its length over the limit", 20, 40, false, true},
		{"a stream over the limit, longer than its length under it", 8, 40, false, false},
		{"over the limit, shorter than its length", 40, 20, true, false},
		{"a stream over the limit, shorter than its length", 40, 20, false, false},
		{"under the limit, longer than its length", 8, 12, true, false},
		{"under the limit, shorter than its length", 12, 8, true, false},
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
			opts := []recorder.Option{recorder.MaxBodySize(limit)}
			if tc.mayAnswer {
				// Answered, it is an exchange over the limit, not stored.
				opts = append(opts, recorder.OnError(func(err error) {
					if !strings.Contains(err.Error(), "request body is larger than the 16 B limit") {
						t.Errorf("OnError(%v); want only the body over the limit", err)
					}
				}))
			}
			rt := recorder.NewTransport(t, path, opts...)

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
				if !tc.mayAnswer {
					t.Errorf("RoundTrip(POST, ContentLength %d, %d bytes) = %d %q; want an error", tc.contentLength, tc.size, resp.StatusCode, got)
				}
			}
			want := fmt.Sprintf("http: ContentLength=%d with Body length %d", tc.contentLength, tc.size)
			if (err != nil || !tc.mayAnswer) && (err == nil || !strings.Contains(err.Error(), want)) {
				t.Errorf("RoundTrip(POST, ContentLength %d, %d bytes) error = %v; want one saying %q", tc.contentLength, tc.size, err, want)
			}
			if req.Body != body {
				t.Errorf("RoundTrip changed the caller's request body")
			}
			api.Close() // waits for the upstream's handler, if the request reached it
			if len(cuts) != 0 && !tc.mayAnswer {
				t.Errorf("the upstream read a request body of %d bytes to its end; want none: the body has %d bytes", cuts[0], tc.size)
			}
			flush(t, rt)
			if lib := readLibrary(t, path); len(lib) != 0 {
				t.Errorf("library holds %d cassettes; want none", len(lib))
			}
		})
	}
}

// A stream over MaxBodySize as long as its ContentLength says, whose
// writer waits for the answer before it closes the body (a full-duplex
// client, or one that closes its pipe once answered), is answered as
// http.Transport answers it: the upstream gets the whole length and
// answers, and the body ends after. The check of a length the body goes
// past used to hold back the last bytes of the length until the body was
// seen to end, so that the upstream never had them, and the round trip
// waited for ever on a writer waiting for it.
func TestStreamOfItsLengthIsAnsweredBeforeItEnds(t *testing.T) {
	const limit, size = 16, 40
	api := fullduplex.API(t)
	var reported errs
	rt := recorder.NewTransport(t, t.TempDir(), recorder.MaxBodySize(limit), recorder.OnError(reported.add))
	fullduplex.Check(t, rt, api.URL+"/upload", size)
}
