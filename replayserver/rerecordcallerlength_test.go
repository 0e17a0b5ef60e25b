package replayserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// A request whose ContentLength its body does not have is never sent
// (http.Transport refuses it): the caller's mistake, not an upstream that
// did not answer. Under rerecord through NewTransport it counted as one,
// and the rerecord kept the old library, advising to wait for the
// upstream. Such a request now fails on its own, and the rerecord
// replaces the library with what the other requests recorded.
func TestRerecordCallerLengthIsNoUpstreamFailure(t *testing.T) {
	for _, tc := range []struct {
		name string
		mode string // "rerecord", or "record" for a cassette that is missing
		body string
		n    int64
	}{
		{name: "rerecord short body", mode: "rerecord", body: "data", n: 10},
		{name: "rerecord long body", mode: "rerecord", body: "data and more", n: 4},
		{name: "record short body", mode: "record", body: "data", n: 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(replayserver.EnvMode, tc.mode)
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				io.WriteString(w, "fresh "+r.URL.Path)
			}))
			defer api.Close()
			path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/old")
			ft := newFakeTB(t)
			ft.do(func() {
				c := &http.Client{Transport: replayserver.NewTransport(ft, path)}
				req, err := http.NewRequest(http.MethodPost, api.URL+"/bad", strings.NewReader(tc.body))
				if err != nil {
					t.Error(err)
					return
				}
				req.ContentLength = tc.n
				if resp, err := c.Do(req); err == nil {
					resp.Body.Close()
					t.Errorf("POST with ContentLength %d and a body of %d bytes: got %s, want the error http.Transport gives", tc.n, len(tc.body), resp.Status)
				}
				resp, err := c.Get(api.URL + "/good")
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
			})
			ft.finish()
			if errs := ft.errors(); errs != "" {
				t.Errorf("the test failed: %s; the caller's own request is no upstream's failing", errs)
			}
			if l := ft.logged(); strings.Contains(l, "no answer") || strings.Contains(l, "upstream answers") {
				t.Errorf("logged %q; the caller's own request is no upstream's failing", l)
			}
			names := libraryNames(t, path)
			if !slices.ContainsFunc(names, func(n string) bool { return strings.Contains(n, "_good") }) {
				t.Errorf("the library holds %q; want the cassette of GET /good recorded", names)
			}
			if tc.mode == "rerecord" && slices.ContainsFunc(names, func(n string) bool { return strings.Contains(n, "_old") }) {
				t.Errorf("the library holds %q; want it replaced by the rerecording", names)
			}
		})
	}
}
