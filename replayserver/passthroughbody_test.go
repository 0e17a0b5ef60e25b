package replayserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// countingBody is a request body of size zero bytes, made as it is read,
// that counts how many it has given.
type countingBody struct {
	size int64
	read atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	left := b.size - b.read.Load()
	if left <= 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), left)]
	clear(p)
	b.read.Add(int64(len(p)))
	return len(p), nil
}

// Passthrough names and stores nothing, so it forwards a request body as
// it comes: the replay server and NewTransport read a body whole into
// memory before forwarding it (an upload of gigabytes, in memory, and
// again as the copy sent on), which the recorder, holding no more than
// MaxBodySize of it, never does (found by a review). The upstream gets the
// first bytes of the body before the client has given the last.
func TestPassthroughStreamsTheRequestBody(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	const size = 64 << 20                 // more than the sockets between client and upstream hold
	var body atomic.Pointer[countingBody] // the body being sent
	var givenAtFirstRead atomic.Int64
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [1]byte
		if _, err := io.ReadFull(r.Body, b[:]); err == nil {
			givenAtFirstRead.Store(body.Load().read.Load())
		}
		n, _ := io.Copy(io.Discard, r.Body)
		if n+1 != size {
			t.Errorf("upstream got %d bytes, want %d", n+1, size)
		}
	}))
	defer up.Close()
	path := filepath.Join(t.TempDir(), "api")
	for _, tc := range []struct {
		name   string
		client func(t *testing.T) (*http.Client, string)
	}{
		{"replay server", func(t *testing.T) (*http.Client, string) {
			srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModePassthrough), replayserver.Upstream(up.URL))
			return srv.Client(), srv.URL
		}},
		{"NewTransport", func(t *testing.T) (*http.Client, string) {
			return &http.Client{Transport: replayserver.NewTransport(t, path, replayserver.WithMode(replayserver.ModePassthrough))}, up.URL
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client, base := tc.client(t)
			b := &countingBody{size: size}
			body.Store(b)
			givenAtFirstRead.Store(-1)
			resp, err := client.Post(base+"/upload", "application/octet-stream", b)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := givenAtFirstRead.Load(); got < 0 || got >= size {
				t.Errorf("POST of %d bytes in passthrough: the client had given %d when the upstream read the first, want fewer (the body streamed)", size, got)
			}
		})
	}
}
