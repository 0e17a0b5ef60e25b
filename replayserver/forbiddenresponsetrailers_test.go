package replayserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// A response trailer that HTTP forbids (Content-Type, If-Match,
// Cache-Control...) but that an API sends unannounced (a Go API, with
// http.TrailerPrefix) reaches a client over HTTP/1.1 through the recording
// proxy, and is stored; over HTTP/2 net/http's server drops it. Replaying
// announced it in a Trailer header, and net/http's HTTP/1.1 server sends
// no trailer so announced: the client got each one empty, over HTTP/2
// too. Replayed, every client gets what it got recording; in process, what
// a client gets over HTTP/1.1; none fails the test, as the API sent them.
func TestForbiddenResponseTrailersReplayAsRecorded(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv("CI", "")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/both" {
			w.Header().Set("Trailer", "X-Sum")
		}
		io.WriteString(w, "body")
		w.(http.Flusher).Flush() // chunked: net/http sends unannounced trailers only so
		if r.URL.Path == "/both" {
			w.Header().Set("X-Sum", "1")
			w.Header().Set(http.TrailerPrefix+"X-Other", "2")
		}
		w.Header().Set(http.TrailerPrefix+"Content-Type", "text/x")
		w.Header().Set(http.TrailerPrefix+"If-Match", `"v1"`)
		w.Header().Set(http.TrailerPrefix+"Cache-Control", "no-store")
	}))
	defer api.Close()
	const forbidden = `Cache-Control: ["no-store"], Content-Type: ["text/x"], If-Match: ["\"v1\""]`
	for _, c := range []struct {
		client     string
		both, only string // the trailers each path gets
	}{
		{"HTTP/1.1", forbidden + `, X-Other: ["2"], X-Sum: ["1"]`, forbidden},
		{"TLS", `X-Other: ["2"], X-Sum: ["1"]`, ``},
		{"h2c", `X-Other: ["2"], X-Sum: ["1"]`, ``},
		{"in process", forbidden + `, X-Other: ["2"], X-Sum: ["1"]`, forbidden},
	} {
		lib := filepath.Join(t.TempDir(), "api.json")
		for _, mode := range []replayserver.Mode{replayserver.ModeRecord, replayserver.ModeReplay} {
			t.Run(c.client+" "+string(mode), func(t *testing.T) {
				opts := []replayserver.Option{replayserver.WithMode(mode), replayserver.Upstream(api.URL)}
				client, base := (*http.Client)(nil), api.URL
				switch c.client {
				case "in process":
					client = &http.Client{Transport: replayserver.NewTransport(t, lib, opts...)}
				case "TLS":
					client = replayserver.New(t, lib, append(opts, replayserver.TLS())...).Client()
				case "h2c":
					srv := replayserver.New(t, lib, opts...)
					client, base = h2cClient(), srv.URL
				default:
					client = replayserver.New(t, lib, opts...).Client()
				}
				for _, p := range []struct{ path, want string }{{"/both", c.both}, {"/only", c.only}} {
					resp, err := client.Get(base + p.path)
					if err != nil {
						t.Fatalf("GET %s: %v", p.path, err)
					}
					b, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if got := trailersOf(resp.Trailer); string(b) != "body" || got != p.want || resp.ContentLength != -1 {
						t.Errorf("GET %s over %s: %q of length %d, trailers [%s], want %q of no length given, trailers [%s]",
							p.path, resp.Proto, b, resp.ContentLength, got, "body", p.want)
					}
				}
			})
		}
	}
}

// A hand-written (or imported) Trailer header naming such a trailer did
// announce it all the same: over HTTP/2 net/http's server logged it as
// invalid and the client got it empty. It is left out of the Trailer
// header as well: over HTTP/1.1 the trailer still comes, unannounced. A
// trailer it announces already (x-sum, in another case) is not announced
// twice: net/http's HTTP/1.1 server sent its value once for each time.
func TestForbiddenResponseTrailerAnnouncedByHandIsNotAnnounced(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv("CI", "")
	lib := filepath.Join(t.TempDir(), "api.json")
	if err := os.WriteFile(lib, []byte(`{"version": 1, "cassettes": [{"name": "GET_api.example_80_x", "exchanges": [{
	"request": {"method": "GET", "url": "http://api.example/x"},
	"response": {"status": 200, "headers": {"Trailer": ["Content-Type", "If-Match", "x-sum"]}, "body": "body",
		"trailers": {"X-Sum": ["1"], "X-Other": ["2"], "Content-Type": ["text/x"], "If-Match": ["\"v1\""]}}}]}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	const forbidden = `Content-Type: ["text/x"], If-Match: ["\"v1\""], `
	for _, c := range []struct{ client, want string }{
		{"HTTP/1.1", forbidden + `X-Other: ["2"], X-Sum: ["1"]`},
		{"h2c", `X-Other: ["2"], X-Sum: ["1"]`},
		{"in process", forbidden + `X-Other: ["2"], X-Sum: ["1"]`},
	} {
		t.Run(c.client, func(t *testing.T) {
			client, base := (*http.Client)(nil), "http://api.example"
			switch c.client {
			case "in process":
				client = &http.Client{Transport: replayserver.NewTransport(t, lib)}
			case "h2c":
				client, base = h2cClient(), replayserver.New(t, lib).URL
			default:
				srv := replayserver.New(t, lib)
				client, base = srv.Client(), srv.URL
			}
			req, _ := http.NewRequest("GET", base+"/x", nil)
			req.Host = "api.example"
			resp, err := client.Do(req)
			if err != nil {
				t.Fatalf("GET /x: %v", err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if got := trailersOf(resp.Trailer); string(b) != "body" || got != c.want {
				t.Errorf("GET /x over %s: %q, trailers [%s], want %q, trailers [%s]", resp.Proto, b, got, "body", c.want)
			}
		})
	}
}

// A hand-written (or imported) Trailer header was sent as written. Naming
// Content-Length, Transfer-Encoding or Trailer, it made Go's HTTP/1.1
// client refuse a chunked answer (one with trailers, or streamed: "bad
// trailer key"), and net/http's HTTP/2 server log an invalid trailer;
// naming a trailer twice (in one value or two, in any case), it made
// net/http's HTTP/1.1 server send its values twice; naming what is no
// field name ("X Bad", a quoted "X-Sum", X-Sum;q=1), it gave clients an
// empty trailer of that name, no recorded one can fill (where
// NewTransport gave none). Such a name is left out, the first and last
// kinds failing the test as a trailer of such a name does, and a name
// listed twice is announced once.
func TestHandWrittenTrailerHeaderIsSentAsAClientTakesIt(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv("CI", "")
	for _, c := range []struct {
		name, response, body, trailers, fails string
	}{
		{"Content-Length with trailers", `"headers": {"Trailer": ["Content-Length, x-sum"]}, "body": "body", "trailers": {"X-Sum": ["1"]}`,
			"body", `X-Sum: ["1"]`, "a Trailer header naming Content-Length"},
		{"Transfer-Encoding and Trailer in a stream", `"headers": {"Content-Type": ["text/event-stream"], "Trailer": [" , Transfer-Encoding,,", "trailer"]}, "body": "data: a\n\ndata: b\n\n"`,
			"data: a\n\ndata: b\n\n", ``, "a Trailer header naming Transfer-Encoding"},
		{"a name twice", `"headers": {"Trailer": ["X-Sum, x-sum", "X-SUM"]}, "body": "body", "trailers": {"X-Sum": ["1", "2"]}`,
			"body", `X-Sum: ["1" "2"]`, ""},
		{"names that are no field names", `"headers": {"Trailer": ["X-Sum;q=1, x-sum", "X Bad, \"X-Sum\", X-é"]}, "body": "data: a\n\n", "chunks": ["4@0s", "3@0s"], "trailers": {"X-Sum": ["1"]}`,
			"data: a\n\n", `X-Sum: ["1"]`, `a Trailer header naming "X-Sum;q=1", which is no field name`},
	} {
		lib := filepath.Join(t.TempDir(), "api.json")
		if err := os.WriteFile(lib, []byte(`{"version": 1, "cassettes": [{"name": "GET_api.example_80_x", "exchanges": [{
	"request": {"method": "GET", "url": "http://api.example/x"},
	"response": {"status": 200, `+c.response+`}}]}]}`), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, client := range []string{"HTTP/1.1", "TLS", "h2c", "in process"} {
			t.Run(c.name+"/"+client, func(t *testing.T) {
				ft := newFakeTB(t)
				defer ft.finish()
				var hc *http.Client
				url := "http://api.example/x"
				switch client {
				case "in process":
					hc = &http.Client{Transport: replayserver.NewTransport(ft, lib)}
				case "h2c":
					hc, url = h2cClient(), replayserver.New(ft, lib).URL+"/x"
				case "TLS":
					hc = replayserver.New(ft, lib, replayserver.TLS()).Client()
				default:
					hc = replayserver.New(ft, lib).Client()
				}
				req, _ := http.NewRequest("GET", url, nil)
				req.Host = "api.example"
				resp, err := hc.Do(req)
				if err != nil {
					t.Fatalf("GET /x: %v", err)
				}
				b, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if got := trailersOf(resp.Trailer); err != nil || string(b) != c.body || got != c.trailers {
					t.Errorf("GET /x over %s: %q (%v), trailers [%s], want %q, trailers [%s]", resp.Proto, b, err, got, c.body, c.trailers)
				}
				if errs := ft.errors(); c.fails == "" && errs != "" || !strings.Contains(errs, c.fails) {
					t.Errorf("the test failed with %q, want a failure saying %q", errs, c.fails)
				}
			})
		}
	}
}
