package recorder_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
)

// The replay server's own headers (X-Cassette-Scheme, -Host, -Url-Host,
// -Secret) are dropped by every path that replays or records through
// replayserver, under every spelling of their keys: they name no request,
// and go neither upstream nor into a cassette. The recorders sent them
// upstream and stored them as any other header, so that a library
// recorded through recorder.New, recorder.NewTransport or cassette record
// held what one recorded through replayserver does not. They are dropped
// here too, the caller's request unchanged.
func TestTheReplayServersOwnHeadersAreNeitherSentNorStored(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s, own headers [%s]", r.URL.Path, ownHeadersOf(r.Header))
	}))
	defer api.Close()
	keys := []string{"X-Cassette-Scheme", "X-Cassette-Host", "X-Cassette-Url-Host", "X-Cassette-Secret",
		"x-cassette-host", "X-CASSETTE-URL-HOST", "x-Cassette-secret"}
	for _, rec := range recordings {
		t.Run(rec.name, func(t *testing.T) {
			path := t.TempDir()
			c, base, wait := rec.start(t, api.URL, path, func(string) {})
			for i, key := range keys {
				p := fmt.Sprintf("/%d", i)
				for _, vs := range [][]string{{"forged.example"}, {"a", "b"}, {}} {
					req, _ := http.NewRequest("GET", base+p, nil)
					req.Header[key] = vs
					req.Header.Set("X-Other", "kept")
					want := p + ", own headers []"
					status, body := sendOwn(t, c, req)
					if status != 200 || body != want {
						t.Errorf("%s: GET %s (header %q: %q) = %d %.300q, want 200 %q", rec.name, p, key, vs, status, body, want)
					}
					if len(req.Header) != 2 || !slices.Equal(req.Header[key], vs) {
						t.Errorf("%s: the caller's request was changed: header %v", rec.name, req.Header)
					}
				}
			}
			wait()
			lib, err := library.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			names, err := lib.Names()
			if err != nil {
				t.Fatal(err)
			}
			if len(names) != len(keys) {
				t.Errorf("%s: library holds %q, want %d cassettes", rec.name, names, len(keys))
			}
			for _, n := range names {
				c, _, err := lib.Get(n)
				if err != nil {
					t.Fatal(err)
				}
				for _, ex := range c.Exchanges {
					if own := ownHeadersOf(ex.Request.Header); own != "" {
						t.Errorf("%s: cassette %s stores the replay server's own headers %s", rec.name, n, own)
					}
					if ex.Request.Header.Get("X-Other") != "kept" {
						t.Errorf("%s: cassette %s lost the request's other headers: %v", rec.name, n, ex.Request.Header)
					}
				}
			}
		})
	}
}

// ownHeadersOf lists the replay server's own headers in h, in any
// spelling of their keys.
func ownHeadersOf(h http.Header) string {
	var own []string
	for k, vs := range h {
		if strings.HasPrefix(strings.ToLower(k), "x-cassette-") {
			own = append(own, k+"="+strings.Join(vs, ","))
		}
	}
	slices.Sort(own)
	return strings.Join(own, " ")
}

// sendOwn sends req with c and returns the status and body of its answer.
func sendOwn(t *testing.T, c *http.Client, req *http.Request) (int, string) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", req.Method, req.URL, err)
	}
	return resp.StatusCode, string(b)
}
