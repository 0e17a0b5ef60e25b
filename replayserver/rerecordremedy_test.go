package replayserver_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// A rerecording kept the old library when requests sent to the server's
// own address had no Upstream to go to, and its error told to "rerecord
// once the upstream answers": no upstream ever would. It says to set
// Upstream now, and to wait for the upstream too only when another
// request was sent to an upstream that did not answer.
func TestRerecordWithoutUpstreamSaysToSetIt(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	// An API that is down: a port nothing listens on any more.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String()
	ln.Close()
	const setUpstream = "set replayserver.Upstream(url) to the real API"
	for _, tc := range []struct {
		name      string
		apiDown   bool // a request is also sent for the API's own URL, which does not answer
		want      []string
		wantNotIn string
	}{
		{name: "only own address", want: []string{setUpstream + " for the requests sent to the server's own address", "and rerecord"}, wantNotIn: "once the upstream answers"},
		{name: "and an upstream down", apiDown: true, want: []string{setUpstream, "and rerecord once the upstream answers"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/a", "/b")
			before := libraryNames(t, path)
			h, err := replayserver.NewHandler(path, replayserver.WithMode(replayserver.ModeRerecord))
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(h)
			resp, err := http.Get(srv.URL + "/a")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if tc.apiDown {
				// Sent to the server as to a proxy, for the API's URL.
				proxy, _ := url.Parse(srv.URL)
				c := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}}
				resp, err := c.Get(down + "/b")
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusBadGateway {
					t.Fatalf("GET %s/b through the server = %d, want 502 (the API is down)", down, resp.StatusCode)
				}
			}
			srv.Close()
			err = h.Close()
			if err == nil {
				t.Fatal("Close() = nil; want an error saying the library is left unchanged")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Close() = %v; want it to say %q", err, w)
				}
			}
			if tc.wantNotIn != "" && strings.Contains(err.Error(), tc.wantNotIn) {
				t.Errorf("Close() = %v; want no %q (there is no upstream to wait for)", err, tc.wantNotIn)
			}
			if after := libraryNames(t, path); !slices.Equal(after, before) {
				t.Errorf("the library holds %q; want the old %q", after, before)
			}
		})
	}
}
