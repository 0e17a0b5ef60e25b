package replayserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
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
			var logs logBook
			path := filepath.Join(t.TempDir(), "api")
			t.Run("record", func(t *testing.T) {
				srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(api.URL), logs.option())
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
			away := pastTheServer(&logs)
			switch {
			case tc.logged && len(away) != 1:
				t.Errorf("logged %d lines about the client leaving the server, want 1:\n%s", len(away), logs.String())
			case tc.logged && (!strings.Contains(away[0], "was answered 200 OK with Location") || !strings.Contains(away[0], "srv.Client()") || strings.Contains(away[0], "sekrit")):
				t.Errorf("the line does not name the answer and the remedy, or shows the token:\n%s", away[0])
			case !tc.logged && len(away) != 0:
				t.Errorf("logged, though the client stays with the server:\n%s", strings.Join(away, "\n"))
			}
		})
	}
}

// The answer is told if its client went past the server, whatever other
// clients did before or after: one through srv.Client() for the API's
// address before it, or one sent to the same place that came back.
func TestRecordingLogsAClientPastTheServerAmongOthers(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	var api *httptest.Server
	api = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/start" {
			http.Redirect(w, r, api.URL+"/next", http.StatusFound)
			return
		}
		io.WriteString(w, "done")
	}))
	defer api.Close()
	get := func(t *testing.T, c *http.Client, url string) {
		t.Helper()
		resp, err := c.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	for _, tc := range []struct {
		name  string
		first func(t *testing.T, srv *replayserver.Server)
	}{
		{"srv.Client() for the API's address before", func(t *testing.T, srv *replayserver.Server) { get(t, srv.Client(), api.URL+"/other") }},
		{"srv.Client() sent to the same place before, and back", func(t *testing.T, srv *replayserver.Server) { get(t, srv.Client(), srv.URL+"/start") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs logBook
			t.Run("record", func(t *testing.T) {
				srv := replayserver.New(t, filepath.Join(t.TempDir(), "api"), replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(api.URL), logs.option())
				tc.first(t, srv)
				get(t, http.DefaultClient, srv.URL+"/start") // follows the redirect to the API itself
			})
			if away := pastTheServer(&logs); len(away) != 1 || !strings.Contains(away[0], "was answered 302 Found with Location "+api.URL+"/next") {
				t.Errorf("logged %q; want one line about the plain client's redirect", away)
			}
		})
	}
}

// pastTheServer returns the lines of logs about a client sent past the
// server.
func pastTheServer(logs *logBook) []string {
	var away []string
	for _, l := range logs.Lines() {
		if strings.Contains(l, "past the server") {
			away = append(away, l)
		}
	}
	return away
}
