package interop

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// recordReplay is the cycle every SDK test goes through. It starts api as
// the "real API", runs record (given the API's URL) and checks that the
// session saw want and that the API got live requests, closes the API,
// then runs replay (given the URL the API had) and checks that it saw want
// again without a request reaching the API.
func recordReplay(t *testing.T, api http.Handler, live int64, want []string, record, replay func(t *testing.T, upstream string) []string) {
	t.Helper()
	var calls atomic.Int64
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		api.ServeHTTP(w, r)
	}))
	defer upstream.Close()
	recordReplayAt(t, upstream.URL, upstream.Close, &calls, live, want, record, replay)
}

// recordReplayAt is recordReplay for an API that is not an http.Handler
// (a fasthttp server): it is at url, stop closes it, and calls counts the
// requests it got.
func recordReplayAt(t *testing.T, url string, stop func(), calls *atomic.Int64, live int64, want []string, record, replay func(t *testing.T, upstream string) []string) {
	t.Helper()
	check := func(t *testing.T, phase string, got []string) {
		t.Helper()
		if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
			t.Errorf("%s saw\n%s\nwant\n%s", phase, g, w)
		}
	}
	if !t.Run("record", func(t *testing.T) { check(t, "recording", record(t, url)) }) {
		return
	}
	if n := calls.Load(); n != live {
		t.Fatalf("the API got %d requests while recording, want %d", n, live)
	}
	stop()
	t.Run("replay", func(t *testing.T) { check(t, "replay", replay(t, url)) })
	if n := calls.Load(); n != live {
		t.Errorf("the API got %d requests during replay, want none", n-live)
	}
}
