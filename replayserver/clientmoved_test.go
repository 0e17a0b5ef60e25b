package replayserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// srv.Client() sent Host and Transfer-Encoding set in a request's header
// under another spelling (req.Header["host"]) as Go's client sends any
// key it does not know: a second Host line, which the server answered
// 400 before any cassette was looked at, and framing the body lacks, so
// the server waited for chunks that never came. A request so made is
// named without them (as NewTransport names and answers it); srv.Client()
// now leaves them out, for the API's URLs and the server's own alike.
func TestClientSendsNoHostOrTransferEncodingFromTheHeader(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := filepath.Join(t.TempDir(), "api")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("POST", "https://api.example.com/v1/items", strings.NewReader("data"))
	if err := lib.Append(nameOf(req, []byte("data")), library.Exchange{
		Request:  library.Request{Method: "POST", URL: req.URL.String(), Header: http.Header{}, Body: []byte("data")},
		Response: library.Response{StatusCode: 201, Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte("created")},
	}); err != nil {
		t.Fatal(err)
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	srv := replayserver.New(t, path)
	// A server waiting for chunks that never come never answers: the
	// timeout only ends the test.
	c := srv.Client()
	c.Timeout = 30 * time.Second
	for _, base := range []string{"https://api.example.com", srv.URL} {
		for _, key := range []string{"host", "HOST", "transfer-encoding", "TRANSFER-ENCODING"} {
			req, _ := http.NewRequest("POST", base+"/v1/items", strings.NewReader("data"))
			req.Header[key] = []string{"chunked"}
			if strings.EqualFold(key, "Host") {
				req.Header[key] = []string{"elsewhere.example"}
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Errorf("POST %s/v1/items with header %q: %v", base, key, err)
				continue
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 201 || string(b) != "created" {
				t.Errorf("POST %s/v1/items with header %q = %d %q, want 201 \"created\"", base, key, resp.StatusCode, b)
			}
			if len(req.Header[key]) != 1 {
				t.Errorf("the caller's header lost %q: %v", key, req.Header)
			}
		}
	}
}
