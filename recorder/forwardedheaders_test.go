package recorder_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
	"github.com/google/go-cmp/cmp"
)

// The recording proxy forwards and stores the forwarding headers a client
// sends (a test's own proxy in front, say), as the recording transport
// does. httputil.ReverseProxy removes them unless told otherwise.
func TestTheProxyForwardsAndStoresForwardingHeaders(t *testing.T) {
	sent := http.Header{
		"Forwarded":         {"for=203.0.113.7;proto=https"},
		"X-Forwarded-For":   {"203.0.113.7"},
		"X-Forwarded-Host":  {"public.example"},
		"X-Forwarded-Proto": {"https"},
	}
	got := make(chan http.Header, 1)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Clone()
		io.WriteString(w, "ok")
	}))
	defer api.Close()
	path := filepath.Join(t.TempDir(), "api")
	t.Run("record", func(t *testing.T) {
		rec := recorder.New(t, api.URL, path)
		req, _ := http.NewRequest("GET", rec.URL+"/links", nil)
		for k, v := range sent {
			req.Header[k] = v
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	})
	upstream := <-got
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	names, _ := lib.Names()
	if len(names) != 1 {
		t.Fatalf("stored %q, want one cassette", names)
	}
	c, _, _ := lib.Get(names[0])
	stored := c.Exchanges[0].Request.Header
	for k, v := range sent {
		if diff := cmp.Diff(v, upstream[k]); diff != "" {
			t.Errorf("%s got by the API (-sent +got):\n%s", k, diff)
		}
		if diff := cmp.Diff(v, stored[k]); diff != "" {
			t.Errorf("%s stored (-sent +stored):\n%s", k, diff)
		}
	}
}
