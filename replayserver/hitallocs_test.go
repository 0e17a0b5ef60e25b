package replayserver_test

import (
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/replayserver"
)

// A hit of a plain cassette through NewTransport costs three allocations:
// the header map (two) and one holding the response, its body reader and
// the copies of a few header values, which used to take three of their
// own. A query costs none more: the memory of names keys a client's
// request by its URL's parts, where it built its request URI.
func TestTransportHitAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("allocations are not counted under the race detector")
	}
	t.Setenv("CASSETTE_MODE", "")
	path := filepath.Join(t.TempDir(), "api.json")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	urls := []string{benchUpstream + "/v1/items/0", benchUpstream + "/v1/items?page=2&sort=id", benchUpstream + "/v1/items?"}
	var reqs []*http.Request
	for _, u := range urls {
		req, err := http.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := lib.Append(naming.Name(req, nil, naming.Default()), library.Exchange{
			Request:  library.Request{Method: http.MethodGet, URL: u},
			Response: library.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: benchBody(0, 1<<10)},
		}); err != nil {
			t.Fatal(err)
		}
		reqs = append(reqs, req)
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	tr := replayserver.NewTransport(t, path, replayOpts()...)
	for _, req := range reqs {
		allocs := testing.AllocsPerRun(100, func() {
			resp, err := tr.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		})
		if allocs > 3 {
			t.Errorf("RoundTrip(GET %s) costs %v allocations, want at most 3", req.URL, allocs)
		}
	}
}

// The header values a hit returns are the client's own, whether the
// response holds them (a few) or they are copied apart (more): a client
// changing them changes neither the next answer nor the body.
func TestTransportHitHeaderValuesAreTheClients(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	for _, n := range []int{1, 3, 9} { // with Content-Length: 2, 4 (as many as the response holds) and 10 values
		t.Run(strconv.Itoa(n)+" values", func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "api.json")
			lib, err := library.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			hdr := http.Header{"Content-Type": {"text/plain"}}
			for i := 1; i < n; i++ {
				hdr.Add("X-Value", "v"+strconv.Itoa(i))
			}
			if err := lib.Append("GET_api.example.com_443_v1_a", library.Exchange{
				Request:  library.Request{Method: "GET", URL: "https://api.example.com/v1/a"},
				Response: library.Response{StatusCode: 200, Header: hdr, Body: []byte("answer")},
			}); err != nil {
				t.Fatal(err)
			}
			if err := lib.Save(); err != nil {
				t.Fatal(err)
			}
			c := &http.Client{Transport: replayserver.NewTransport(t, path, replayserver.WithMode(replayserver.ModeReplay))}
			get := func() *http.Response {
				resp, err := c.Get("https://api.example.com/v1/a")
				if err != nil {
					t.Fatalf("GET /v1/a: %v", err)
				}
				return resp
			}
			first := get()
			for k, vv := range first.Header {
				for i := range vv {
					vv[i] = "changed"
				}
				first.Header[k] = append(vv, "added")
			}
			second := get()
			b, _ := io.ReadAll(second.Body)
			second.Body.Close()
			if got := second.Header["Content-Type"]; len(got) != 1 || got[0] != "text/plain" {
				t.Errorf("second GET /v1/a: Content-Type %q, want [text/plain]", got)
			}
			if got := second.Header["X-Value"]; len(got) != n-1 || n > 1 && got[0] != "v1" {
				t.Errorf("second GET /v1/a: X-Value %q, want %d values from v1", got, n-1)
			}
			if got := second.Header.Get("Content-Length"); got != "6" {
				t.Errorf("second GET /v1/a: Content-Length %q, want 6", got)
			}
			if string(b) != "answer" {
				t.Errorf("second GET /v1/a: body %q, want %q", b, "answer")
			}
			io.Copy(io.Discard, first.Body)
			first.Body.Close()
		})
	}
}
