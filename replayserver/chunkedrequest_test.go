package replayserver_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// TestTransportRecordingKeepsAChunkedRequestChunked records, through
// NewTransport, a request whose body's length the client did not know
// (sent chunked, as http.Transport sends a body from a pipe or any other
// reader): it reaches the API chunked, as the client sent it and as the
// replay server recording forwards it, not with a Content-Length the
// client never sent.
func TestTransportRecordingKeepsAChunkedRequestChunked(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%q length=%d te=%v", b, r.ContentLength, r.TransferEncoding)
	}))
	defer api.Close()
	send := func(c *http.Client, url string, body io.Reader) string {
		req, _ := http.NewRequest("PUT", url+"/upload", body)
		resp, err := c.Do(req)
		if err != nil {
			return err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	for _, tc := range []struct {
		name string
		body func() io.Reader
	}{
		{"unknown length", func() io.Reader { return io.MultiReader(strings.NewReader("abc"), strings.NewReader("def")) }},
		{"known length", func() io.Reader { return strings.NewReader("abcdef") }},
		{"unknown length, empty", func() io.Reader { return io.MultiReader() }},
		{"no body", func() io.Reader { return nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := send(http.DefaultClient, api.URL, tc.body())
			rt := replayserver.NewTransport(t, filepath.Join(t.TempDir(), "api"), replayserver.WithMode(replayserver.ModeRecord))
			if got := send(&http.Client{Transport: rt}, api.URL, tc.body()); got != want {
				t.Errorf("through NewTransport recording the API saw %s, want %s as sent directly", got, want)
			}
		})
	}
}
