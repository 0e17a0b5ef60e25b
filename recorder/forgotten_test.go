package recorder_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cassette-go/cassette/recorder"
)

// A response body the test never closes (a forgotten resp.Body.Close) is
// closed when the test ends and stored then, saying so in the log: before,
// the exchange was lost without a word, and the replay missed.
func TestABodyNeverClosedIsStoredWhenTheTestEnds(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/chunked" {
			w.Write([]byte(strings.Repeat("c", 100)))
			w.(http.Flusher).Flush()
			w.Write([]byte(strings.Repeat("d", 100)))
			return
		}
		io.WriteString(w, strings.Repeat("s", 500))
	}))
	defer api.Close()
	path := filepath.Join(t.TempDir(), "api")
	var (
		mu   sync.Mutex // guards logs
		logs []string
	)
	t.Run("record", func(t *testing.T) {
		rt := recorder.NewTransport(t, path, recorder.Logf(func(format string, args ...any) {
			mu.Lock()
			defer mu.Unlock()
			logs = append(logs, format)
		}))
		for _, p := range []string{"/sized", "/chunked"} {
			if _, err := (&http.Client{Transport: rt}).Get(api.URL + p); err != nil { // the body is never closed
				t.Fatal(err)
			}
		}
	})
	got := readLibrary(t, path)
	if len(got) != 2 {
		t.Fatalf("the library holds %d cassettes; want the 2 whose bodies were never closed", len(got))
	}
	for name, exs := range got {
		if n := len(exs[0].Response.Body); n != 500 && n != 200 {
			t.Errorf("%s: stored %d bytes; want the whole body", name, n)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(strings.Join(logs, "\n"), "never closed the response body") {
		t.Errorf("logged %q; want a line saying a body was never closed", logs)
	}
}
