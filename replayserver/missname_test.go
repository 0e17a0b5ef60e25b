package replayserver_test

import (
	"bufio"
	"errors"
	"io"
	"net"
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

// The line under the name tells the truth in the cases the test above
// leaves out. With an Upstream, a request to the server's own address is
// named with the upstream's host, not the server's address: the report
// said "its host, api.example.com, is the server's own address". And a
// tunnel (a CONNECT of a client given the server as its HTTPS proxy) is
// answered by no cassette, of any host: the report said a cassette of
// any host answers it, above the note saying no mode replays it.
func TestMissReportsHostLineForAnUpstreamAndATunnel(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv("CI", "true")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/x")
	report := func(t *testing.T, opts []replayserver.Option, send func(srv *replayserver.Server) string) string {
		ft := newFakeTB(t)
		var body string
		ft.do(func() {
			srv := replayserver.New(ft, path, append(opts, replayserver.WithMode(replayserver.ModeReplay))...)
			body = send(srv)
		})
		ft.finish()
		return body
	}
	t.Run("upstream's host is not called the server's address", func(t *testing.T) {
		r := report(t, []replayserver.Option{replayserver.Upstream("https://api.example.com")}, func(srv *replayserver.Server) string {
			resp, err := http.Get(srv.URL + "/missing")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return string(b)
		})
		if strings.Contains(r, "api.example.com, is the server's own address") {
			t.Errorf("report of a miss at the server's own address, with Upstream https://api.example.com:\n%s\ncalls the upstream's host the server's own address", r)
		}
		if want := "(its host, api.example.com, is the upstream's: the request came to the server's own address"; !strings.Contains(r, want) {
			t.Errorf("report of a miss at the server's own address, with Upstream https://api.example.com:\n%s\nwant it to say %q", r, want)
		}
	})
	t.Run("a tunnel is not said to be answered by a cassette", func(t *testing.T) {
		r := report(t, nil, func(srv *replayserver.Server) string {
			c, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			io.WriteString(c, "CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n")
			resp, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: "CONNECT"})
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return string(b)
		})
		if !strings.Contains(r, "asks this server for a tunnel") {
			t.Fatalf("report of a CONNECT 127.0.0.1:1 sent to the server:\n%s\nwant it to be a tunnel's", r)
		}
		if strings.Contains(r, "answers it") {
			t.Errorf("report of a tunnel to 127.0.0.1:1:\n%s\nsays a cassette answers it", r)
		}
	})
}
