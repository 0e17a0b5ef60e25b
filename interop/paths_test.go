package interop

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cassette-go/cassette/recorder"
	"github.com/cassette-go/cassette/replayserver"
)

// A path is a way for a client to record or replay: it returns the base
// URL to give the client and the client to use.
type path struct {
	name string
	open func(t *testing.T, lib, upstream string) (base string, client *http.Client)
}

// recordPaths are every way to record: the replay server and the
// recorder's proxy (their own clients), and the two recording transports.
var recordPaths = []path{
	{"replayserver.New", func(t *testing.T, lib, up string) (string, *http.Client) {
		srv := replayserver.New(t, lib, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(up))
		return srv.URL, srv.Client()
	}},
	{"replayserver.New with TLS", func(t *testing.T, lib, up string) (string, *http.Client) {
		srv := replayserver.New(t, lib, replayserver.TLS(), replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(up))
		return srv.URL, srv.Client()
	}},
	{"recorder.New", func(t *testing.T, lib, up string) (string, *http.Client) {
		rec := recorder.New(t, up, lib)
		return rec.URL, rec.Client()
	}},
	{"recorder.NewTransport", func(t *testing.T, lib, up string) (string, *http.Client) {
		return up, &http.Client{Transport: recorder.NewTransport(t, lib)}
	}},
	{"replayserver.NewTransport", func(t *testing.T, lib, up string) (string, *http.Client) {
		return up, &http.Client{Transport: replayserver.NewTransport(t, lib, replayserver.WithMode(replayserver.ModeRecord))}
	}},
}

// replayPaths are every way to replay, in strict mode, each answer once.
var replayPaths = []path{
	{"replayserver.New", func(t *testing.T, lib, up string) (string, *http.Client) {
		srv := replayserver.New(t, lib, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict(), replayserver.NoRepeat())
		return srv.URL, srv.Client()
	}},
	{"replayserver.New with TLS", func(t *testing.T, lib, up string) (string, *http.Client) {
		srv := replayserver.New(t, lib, replayserver.TLS(), replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict(), replayserver.NoRepeat())
		return srv.URL, srv.Client()
	}},
	{"replayserver.NewTransport", func(t *testing.T, lib, up string) (string, *http.Client) {
		return up, &http.Client{Transport: replayserver.NewTransport(t, lib, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict(), replayserver.NoRepeat())}
	}},
}

// TestEveryPathReplaysWhatAnyPathRecorded runs the sessions of the gin,
// go-github, stripe-go and reverse proxy tests through every way to record
// and then every way to replay, the API gone: a library replays the same
// whichever path recorded it and whichever replays it, over HTTP/1.1,
// HTTP/2 and in process.
//
// The gin and go-github sessions follow a redirect to an absolute URL on
// the API's own host, which takes a client of recorder.New's proxy past
// it (the recorder logs it; README, "Recording workflow"): they are not
// recorded through it.
func TestEveryPathReplaysWhatAnyPathRecorded(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	type session struct {
		name        string
		start       func(t *testing.T) (url string, stop func(), calls *atomic.Int64)
		run         func(t *testing.T, base string, c *http.Client) []string
		leavesProxy bool // follows a redirect to the API's own address
	}
	handler := func(newAPI func() http.Handler) func(t *testing.T) (string, func(), *atomic.Int64) {
		return func(t *testing.T) (string, func(), *atomic.Int64) {
			var calls atomic.Int64
			api := newAPI() // its state (a rate limit) anew
			up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				api.ServeHTTP(w, r)
			}))
			t.Cleanup(up.Close)
			return up.URL, up.Close, &calls
		}
	}
	sessions := []session{
		{"gin", handler(ginAPI), ginSession, true},
		{"go-github", handler(githubAPI), func(t *testing.T, base string, c *http.Client) []string {
			return githubSession(t, base, c.Transport)
		}, true},
		{"stripe-go on fasthttp", func(t *testing.T) (string, func(), *atomic.Int64) {
			api := &fakeStripe{}
			url, stop := startFastHTTP(t, api.serve)
			return url, stop, &api.calls
		}, stripeSession, false},
		{"fasthttp", func(t *testing.T) (string, func(), *atomic.Int64) {
			var calls atomic.Int64
			url, stop := startFastHTTP(t, inventory(&calls))
			return url, stop, &calls
		}, inventorySession, false},
	}
	for _, s := range sessions {
		for _, rp := range recordPaths {
			if s.leavesProxy && rp.name == "recorder.New" {
				continue
			}
			for _, pp := range replayPaths {
				t.Run(s.name+"/"+rp.name+" to "+pp.name, func(t *testing.T) {
					lib := filepath.Join(t.TempDir(), "lib")
					up, stop, calls := s.start(t)
					var want []string
					if !t.Run("record", func(t *testing.T) {
						base, c := rp.open(t, lib, up)
						want = s.run(t, base, c)
					}) {
						return
					}
					live := calls.Load()
					stop()
					t.Run("replay", func(t *testing.T) {
						base, c := pp.open(t, lib, up)
						if got := s.run(t, base, c); strings.Join(got, "\n") != strings.Join(want, "\n") {
							t.Errorf("replay saw\n%s\nrecording saw\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
						}
					})
					if n := calls.Load(); n != live {
						t.Errorf("the API got %d requests during replay, want none", n-live)
					}
				})
			}
		}
	}
}
