package replayserver_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// A request whose URL holds what Go's HTTP/2 server refuses in :path (a
// control character, 0x00 to 0x1f or 0x7f, anywhere in it, as RFC 9113
// §8.3.1 says; a malformed %-escape in its path, which only URL.Opaque
// can send) was sent by srv.Client() of a TLS server, which speaks
// HTTP/2: the server reset the stream with a protocol error, and Go's
// client sent the request again and again until its context ended. It
// is an error at once, saying why; every other URL is sent as before.
//
// The requests' context is cancelled only when the test ends, so that a
// request that hangs makes the test run into go test's -timeout rather
// than pass: the test is short, so that such a hang is the only way it
// can run long.
func TestURLsHTTP2CannotCarryFailAtOnce(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/x")
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)

	type target struct {
		desc    string
		set     func(u *urlParts)
		refused bool // by the HTTP/2 server
	}
	var targets []target
	for b := 0; b < 256; b++ {
		q := "a=" + string([]byte{byte(b)})
		targets = append(targets, target{fmt.Sprintf("query %q", q), func(u *urlParts) { u.rawQuery = q }, b < 0x20 || b == 0x7f})
	}
	targets = append(targets,
		target{"query with a malformed escape", func(u *urlParts) { u.rawQuery = "a=%zz" }, false},
		target{"opaque path with a malformed escape", func(u *urlParts) { u.opaque = "/x%zz" }, true},
		target{"opaque path with a control character", func(u *urlParts) { u.opaque = "/x\x01" }, true},
		target{"opaque path with a space", func(u *urlParts) { u.opaque = "/x y" }, false},
		target{"opaque path with its host", func(u *urlParts) { u.opaque = "//" + u.host + "/x%41" }, false},
	)

	srv := replayserver.New(t, path, replayserver.TLS(), replayserver.WithMode(replayserver.ModeReplay))
	srv.Router().PathPrefix("/").HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "route for %q", r.RequestURI)
	})
	for _, base := range []string{srv.URL, "https://api.example.com"} {
		for _, tc := range targets {
			req, _ := http.NewRequestWithContext(ctx, "GET", base+"/x", nil)
			u := urlParts{host: req.URL.Host}
			tc.set(&u)
			req.URL.RawQuery, req.URL.Opaque = u.rawQuery, u.opaque
			resp, err := srv.Client().Do(req)
			if !tc.refused {
				if err != nil {
					t.Errorf("srv.Client() GET %s/x, %s: %v, want it sent", base, tc.desc, err)
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !strings.HasPrefix(string(b), "route for ") {
					t.Errorf("srv.Client() GET %s/x, %s = %d %.300q, want its route's answer", base, tc.desc, resp.StatusCode, b)
				}
				continue
			}
			if err == nil {
				resp.Body.Close()
				t.Errorf("srv.Client() GET %s/x, %s = %d, want an error", base, tc.desc, resp.StatusCode)
				continue
			}
			for _, want := range []string{"cannot be sent over HTTP/2", "percent-encode"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("srv.Client() GET %s/x, %s: %v, want an error saying %q", base, tc.desc, err, want)
				}
			}
			if ctx.Err() != nil {
				t.Fatalf("the requests' context ended during the test")
			}
		}
	}
}

// urlParts are the parts of a request's URL a target of
// TestURLsHTTP2CannotCarryFailAtOnce sets.
type urlParts struct{ host, rawQuery, opaque string }
