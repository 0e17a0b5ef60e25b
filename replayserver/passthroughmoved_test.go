package replayserver_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cassette-go/cassette/replayserver"
)

// In passthrough, NewTransport sent Host and Transfer-Encoding set in a
// request's header under another spelling (req.Header["host"]) as Go's
// client sends any key it does not know: a second Host line, which a Go
// server answers 400, and framing the body lacks, so the server waited
// for chunks that never came. The recorder of the other modes leaves
// them out; passthrough does too now.
func TestPassthroughTransportSendsNoHostOrTransferEncodingFromTheHeader(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Answer before reading the body: a body framed as chunks it
		// does not hold would never end.
		fmt.Fprintf(w, "host %q, transfer-encoding %q, length %d", r.Host, r.TransferEncoding, r.ContentLength)
		w.(http.Flusher).Flush()
	}))
	defer api.Close()
	want := fmt.Sprintf("host %q, transfer-encoding [], length 4", strings.TrimPrefix(api.URL, "http://"))
	for _, key := range []string{"host", "HOST", "transfer-encoding", "TRANSFER-ENCODING"} {
		t.Run(key, func(t *testing.T) {
			t.Setenv(replayserver.EnvMode, "")
			rt := replayserver.NewTransport(t, t.TempDir(), replayserver.WithMode(replayserver.ModePassthrough))
			// A server waiting for chunks that never come never answers:
			// the timeout only ends the test.
			c := &http.Client{Transport: rt, Timeout: 30 * time.Second}
			req, _ := http.NewRequest("POST", api.URL+"/v1/items", strings.NewReader("data"))
			req.Header[key] = []string{"chunked"}
			if strings.EqualFold(key, "Host") {
				req.Header[key] = []string{"elsewhere.example"}
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatalf("POST with header %q: %v", key, err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || string(b) != want {
				t.Errorf("POST with header %q = %d %q, want 200 %q", key, resp.StatusCode, b, want)
			}
			if len(req.Header[key]) != 1 {
				t.Errorf("the caller's header lost %q: %v", key, req.Header)
			}
		})
	}
}
