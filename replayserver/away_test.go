package replayserver_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// Recording, an answer that sends a client sent to the server's URL on
// to the API itself (an absolute redirect, a resumable upload's session)
// is logged once: what the client sends there is not recorded. Through
// srv.Client(), which sends every host to the server, nothing is lost and
// nothing is logged.
func TestRecordingLogsAnAnswerThatSendsTheClientPastTheServer(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	var api *httptest.Server
	api = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/start" {
			w.Header().Set("Location", api.URL+"/upload?upload_id=1&access_token=sekrit")
			return // a 200, as Google Cloud Storage starts a resumable upload
		}
		io.WriteString(w, "done")
	}))
	defer api.Close()
	for _, tc := range []struct {
		name   string
		client func(srv *replayserver.Server) (*http.Client, string)
		logged bool
	}{
		{"plain client", func(srv *replayserver.Server) (*http.Client, string) { return http.DefaultClient, srv.URL }, true},
		{"srv.Client", func(srv *replayserver.Server) (*http.Client, string) { return srv.Client(), api.URL }, false},
		{"srv.Client sent to srv.URL", func(srv *replayserver.Server) (*http.Client, string) { return srv.Client(), srv.URL }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var logs []string
			logf := func(format string, args ...any) {
				mu.Lock()
				defer mu.Unlock()
				logs = append(logs, fmt.Sprintf(format, args...))
			}
			path := filepath.Join(t.TempDir(), "api")
			t.Run("record", func(t *testing.T) {
				srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(api.URL), replayserver.Logf(logf))
				c, base := tc.client(srv)
				for range 2 {
					resp, err := c.Post(base+"/start", "text/plain", nil)
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					up, err := c.Post(resp.Header.Get("Location"), "text/plain", strings.NewReader("chunk"))
					if err != nil {
						t.Fatal(err)
					}
					io.Copy(io.Discard, up.Body)
					up.Body.Close()
				}
			})
			mu.Lock()
			defer mu.Unlock()
			var away []string
			for _, l := range logs {
				if strings.Contains(l, "past the server") {
					away = append(away, l)
				}
			}
			switch {
			case tc.logged && len(away) != 1:
				t.Errorf("logged %d lines about the client leaving the server, want 1:\n%s", len(away), strings.Join(logs, "\n"))
			case tc.logged && (!strings.Contains(away[0], "was answered 200 OK with Location") || !strings.Contains(away[0], "srv.Client()") || strings.Contains(away[0], "sekrit")):
				t.Errorf("the line does not name the answer and the remedy, or shows the token:\n%s", away[0])
			case !tc.logged && len(away) != 0:
				t.Errorf("logged, though the client stays with the server:\n%s", strings.Join(away, "\n"))
			}
		})
	}
}
