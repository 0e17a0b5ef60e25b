package replayserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// A secret in the URL path (a Telegram bot token, a Slack webhook's key),
// redacted with RedactPath, is in no cassette, no file name and no miss
// report, and another token replays the same cassettes.
func TestRedactPathKeepsPathSecretsOutOfTheLibrary(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv("CI", "")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/sendPhoto") {
			w.Header().Set("Location", r.URL.Path+"/1")
			w.WriteHeader(http.StatusCreated)
		}
		io.WriteString(w, `{"ok":true}`)
	}))
	path := filepath.Join(t.TempDir(), "api")
	opt := replayserver.RedactPath(
		regexp.MustCompile(`^/bot([^/]+)/`),
		regexp.MustCompile(`^/services/[^/]+/[^/]+/([^/]+)$`),
	)
	calls := func(t *testing.T, base, token string) []int {
		var out []int
		for _, c := range []struct{ method, path string }{
			{"GET", "/bot" + token + "/getMe"},
			{"POST", "/bot" + token + "/sendPhoto"},
			{"POST", "/services/T000/B111/" + token},
		} {
			req, _ := http.NewRequest(c.method, base+c.path, strings.NewReader(`{"text":"hi"}`))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			out = append(out, resp.StatusCode)
		}
		return out
	}
	t.Run("record", func(t *testing.T) {
		srv := replayserver.New(t, path, replayserver.Upstream(api.URL), opt)
		calls(t, srv.URL, "123456:ALICEtoken")
	})
	api.Close()
	var stored strings.Builder
	filepath.Walk(path, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(p)
			stored.WriteString(p + "\n")
			stored.Write(b)
		}
		return nil
	})
	if strings.Contains(strings.ToLower(stored.String()), "alice") {
		t.Errorf("the library holds the token:\n%s", stored.String())
	}
	if !strings.Contains(stored.String(), "botREDACTED/sendPhoto/1") {
		t.Errorf("the Location header was not stored redacted:\n%s", stored.String())
	}
	t.Run("replay", func(t *testing.T) {
		srv := replayserver.New(t, path, replayserver.Strict(), opt)
		got := calls(t, srv.URL, "987654:BOBtoken")
		for i, want := range []int{200, 201, 200} {
			if got[i] != want {
				t.Errorf("call %d replayed %d with another token, want %d", i, got[i], want)
			}
		}
	})
	t.Run("miss", func(t *testing.T) {
		ft := newFakeTB(t)
		ft.do(func() {
			srv := replayserver.New(ft, path, opt)
			resp, err := http.Get(srv.URL + "/bot555:CAROLtoken/getUpdates")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 404 || strings.Contains(string(b), "CAROL") {
				t.Errorf("miss answered %d, with the token in it: %v\n%s", resp.StatusCode, strings.Contains(string(b), "CAROL"), b)
			}
		})
		ft.finish()
		if strings.Contains(ft.errors(), "CAROL") {
			t.Errorf("the test failure holds the token:\n%s", ft.errors())
		}
	})
}
