package replayserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// TestRecordingOverHTTP2StoresABodyItsClientClosedEarly: over HTTP/2 (TLS)
// a client that closes a body of known length before its end resets its
// stream, and the server does not wait for that stream's handler when it
// closes. The rest, arriving after the client left, is still read and
// stored before the test's cleanup returns.
func TestRecordingOverHTTP2StoresABodyItsClientClosedEarly(t *testing.T) {
	const first, size = 1 << 20, 4 << 20
	rest := make(chan struct{})
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "4194304")
		w.Write(make([]byte, first))
		w.(http.Flusher).Flush()
		select {
		case <-rest:
			w.Write(make([]byte, size-first))
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(api.Close)
	path := t.TempDir()
	t.Run("record", func(t *testing.T) {
		t.Setenv(replayserver.EnvMode, "")
		srv := replayserver.New(t, path, replayserver.TLS(), replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(api.URL))
		resp, err := srv.Client().Get(srv.URL + "/download")
		if err != nil {
			t.Fatal(err)
		}
		if resp.ProtoMajor != 2 {
			t.Fatalf("answered over %s, want HTTP/2", resp.Proto)
		}
		if _, err := io.ReadFull(resp.Body, make([]byte, 64<<10)); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close() // resets the stream
		// Not a timed assertion: the rest comes once the test is ending
		// (well within the second the recorder waits for more of it).
		time.AfterFunc(300*time.Millisecond, func() { close(rest) })
	}) // the server's cleanup: closed, library saved
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int64
	for _, name := range libraryNames(t, path) {
		c, _, err := lib.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, ex := range c.Exchanges {
			if !strings.HasSuffix(ex.Request.URL, "/download") {
				continue
			}
			body, err := ex.Response.ReadBody()
			if err != nil {
				t.Fatal(err)
			}
			n := int64(len(body))
			sizes = append(sizes, n)
		}
	}
	if len(sizes) != 1 || sizes[0] != size {
		t.Errorf("when the recording test ended, the library held bodies of %v bytes for /download, want one of %d", sizes, size)
	}
}
