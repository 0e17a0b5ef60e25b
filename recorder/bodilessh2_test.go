package recorder_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

// A recording Proxy served over HTTP/2 answers a 204 and a 304 with a
// header that ends the stream, as net/http's own server does, every time:
// the client reads a ContentLength of 0. The proxy flushed the header at
// once, on a timer's goroutine racing the end of its handler: the header
// then went in a frame that did not end the stream, and the client read
// -1, now and then. The answer to a HEAD has the length the API gave it.
func TestProxyOverHTTP2AnswersWithoutABodyWithTheirLength(t *testing.T) {
	const n = 200
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/items/1/star":
			w.WriteHeader(http.StatusNoContent)
		case "/v1/items/1":
			w.Header().Set("ETag", `"v1"`)
			if r.Header.Get("If-None-Match") == `"v1"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			io.WriteString(w, `{"id":1}`)
		}
	}))
	defer api.Close()
	lib, err := library.Open(filepath.Join(t.TempDir(), "api"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := recorder.NewProxy(api.URL, lib)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for _, kind := range []string{"tls", "h2c"} {
		t.Run(kind, func(t *testing.T) {
			srv := httptest.NewUnstartedServer(p)
			var c *http.Client
			if kind == "tls" {
				srv.EnableHTTP2 = true
				srv.StartTLS()
				c = srv.Client()
			} else {
				srv.Config.Protocols = new(http.Protocols)
				srv.Config.Protocols.SetUnencryptedHTTP2(true)
				srv.Start()
				c = &http.Client{Transport: &http.Transport{Protocols: srv.Config.Protocols}}
			}
			defer srv.Close()
			for _, tc := range []struct {
				method, path, etag string
				want               int64
			}{
				{"PUT", "/v1/items/1/star", "", 0},
				{"GET", "/v1/items/1", `"v1"`, 0},
				{"HEAD", "/v1/items/1", "", 8}, // the API's Content-Length, for the GET
			} {
				got := map[int64]int{}
				for range n {
					req, err := http.NewRequest(tc.method, srv.URL+tc.path, nil)
					if err != nil {
						t.Fatal(err)
					}
					if tc.etag != "" {
						req.Header.Set("If-None-Match", tc.etag)
					}
					resp, err := c.Do(req)
					if err != nil {
						t.Fatalf("%s %s: %v", tc.method, tc.path, err)
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.ProtoMajor != 2 {
						t.Fatalf("%s %s came over %s, want HTTP/2", tc.method, tc.path, resp.Proto)
					}
					got[resp.ContentLength]++
				}
				if len(got) != 1 || got[tc.want] != n {
					t.Errorf("%s %s over %s: ContentLength of %d answers %s, want %d every time", tc.method, tc.path, kind, n, fmt.Sprint(got), tc.want)
				}
			}
		})
	}
}
