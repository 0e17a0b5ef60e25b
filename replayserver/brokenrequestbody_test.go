package replayserver_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// failingBody is a request body whose reading fails after a few bytes:
// the client's own upload breaking (a file that cannot be read).
type failingBody struct{ sent bool }

func (b *failingBody) Read(p []byte) (int, error) {
	if !b.sent {
		b.sent = true
		return copy(p, "part"), nil
	}
	return 0, errors.New("the client's file cannot be read")
}

// A request whose body the client breaks (its reader fails, or its
// chunked encoding is malformed) got no answer by its client's fault, not
// the upstream's: a rerecording keeps what it recorded. Since passthrough
// and rerecord forward the body as it comes (9ffdfae), the body failing
// while it was forwarded was taken for the upstream not answering, and
// the rerecording kept the old library and failed the test, saying the
// upstream did not answer; before, the body was read first, and its
// failure answered 400 (by the server) or returned (by the transport).
func TestRerecordIsNotFailedByAClientsBrokenRequestBody(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "fine")
	}))
	defer api.Close()
	for _, transport := range []bool{false, true} {
		t.Run(fmt.Sprintf("transport=%v", transport), func(t *testing.T) {
			t.Setenv("CASSETTE_MODE", "")
			t.Setenv("TMPDIR", t.TempDir())
			path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/old")
			ft := newFakeTB(t)
			ft.do(func() {
				opts := []replayserver.Option{replayserver.WithMode(replayserver.ModeRerecord), replayserver.Upstream(api.URL)}
				if transport {
					client := &http.Client{Transport: replayserver.NewTransport(ft, path, opts...)}
					resp, err := client.Get(api.URL + "/fine")
					if err != nil {
						t.Fatal(err)
					}
					io.ReadAll(resp.Body)
					resp.Body.Close()
					req, _ := http.NewRequest("POST", api.URL+"/upload", &failingBody{})
					if resp, err := client.Do(req); err == nil {
						resp.Body.Close()
						t.Errorf("POST with a body that fails: got %s, want an error", resp.Status)
					}
					return
				}
				srv := replayserver.New(ft, path, opts...)
				do(t, rawClient(), srv.URL, call{"GET", "/fine", ""})
				u, _ := url.Parse(srv.URL)
				conn, err := net.Dial("tcp", u.Host)
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close()
				fmt.Fprintf(conn, "POST /upload HTTP/1.1\r\nHost: %s\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", u.Host)
				resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusBadRequest {
					t.Errorf("POST with a malformed chunked body: status %d, want 400 (the client's fault)", resp.StatusCode)
				}
			})
			ft.finish()
			if errs := ft.errors(); errs != "" {
				t.Errorf("the rerecording failed the test: %s; want it to pass (the upstream answered every request it got whole)", errs)
			}
			if names := libraryNames(t, path); len(names) != 1 || !strings.Contains(names[0], "fine") {
				t.Errorf("after the rerecord the library holds %q; want the cassette of /fine only", names)
			}
		})
	}
}
