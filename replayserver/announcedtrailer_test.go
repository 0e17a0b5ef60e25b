package replayserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
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

// An API that announces a trailer and never sends it gives its client the
// name in resp.Trailer with no value. The recorders dropped such a name,
// so every replay client found no trailer at all; it is stored with no
// value, and replayed as the API sent it, over every path.
func TestAnAnnouncedTrailerTheAPINeverSentIsRecorded(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", "X-Sum, X-Other")
		io.WriteString(w, "body")
		w.Header().Set("X-Other", "abc")
	}))
	defer api.Close()
	live, err := http.Get(api.URL + "/sum")
	if err != nil {
		t.Fatal(err)
	}
	io.ReadAll(live.Body)
	live.Body.Close()
	want := trailersOf(live.Trailer)
	if want != `X-Other: ["abc"], X-Sum: []` {
		t.Fatalf("the live client got trailers [%s]; the test expects net/http to give an unsent one with no value", want)
	}
	for _, tc := range []struct{ rec, lib string }{
		{"recorder.NewTransport", "api.json"},
		{"recorder.NewTransport", "api.yaml"},
		{"New, record mode", "api"},
	} {
		rec := tc.rec
		t.Run(rec+"/"+tc.lib, func(t *testing.T) {
			t.Setenv(replayserver.EnvMode, "")
			t.Setenv("CI", "")
			path := filepath.Join(t.TempDir(), tc.lib)
			t.Run("record", func(t *testing.T) {
				var c *http.Client
				base := api.URL
				if rec == "recorder.NewTransport" {
					c = &http.Client{Transport: recorder.NewTransport(t, path)}
				} else {
					srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(api.URL))
					c, base = srv.Client(), srv.URL
				}
				resp, err := c.Get(base + "/sum")
				if err != nil {
					t.Fatal(err)
				}
				io.ReadAll(resp.Body)
				resp.Body.Close()
				if got := trailersOf(resp.Trailer); got != want {
					t.Errorf("while recording, trailers [%s], want [%s]", got, want)
				}
			})
			clients := map[string]func(t *testing.T) (*http.Client, string){
				"NewTransport": func(t *testing.T) (*http.Client, string) {
					return &http.Client{Transport: replayserver.NewTransport(t, path)}, api.URL
				},
				"HTTP/1.1": func(t *testing.T) (*http.Client, string) {
					srv := replayserver.New(t, path, replayserver.Upstream(api.URL))
					return srv.Client(), srv.URL
				},
				"HTTP/2": func(t *testing.T) (*http.Client, string) {
					srv := replayserver.New(t, path, replayserver.TLS())
					return srv.Client(), api.URL
				},
			}
			for _, via := range []string{"NewTransport", "HTTP/1.1", "HTTP/2"} {
				t.Run(via, func(t *testing.T) {
					c, base := clients[via](t)
					resp, err := c.Get(base + "/sum")
					if err != nil {
						t.Fatal(err)
					}
					b, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					if err != nil || string(b) != "body" {
						t.Fatalf("body %q (%v), want %q", b, err, "body")
					}
					if got := trailersOf(resp.Trailer); got != want {
						t.Errorf("over %s, trailers [%s], want [%s] as the API gave", resp.Proto, got, want)
					}
				})
			}
		})
	}
}
