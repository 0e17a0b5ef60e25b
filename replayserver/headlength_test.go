package replayserver_test

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// A HEAD answer keeps its recorded Content-Length (the length a GET would
// get), but a hand-edited one that is no length ("", "abc", "-1", two
// different values) made the client refuse the whole response
// ("invalid Content-Length"), from the server, rather than failing the test
// naming the field; it is left out, as the in-process transport reads it.
func TestAHEADAnswerWithAnInvalidContentLengthDoesNotBreakTheClient(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	for _, cl := range [][]string{{""}, {"abc"}, {"-1"}, {"5", "6"}, {"+5"}} {
		t.Run(fmt.Sprint(cl), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "api.json")
			lib, err := library.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest("HEAD", "https://api.example.com/v1/x", nil)
			if err := lib.Append(nameOf(req, nil), library.Exchange{
				Request: library.Request{Method: "HEAD", URL: req.URL.String()},
				Response: library.Response{StatusCode: 200,
					Header: http.Header{"Content-Length": cl, "Content-Type": {"text/plain"}}},
			}); err != nil {
				t.Fatal(err)
			}
			if err := lib.Save(); err != nil {
				t.Fatal(err)
			}
			for _, via := range []string{"server", "transport"} {
				ft := newFakeTB(t)
				ft.do(func() {
					var client *http.Client
					if via == "server" {
						client = replayserver.New(ft, path, replayserver.WithMode(replayserver.ModeReplay)).Client()
					} else {
						client = &http.Client{Transport: replayserver.NewTransport(ft, path, replayserver.WithMode(replayserver.ModeReplay))}
					}
					resp, err := client.Head("https://api.example.com/v1/x")
					if err != nil {
						t.Errorf("%s: the client could not read the response: %v", via, err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						t.Errorf("%s: status %d, want 200", via, resp.StatusCode)
					}
				})
				ft.finish()
				if !strings.Contains(ft.errors(), "Content-Length") || !strings.Contains(ft.errors(), "edit the cassette") {
					t.Errorf("%s: the test did not fail naming the field: %q", via, ft.errors())
				}
			}
		})
	}
}

// A HEAD answer's recorded length that net/http's client reads (one value,
// or the same value repeated) is sent as recorded, failing nothing.
func TestAHEADAnswerKeepsItsRecordedContentLength(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	for _, cl := range [][]string{{"12345"}, {"7", " 7"}, {"0"}} {
		path := filepath.Join(t.TempDir(), "api.json")
		lib, err := library.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("HEAD", "https://api.example.com/v1/x", nil)
		if err := lib.Append(nameOf(req, nil), library.Exchange{
			Request:  library.Request{Method: "HEAD", URL: req.URL.String()},
			Response: library.Response{StatusCode: 200, Header: http.Header{"Content-Length": cl}},
		}); err != nil {
			t.Fatal(err)
		}
		if err := lib.Save(); err != nil {
			t.Fatal(err)
		}
		srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeReplay))
		resp, err := srv.Client().Head("https://api.example.com/v1/x")
		if err != nil {
			t.Fatalf("%q: %v", cl, err)
		}
		resp.Body.Close()
		if want := strings.TrimSpace(cl[0]); resp.Header.Get("Content-Length") != want {
			t.Errorf("%q: Content-Length %q, want %q", cl, resp.Header.Get("Content-Length"), want)
		}
	}
}
