package replayserver_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/cassette-go/cassette/library"
)

// TestStatusLineOfAStatusWithoutText replays answers whose status has no
// standard text (a 599 some proxies send, a 299): the client's
// Response.Status is the one it gets from the replay server, and from
// the API through http.Transport ("599 status code 599", as a Go server
// writes it), not "599 " with nothing after it.
func TestStatusLineOfAStatusWithoutText(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "") // misses, as in replay mode, whatever mode the run sets
	for _, code := range []int{299, 418, 499, 599} {
		path, _ := parityLibrary(t, "GET", nil, library.Response{StatusCode: code, Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte("x")}, false)
		var want string
		for _, via := range []string{"New", "NewTransport"} {
			ft := newFakeTB(t)
			ft.do(func() {
				c := replayPaths[via](ft, path)
				resp, err := c.Get(parityURL)
				if err != nil {
					t.Errorf("%d via %s: %v", code, via, err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if via == "New" {
					want = resp.Status
				} else if resp.Status != want {
					t.Errorf("status %d via %s: Status %q, want %q as from the replay server", code, via, resp.Status, want)
				}
			})
			ft.finish()
			if e := ft.errors(); e != "" {
				t.Errorf("status %d via %s: %s", code, via, e)
			}
		}
	}
}
