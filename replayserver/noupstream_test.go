package replayserver_test

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// A client with hard-coded URLs records through srv.Client() without
// Upstream: each request goes to its own URL. Only a request sent to the
// server's own address needs Upstream, and without it that one request
// is answered 502 and fails the test, saying what to set; before, the
// server refused to start at all in a forwarding mode.
func TestForwardingModesWithoutUpstream(t *testing.T) {
	for _, mode := range []replayserver.Mode{replayserver.ModeRecord, replayserver.ModeRerecord, replayserver.ModePassthrough} {
		t.Run(string(mode), func(t *testing.T) {
			t.Setenv(replayserver.EnvMode, "")
			up := startUpstream(t)
			path := filepath.Join(t.TempDir(), "api")
			ft := newFakeTB(t)
			ft.do(func() {
				srv := replayserver.New(ft, path, replayserver.WithMode(mode))
				resp, err := srv.Client().Get(up.URL + "/json")
				if err != nil {
					t.Fatalf("GET %s/json through srv.Client(): %v", up.URL, err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !strings.Contains(string(b), "Lyon") {
					t.Errorf("through srv.Client(): %d %q; want the upstream's answer", resp.StatusCode, b)
				}
			})
			ft.finish()
			if ft.Failed() {
				t.Errorf("a request with the API's own URL failed the test: %s", ft.errors())
			}

			// A request sent to the server's own address has nowhere to go.
			ot := newFakeTB(t)
			ot.do(func() {
				srv := replayserver.New(ot, filepath.Join(t.TempDir(), "other"), replayserver.WithMode(mode))
				resp, err := http.Get(srv.URL + "/json")
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusBadGateway || !strings.Contains(string(b), "replayserver.Upstream(url)") {
					t.Errorf("a request to the server's own address: %d %q; want 502 naming Upstream", resp.StatusCode, b)
				}
			})
			ot.finish()
			if !strings.Contains(ot.errors(), "sent to the server's own address and no replayserver.Upstream(url) says where to") {
				t.Errorf("failures = %q; want the request to the server's own address to fail the test, naming Upstream", ot.errors())
			}
			if mode == replayserver.ModePassthrough {
				return
			}
			// What was recorded replays.
			rt := newFakeTB(t)
			rt.do(func() {
				srv := replayserver.New(rt, path, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict())
				up.Close()
				resp, err := srv.Client().Get(up.URL + "/json")
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !strings.Contains(string(b), "Lyon") {
					t.Errorf("replayed: %d %q; want the recorded answer", resp.StatusCode, b)
				}
			})
			rt.finish()
			if rt.Failed() {
				t.Errorf("replay failed: %s", rt.errors())
			}
		})
	}
}
