package replayserver_test

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/replayserver"
)

// A significant header set under two spellings of its key (Set("X-Key"),
// then h["x-key"]) is named by the server as naming.Name names it, on
// every run, through srv.Client() of a TLS server too. Over HTTP/2, Go's
// client sends a header's keys in the order of a map's iteration, so the
// server read the two values in either order and named the request one
// way or the other: about every other request missed its cassette.
func TestAHeaderUnderTwoSpellingsIsOneNameOverHTTP2(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv("CI", "true")
	rules := naming.Rules{Headers: []string{"X-Key"}}
	header := func() http.Header {
		return http.Header{"X-Key": {"a"}, "x-key": {"b"}, "X-KEY": {"c"}}
	}
	for _, url := range []string{"https://api.example.com/v1/x", "http://127.0.0.1:1/v1/x"} {
		path := filepath.Join(t.TempDir(), "api")
		lib, err := library.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest("GET", url, nil)
		req.Header = header()
		if err := lib.Append(naming.Name(req, nil, rules), library.Exchange{
			Request:  library.Request{Method: "GET", URL: url, Header: http.Header{"X-Key": {"c", "a", "b"}}},
			Response: library.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte("answer")},
		}); err != nil {
			t.Fatal(err)
		}
		if err := lib.Save(); err != nil {
			t.Fatal(err)
		}
		srv := replayserver.New(t, path, replayserver.TLS(), replayserver.Naming(rules), replayserver.WithMode(replayserver.ModeReplay))
		target := url
		if url == "http://127.0.0.1:1/v1/x" {
			target = srv.URL + "/v1/x" // the server's own address
		}
		for range 16 {
			req, _ := http.NewRequest("GET", target, nil)
			req.Header = header()
			if status, body := doBody(t, srv.Client(), req); status != 200 || body != "answer" {
				t.Fatalf("srv.Client() GET %s with X-Key: a, x-key: b, X-KEY: c = %d %.300q, want 200 %q", target, status, body, "answer")
			}
		}
	}
}
