package replayserver_test

import (
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// A miss report names the request as the server named it. For a request
// to the server's own address (or a loopback test server), that name shows
// a host that is not part of the match: the report says so, or the reader
// takes it for the name to record or to look for. A request for the API's
// own host gets no such line.
func TestMissReportSaysWhenTheNamesHostIsNotMatched(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv("CI", "true")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/x")
	const own = "is the server's own address, which says nothing about the API: a cassette recorded from any host, named so but for the host, answers it"
	const loop = "is a loopback address, whose port changes every run, which says nothing about the API"
	report := func(t *testing.T, get func(srv *replayserver.Server) (*http.Response, error)) string {
		ft := newFakeTB(t)
		var body string
		ft.do(func() {
			srv := replayserver.New(ft, path, replayserver.WithMode(replayserver.ModeReplay))
			resp, err := get(srv)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body = string(b)
		})
		ft.finish()
		return body
	}
	if r := report(t, func(srv *replayserver.Server) (*http.Response, error) { return http.Get(srv.URL + "/missing") }); !strings.Contains(r, own) {
		t.Errorf("report of a miss at the server's own address:\n%s\nwant it to say %q", r, own)
	}
	if r := report(t, func(srv *replayserver.Server) (*http.Response, error) {
		return srv.Client().Get("https://api.example.com/missing")
	}); strings.Contains(r, "says nothing about the API") {
		t.Errorf("report of a miss for the API's own host:\n%s\nsays its host is not matched", r)
	}
	c := &http.Client{Transport: replayserver.NewTransport(t, path, replayserver.WithMode(replayserver.ModeReplay))}
	_, err := c.Get("http://127.0.0.1:9/missing")
	var miss *replayserver.MissError
	if !errors.As(err, &miss) || !strings.Contains(miss.Report, loop) {
		t.Errorf("NewTransport miss for a loopback URL: %v\nwant a report saying %q", err, loop)
	}
}

// A miss's 404 names the request in its X-Cassette-Miss header, as the
// report does, so that a client of the server (or of cassette serve) can
// read the name without parsing the report.
func TestMissHeaderNamesTheRequest(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/x")
	ft := newFakeTB(t)
	var got, want string
	ft.do(func() {
		srv := replayserver.New(ft, path, replayserver.WithMode(replayserver.ModeReplay))
		req, err := http.NewRequest("GET", srv.URL+"/y?b=2&a=1", nil)
		if err != nil {
			t.Fatal(err)
		}
		want = nameOf(req, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET /y?b=2&a=1 = %d, want 404", resp.StatusCode)
		}
		got = resp.Header.Get("X-Cassette-Miss")
	})
	ft.finish()
	if got != want {
		t.Errorf("X-Cassette-Miss of GET /y?b=2&a=1 = %q, want %q", got, want)
	}
}
