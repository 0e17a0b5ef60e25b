package replayserver_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// bodilessAPI answers without a body: 204, 304, and HEADs.
func bodilessAPI() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/items/1/star":
			w.WriteHeader(http.StatusNoContent)
		case "/v1/items/1":
			w.Header().Set("ETag", `"v1"`)
			if r.Header.Get("If-None-Match") == `"v1"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"id":1}`)
		}
	})
}

// bodilessRequests are the requests to bodilessAPI whose answers have no
// body, and the ContentLength each must have for any client, if known.
var bodilessRequests = []struct {
	method, path, etag string
	want               int64 // -2: as net/http's own server gives it
}{
	{"PUT", "/v1/items/1/star", "", 0},
	{"GET", "/v1/items/1", `"v1"`, 0},
	{"HEAD", "/v1/items/1", "", -2},
	{"HEAD", "/v1/items/1/star", "", -2},
}

// lengths sends each of bodilessRequests n times to base through c, over
// HTTP/2, and returns, for each, how many answers had each ContentLength.
func lengths(t *testing.T, c *http.Client, base string, n int) []map[int64]int {
	t.Helper()
	out := make([]map[int64]int, len(bodilessRequests))
	for i, rq := range bodilessRequests {
		out[i] = map[int64]int{}
		for range n {
			req, err := http.NewRequest(rq.method, base+rq.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if rq.etag != "" {
				req.Header.Set("If-None-Match", rq.etag)
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatalf("%s %s: %v", rq.method, rq.path, err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.ProtoMajor != 2 {
				t.Fatalf("%s %s came over %s, want HTTP/2", rq.method, rq.path, resp.Proto)
			}
			out[i][resp.ContentLength]++
		}
	}
	return out
}

// Over HTTP/2 (TLS, or h2c) the answers without a body (a 204, a 304, the
// answer to a HEAD) reach the client with the ContentLength net/http's
// own server gives them, recording as replaying, every time: 0 for a 204
// and a 304, whose header ends the stream. The recording proxy flushed
// the header at once, on a timer's goroutine racing the end of its
// handler: the header then went in a frame that did not end the stream,
// and the client read -1, in a few answers out of a hundred.
func TestAnswersWithoutABodyHaveTheirLengthOverHTTP2(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	const n = 200
	direct := httptest.NewUnstartedServer(bodilessAPI())
	direct.EnableHTTP2 = true
	direct.StartTLS()
	defer direct.Close()
	ref := lengths(t, direct.Client(), direct.URL, 1)
	for _, kind := range []string{"tls", "h2c"} {
		t.Run(kind, func(t *testing.T) {
			api := httptest.NewServer(bodilessAPI())
			defer api.Close()
			lib := filepath.Join(t.TempDir(), "api")
			check := func(phase string, got []map[int64]int) {
				t.Helper()
				for i, rq := range bodilessRequests {
					want := rq.want
					if want == -2 {
						for cl := range ref[i] {
							want = cl
						}
					}
					if len(got[i]) != 1 || got[i][want] != n {
						t.Errorf("%s: %s %s over %s: ContentLength of %d answers %v, want %d every time", phase, rq.method, rq.path, kind, n, fmt.Sprint(got[i]), want)
					}
				}
			}
			opts := []replayserver.Option{replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(api.URL)}
			if kind == "tls" {
				opts = append(opts, replayserver.TLS())
			}
			srv := replayserver.New(t, lib, opts...)
			c, _ := protoClient(srv, kind)
			check("recording", lengths(t, c, srv.URL, n))
			srv.Close()
			api.Close()

			opts[0] = replayserver.WithMode(replayserver.ModeReplay)
			srv = replayserver.New(t, lib, opts...)
			c, _ = protoClient(srv, kind)
			check("replaying", lengths(t, c, srv.URL, n))
		})
	}
	for i, rq := range bodilessRequests {
		if rq.want != -2 && ref[i][rq.want] != 1 {
			t.Errorf("net/http's own server: %s %s: ContentLength %v, want %d", rq.method, rq.path, ref[i], rq.want)
		}
	}
}
