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
	"time"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// ends runs end and reports whether it returned within a minute: a test
// that hangs would otherwise stop the whole run at its deadline, ten
// minutes later, without saying why.
func ends(end func()) bool {
	done := make(chan struct{})
	go func() {
		end()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(time.Minute):
		return false
	}
}

// A test that never closes a response body the server is still sending
// ends: the server cuts the request off when the test ends. Before, the
// end of the test waited for it, forever for an endless stream being
// recorded, or a replayed body larger than the connection's buffers. An
// endless stream is stored as far as it had come.
func TestTheEndOfATestCutsOffABodyItNeverClosed(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	testEnd := make(chan struct{})
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for i := 0; ; i++ { // until its client leaves, or the test ends
			select {
			case <-testEnd:
				return
			default:
			}
			if _, err := fmt.Fprintf(w, "data: %d\n\n", i); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
	}))
	defer api.Close()
	defer close(testEnd) // first
	big := filepath.Join(t.TempDir(), "big")
	lib, err := library.Open(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := lib.Append("GET_api.example.com_443_big", library.Exchange{
		Request:  library.Request{Method: "GET", URL: "https://api.example.com/big"},
		Response: library.Response{StatusCode: 200, Body: []byte(strings.Repeat("b", 64<<20))},
	}); err != nil {
		t.Fatal(err)
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	recorded := filepath.Join(t.TempDir(), "api")
	for _, tc := range []struct {
		name, path, url string
		opts            []replayserver.Option
	}{
		{"recording an endless stream", recorded, "/events", []replayserver.Option{replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(api.URL)}},
		{"replaying a body larger than the buffers", big, "/big", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ft := newFakeTB(t)
			ft.do(func() {
				srv := replayserver.New(ft, tc.path, tc.opts...)
				resp, err := http.Get(srv.URL + tc.url)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := bufio.NewReader(resp.Body).ReadString('\n'); err != nil && tc.url == "/events" {
					t.Fatal(err)
				} // and the body is never closed
			})
			if !ends(ft.finish) {
				t.Fatal("the end of the test still waits for the request after a minute")
			}
			if ft.Failed() {
				t.Errorf("the test failed: %s", ft.errors())
			}
		})
	}
	got, err := library.Open(recorded)
	if err != nil {
		t.Fatal(err)
	}
	names, _ := got.Names()
	if len(names) != 1 {
		t.Fatalf("recorded %q; want the stream's cassette", names)
	}
	c, _, err := got.Get(names[0])
	if err != nil || len(c.Exchanges) != 1 {
		t.Fatalf("stored %d exchange(s) (%v); want the stream as far as it had come", len(c.Exchanges), err)
	}
	// Past 8 MiB (the client's socket buffers may take more than that
	// before the cut) the stream is stored in a body file: read it from
	// where it is.
	body, size, err := c.Exchanges[0].Response.OpenBody()
	if err != nil {
		t.Fatal(err)
	}
	defer body.Close()
	start := make([]byte, len("data: 0\n\n"))
	if _, err := io.ReadFull(body, start); err != nil || string(start) != "data: 0\n\n" {
		t.Errorf("stored a body of %d bytes starting %q (%v); want the stream as far as it had come, from its first event", size, start, err)
	}
}
