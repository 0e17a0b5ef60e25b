package replayserver_test

import (
	"fmt"
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

// An API authenticated by a query parameter repeats it in the URLs of its
// Link header, which clients follow page by page (GitHub's API did, with
// ?access_token=). The token was redacted in the request URL but stored
// as sent in the Link: it is redacted there too, and following the
// recorded links still replays every page, with anyone's token.
func TestLinkHeaderSecretsAreRedacted(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv(replayserver.EnvCI, "")
	var api *httptest.Server
	api = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := r.URL.Query().Get("access_token")
		if tok == "" {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		page := r.URL.Query().Get("page")
		if page == "1" {
			w.Header().Set("Link", fmt.Sprintf(`<%s/items?page=2&access_token=%s>; rel="next", <%[1]s/items?page=2&access_token=%[2]s>; rel="last"`, api.URL, tok))
		}
		fmt.Fprintf(w, "page %s", page)
	}))
	defer api.Close()
	path := filepath.Join(t.TempDir(), "api")
	next := regexp.MustCompile(`<([^>]*)>; rel="next"`)
	// pages follows the links from the first page, as a paging client does.
	pages := func(t *testing.T, c *http.Client, token string) string {
		t.Helper()
		var got []string
		for u := api.URL + "/items?page=1&access_token=" + token; u != ""; {
			resp, err := c.Get(u)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			got = append(got, string(b))
			u = ""
			if m := next.FindStringSubmatch(resp.Header.Get("Link")); m != nil {
				u = m[1]
			}
		}
		return strings.Join(got, ", ")
	}
	t.Run("record", func(t *testing.T) {
		c := &http.Client{Transport: replayserver.NewTransport(t, path, replayserver.WithMode(replayserver.ModeRecord))}
		if got := pages(t, c, "s3cret-of-alice"); got != "page 1, page 2" {
			t.Errorf("recording: got %q, want page 1, page 2", got)
		}
	})
	api.Close()
	filepath.Walk(path, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		if b, _ := os.ReadFile(p); strings.Contains(string(b)+p, "s3cret-of-alice") {
			t.Errorf("%s holds the token:\n%s", p, b)
		}
		return nil
	})
	t.Run("replay with another token", func(t *testing.T) {
		c := &http.Client{Transport: replayserver.NewTransport(t, path, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict())}
		if got := pages(t, c, "s3cret-of-bob"); got != "page 1, page 2" {
			t.Errorf("replay: got %q, want page 1, page 2", got)
		}
	})
}
