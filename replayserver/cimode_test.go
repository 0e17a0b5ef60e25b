package replayserver_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// Only the default mode, once, keeps from recording in CI. A WithMode that
// forwards (record, rerecord, passthrough), left in a test, reaches the API
// in CI too, as asked: the log says so, and how to record instead. A mode
// chosen for the run (CASSETTE_MODE) is not logged: it is on purpose.
func TestAForwardingModeInCIIsLogged(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer api.Close()
	for _, c := range []struct {
		name   string
		opt    replayserver.Mode
		env    string
		logged bool
	}{
		{"record", replayserver.ModeRecord, "", true},
		{"rerecord", replayserver.ModeRerecord, "", true},
		{"passthrough", replayserver.ModePassthrough, "", true},
		{"replay", replayserver.ModeReplay, "", false},
		{"once", replayserver.ModeOnce, "", false},
		{"env-record", "", "record", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("CI", "true")
			t.Setenv(replayserver.EnvMode, c.env)
			var mu sync.Mutex
			var logs []string
			logf := replayserver.Logf(func(format string, args ...any) {
				mu.Lock()
				defer mu.Unlock()
				logs = append(logs, fmt.Sprintf(format, args...))
			})
			path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/v1/x")
			srv := replayserver.New(t, path, replayserver.WithMode(c.opt), replayserver.Upstream(api.URL), logf)
			srv.Close()
			mu.Lock()
			defer mu.Unlock()
			all := strings.Join(logs, "\n")
			if got := strings.Contains(all, "CI is set, and WithMode"); got != c.logged {
				t.Errorf("logged the mode in CI = %v, want %v:\n%s", got, c.logged, all)
			}
			if c.logged && !strings.Contains(all, "CASSETTE_MODE="+string(c.opt)) {
				t.Errorf("the log does not say how to record instead:\n%s", all)
			}
		})
	}
}
