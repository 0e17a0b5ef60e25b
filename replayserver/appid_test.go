package replayserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// Steam's appid is the number of a game, no key: redacted by default since
// OpenWeatherMap's appid is its key (6de5315), the news of two games
// shared one cassette, and replay answered each with the other's news
// when asked in another order. A number in appid is kept; a key (letters
// and digits) is still redacted.
func TestAnAppidThatIsANumberTellsCassettesApart(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "news of "+r.URL.Query().Get("appid"))
	}))
	defer api.Close()
	path := filepath.Join(t.TempDir(), "steam")
	get := func(t *testing.T, base, id string) string {
		t.Helper()
		resp, err := http.Get(base + "/ISteamNews/GetNewsForApp/v2/?appid=" + id)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	t.Run("record", func(t *testing.T) {
		srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(api.URL))
		get(t, srv.URL, "440")
		get(t, srv.URL, "570")
	})
	t.Run("replay", func(t *testing.T) {
		srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeReplay), replayserver.Upstream(api.URL), replayserver.Strict())
		for _, id := range []string{"570", "440"} {
			if got, want := get(t, srv.URL, id), "news of "+id; got != want {
				t.Errorf("GET ?appid=%s replayed %q, want %q", id, got, want)
			}
		}
	})
}
