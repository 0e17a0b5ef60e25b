package replayserver_test

import (
	"io"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// A Trailer header written by hand (or imported) may announce a trailer
// the cassette holds no value for. A client of the replay server, over
// HTTP/1.1 or HTTP/2, gets it in resp.Trailer with no value, as
// net/http's client gives every announced trailer that never comes; a
// client of NewTransport got none, so the two told a test different
// things. They agree now, and with the trailers recorded beside it.
func TestAnAnnouncedTrailerWithoutAValueReplaysAlikeEverywhere(t *testing.T) {
	for _, tc := range []struct {
		name     string
		announce string
		trailer  http.Header
		want     string // trailersOf(resp.Trailer) after the body
	}{
		{"none recorded", "X-Sum", nil, `X-Sum: []`},
		{"one of two recorded", "x-sum, X-Other", http.Header{"X-Sum": {"abc"}}, `X-Other: [], X-Sum: ["abc"]`},
		{"announced twice", "X-Sum, X-Sum", http.Header{"X-Sum": {"abc"}}, `X-Sum: ["abc"]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(replayserver.EnvMode, "")
			path := filepath.Join(t.TempDir(), "api.json")
			lib, err := library.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest("GET", "http://api.example.com/sum", nil)
			if err := lib.Put(library.Cassette{Name: nameOf(req, nil), Exchanges: []library.Exchange{{
				Request: library.Request{Method: "GET", URL: req.URL.String()},
				Response: library.Response{StatusCode: 200, Body: []byte("body"),
					Header: http.Header{"Trailer": {tc.announce}}, Trailer: tc.trailer},
			}}}); err != nil {
				t.Fatal(err)
			}
			if err := lib.Save(); err != nil {
				t.Fatal(err)
			}
			clients := map[string]func(t *testing.T) *http.Client{
				"NewTransport": func(t *testing.T) *http.Client {
					return &http.Client{Transport: replayserver.NewTransport(t, path)}
				},
				"HTTP/1.1": func(t *testing.T) *http.Client { return replayserver.New(t, path).Client() },
				"HTTP/2":   func(t *testing.T) *http.Client { return replayserver.New(t, path, replayserver.TLS()).Client() },
			}
			for _, via := range []string{"NewTransport", "HTTP/1.1", "HTTP/2"} {
				t.Run(via, func(t *testing.T) {
					resp, err := clients[via](t).Get("http://api.example.com/sum")
					if err != nil {
						t.Fatal(err)
					}
					b, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					if err != nil || string(b) != "body" {
						t.Fatalf("body %q (%v), want %q", b, err, "body")
					}
					if got := trailersOf(resp.Trailer); got != tc.want {
						t.Errorf("over %s, trailers [%s], want [%s]", resp.Proto, got, tc.want)
					}
					if v, ok := resp.Header["Trailer"]; ok {
						t.Errorf("the header holds Trailer %q; a client finds the announced trailers in resp.Trailer", v)
					}
				})
			}
		})
	}
}
