package replayserver

import (
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/google/go-cmp/cmp"
)

// The hit path's shortcuts answer as the long ways they stand for.

func TestIsLoopbackSkipsParsingNamesOnly(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost":                true,
		"LocalHost":                true,
		"127.0.0.1":                true,
		"127.1.2.3":                true,
		"[::1]":                    true,
		"::1":                      true,
		"0:0:0:0:0:0:0:1":          true,
		"[::ffff:127.0.0.1]":       true,
		"[127.0.0.2]":              true, // not a valid host, but Go's server takes it
		"[10.0.0.1]":               false,
		"::ffff:7f00:1":            true,
		"10.0.0.1":                 false,
		"[2001:db8::1]":            false,
		"api.example.com":          false,
		"host1":                    false,
		"localhost.":               false,
		"":                         false,
		"127.0.0.1.nip.io":         false,
		"[fe80::1%25en0]":          false,
		"::ffff:192.0.2.1":         false,
		"0000:0000::0000:0000:001": true,
	} {
		if got := isLoopback(host); got != want {
			t.Errorf("isLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestStatusLineIsHTTPTransports(t *testing.T) {
	for code := -1; code <= 1000; code++ {
		text := http.StatusText(code)
		if text == "" {
			text = "status code " + strconv.Itoa(code) // as a Go server writes it
		}
		if got, want := statusLine(code), strconv.Itoa(code)+" "+text; got != want {
			t.Fatalf("statusLine(%d) = %q, want %q", code, got, want)
		}
	}
}

// NewTransport names a request by its URL without a copy of it, and must
// then leave it alone.
func TestTransportLeavesTheRequestURLAlone(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path := filepath.Join(t.TempDir(), "api")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := lib.Append("GET_api.example.com_443_v1_x__a=1", library.Exchange{
		Request:  library.Request{Method: "GET", URL: "https://api.example.com/v1/x?a=1"},
		Response: library.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte("x")},
	}); err != nil {
		t.Fatal(err)
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Transport: NewTransport(t, path, WithMode(ModeReplay))}
	for _, raw := range []string{"https://api.example.com/v1/x?a=1", "https://user:secret@api.example.com/v1/x?a=1&token=t"} {
		req, err := http.NewRequest("GET", raw, nil)
		if err != nil {
			t.Fatal(err)
		}
		before := *req.URL
		if before.User != nil {
			u := *before.User
			before.User = &u
		}
		resp, err := c.Do(req)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		if diff := cmp.Diff(&before, req.URL, cmp.AllowUnexported(url.Userinfo{})); diff != "" {
			t.Errorf("the request's URL changed (-before +after):\n%s", diff)
		}
		if raw == "https://api.example.com/v1/x?a=1" && (err != nil || resp.StatusCode != 200 || resp.Status != "200 OK") {
			t.Errorf("GET %s: %v, %v; want 200 OK", raw, resp, err)
		}
	}
}
