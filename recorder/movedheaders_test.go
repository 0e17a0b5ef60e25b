package recorder_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
	"github.com/cassette-go/cassette/replayserver"
)

// Go's client sends neither Host nor Transfer-Encoding from a request's
// header, but it sends another spelling of their keys as it is:
// req.Header["host"] went as a second Host line, which a Go server
// answers 400 "too many Host headers" (and the recorder stored that), and
// req.Header["transfer-encoding"] as framing the body does not have, so
// the server waited for chunks that never came. The recorders send and
// store neither, under any spelling, as Go's client ignores the canonical
// key: the API gets the request once, as Go sends it without them, and
// the cassette replays.
func TestRecordersSendNoHostOrTransferEncodingFromTheHeader(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Answer before reading the body: a body framed as chunks it
		// does not hold would never end.
		fmt.Fprintf(w, "host %q, transfer-encoding %q, length %d", r.Host, r.TransferEncoding, r.ContentLength)
		w.(http.Flusher).Flush()
	}))
	defer api.Close()
	host := strings.TrimPrefix(api.URL, "http://")
	want := fmt.Sprintf("host %q, transfer-encoding [], length 4", host)
	for _, key := range []string{"host", "HOST", "Host", "transfer-encoding", "TRANSFER-ENCODING", "Transfer-Encoding"} {
		t.Run(key, func(t *testing.T) {
			path := t.TempDir()
			rt := recorder.NewTransport(t, path)
			// A server waiting for chunks that never come never answers.
			c := &http.Client{Transport: rt, Timeout: 10 * time.Second}
			send := func(c *http.Client) (int, string) {
				req, _ := http.NewRequest("POST", api.URL+"/v1/items", strings.NewReader("data"))
				req.Header[key] = []string{"chunked"}
				if strings.EqualFold(key, "Host") {
					req.Header[key] = []string{"elsewhere.example"}
				}
				req.Header.Set("X-Other", "kept")
				return sendOwn(t, c, req)
			}
			if status, body := send(c); status != 200 || body != want {
				t.Errorf("recorder.NewTransport: POST with header %q = %d %q, want 200 %q", key, status, body, want)
			}
			if err := rt.(io.Closer).Close(); err != nil {
				t.Fatal(err)
			}
			lib, err := library.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			names, err := lib.Names()
			if err != nil || len(names) != 1 {
				t.Fatalf("library holds %q (%v), want one cassette", names, err)
			}
			cas, _, err := lib.Get(names[0])
			if err != nil {
				t.Fatal(err)
			}
			for _, ex := range cas.Exchanges {
				for k := range ex.Request.Header {
					if strings.EqualFold(k, key) {
						t.Errorf("cassette %s stores %s: %q", names[0], k, ex.Request.Header[k])
					}
				}
				if ex.Request.Header.Get("X-Other") != "kept" {
					t.Errorf("cassette %s lost the request's other headers: %v", names[0], ex.Request.Header)
				}
			}
			replay := &http.Client{Transport: replayserver.NewTransport(t, path, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict())}
			if status, body := send(replay); status != 200 || body != want {
				t.Errorf("replaying what recorder.NewTransport recorded: POST with header %q = %d %q, want 200 %q", key, status, body, want)
			}
		})
	}
}
