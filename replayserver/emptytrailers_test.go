package replayserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/internal/h2api"
	"github.com/cassette-go/cassette/replayserver"
)

// An HTTP/2 API's answer with an empty body (Content-Length: 0, or
// nothing written) and trailers after it, announced or not: recorded
// through replayserver.New in every recording mode, over HTTP/2, it
// replays with its trailers, over HTTP/1.1, h2c and in process. The
// recorder stored it as soon as its header came, before the trailers:
// replay had none.
func TestAnEmptyAnswerWithTrailersFromAnHTTP2APIReplaysWithThem(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv("CI", "")
	api := httptest.NewUnstartedServer(h2api.EmptyWithTrailers)
	api.EnableHTTP2 = true
	api.StartTLS()
	defer api.Close()
	h2c := &http.Transport{Protocols: new(http.Protocols)}
	h2c.Protocols.SetUnencryptedHTTP2(true)
	defer h2c.CloseIdleConnections()
	trailerOf := func(t *testing.T, c *http.Client, url string) string {
		t.Helper()
		resp, err := c.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || len(b) != 0 {
			t.Errorf("GET %s: %d %q, want 200 and an empty body", url, resp.StatusCode, b)
		}
		return trailersOf(resp.Trailer)
	}
	const want = `X-Sum: ["v"]`
	for _, mode := range []replayserver.Mode{replayserver.ModeRecord, replayserver.ModeOnce, replayserver.ModeRerecord} {
		for _, path := range h2api.EmptyPaths {
			dir := filepath.Join(t.TempDir(), "api")
			t.Run(string(mode)+path+" recording", func(t *testing.T) {
				srv := replayserver.New(t, dir, replayserver.WithMode(mode), replayserver.TLS(),
					replayserver.Upstream(api.URL), replayserver.UpstreamTransport(api.Client().Transport))
				if got := trailerOf(t, srv.Client(), srv.URL+path); got != want {
					t.Errorf("recording over HTTP/2, the client got trailers [%s], want [%s]", got, want)
				}
			})
			t.Run(string(mode)+path+" replaying", func(t *testing.T) {
				srv := replayserver.New(t, dir, replayserver.WithMode(replayserver.ModeReplay))
				for name, c := range map[string]*http.Client{"HTTP/1.1": srv.Client(), "h2c": {Transport: h2c}} {
					if got := trailerOf(t, c, srv.URL+path); got != want {
						t.Errorf("replaying over %s, the client got trailers [%s], want [%s]", name, got, want)
					}
				}
				tr := replayserver.NewTransport(t, dir, replayserver.WithMode(replayserver.ModeReplay))
				if got := trailerOf(t, &http.Client{Transport: tr}, api.URL+path); got != want {
					t.Errorf("replaying in process, the client got trailers [%s], want [%s]", got, want)
				}
			})
		}
	}
}
