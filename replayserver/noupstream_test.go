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

// TestMissReportHintFitsHowTheRequestCame: the miss report of a request
// for another host (through srv.Client()) says that recording it needs
// only CASSETTE_MODE=record; one sent to the server's own address, with no
// Upstream, says to set Upstream too. The first used to ask for Upstream.
func TestMissReportHintFitsHowTheRequestCame(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	up := startUpstream(t)
	path := filepath.Join(t.TempDir(), "api")
	record(t, up, path)
	for _, tc := range []struct {
		name      string
		get       func(srv *replayserver.Server) (*http.Response, error)
		want, not string
	}{
		{"through srv.Client()",
			func(srv *replayserver.Server) (*http.Response, error) {
				return srv.Client().Get("https://api.example.com/missing")
			},
			"to record it, run the test with CASSETTE_MODE=record: a request for another host (sent through srv.Client() or srv.Transport()) then goes to that host and is stored (cassette serve: -mode record -upstream URL).",
			"replayserver.Upstream(url)"},
		{"to the server's own address",
			func(srv *replayserver.Server) (*http.Response, error) { return http.Get(srv.URL + "/missing") },
			"to record it, run with CASSETTE_MODE=record and replayserver.Upstream(url) set to the real API",
			"srv.Client()"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ft := newFakeTB(t)
			ft.do(func() {
				srv := replayserver.New(ft, path, replayserver.WithMode(replayserver.ModeReplay))
				resp, err := tc.get(srv)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(b), tc.want) || strings.Contains(string(b), tc.not) {
					t.Errorf("miss: %d, report:\n%s\nwant 404 saying %q, not %q", resp.StatusCode, b, tc.want, tc.not)
				}
			})
			ft.finish()
			if !ft.Failed() {
				t.Error("the miss did not fail the test")
			}
		})
	}
}
