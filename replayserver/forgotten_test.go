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

// A response body that a test recording through NewTransport never closes
// (a forgotten resp.Body.Close) is closed when the test ends and stored
// then, saying so in the log; before, the exchange was lost without a
// word, and the replay missed. A body the test closed is not named in the
// log.
func TestTransportStoresABodyNeverClosedWhenTheTestEnds(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/chunked":
			w.Write([]byte(strings.Repeat("c", 100)))
			w.(http.Flusher).Flush()
			w.Write([]byte(strings.Repeat("d", 100)))
		default:
			io.WriteString(w, strings.Repeat("s", 500))
		}
	}))
	defer api.Close()
	want := map[string]string{
		"/sized":   strings.Repeat("s", 500),
		"/chunked": strings.Repeat("c", 100) + strings.Repeat("d", 100),
		"/closed":  strings.Repeat("s", 500),
	}
	for _, mode := range []replayserver.Mode{replayserver.ModeRecord, replayserver.ModeRerecord} {
		t.Run(string(mode), func(t *testing.T) {
			t.Setenv("CASSETTE_MODE", "")
			path := filepath.Join(t.TempDir(), "api")
			var logs logBook
			t.Run("record", func(t *testing.T) {
				c := &http.Client{Transport: replayserver.NewTransport(t, path, replayserver.WithMode(mode), logs.option())}
				for _, p := range []string{"/sized", "/chunked", "/closed"} {
					resp, err := c.Get(api.URL + p) // the body is never closed...
					if err != nil {
						t.Fatal(err)
					}
					if p == "/closed" { // ...but this one's
						resp.Body.Close()
					}
				}
			})
			log := logs.String()
			for _, p := range []string{"/sized", "/chunked"} {
				if !strings.Contains(log, "GET "+api.URL+p+": the client never closed the response body") {
					t.Errorf("log = %q; want a line saying the body of %s was never closed", log, p)
				}
			}
			if strings.Contains(log, "/closed: the client never closed") {
				t.Errorf("log = %q; the body of /closed was closed", log)
			}
			t.Run("replay", func(t *testing.T) {
				c := &http.Client{Transport: replayserver.NewTransport(t, path, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict())}
				for p, body := range want {
					resp, err := c.Get(api.URL + p)
					if err != nil {
						t.Fatalf("replaying GET %s: %v", p, err)
					}
					got, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					if err != nil || string(got) != body {
						t.Errorf("replayed GET %s = %d bytes (%v); want the %d recorded", p, len(got), err, len(body))
					}
				}
			})
		})
	}
}
