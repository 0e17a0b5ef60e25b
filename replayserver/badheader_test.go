package replayserver_test

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// A hand-edited header value with a control character HTTP forbids would
// make the client reject the whole response: it is sent as a space, and
// the test fails naming the field.
func TestAControlCharacterInAHeaderValueFailsTheTestNotTheClient(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := filepath.Join(t.TempDir(), "api.json")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", "https://api.example.com/v1/x", nil)
	if err := lib.Append(nameOf(req, nil), library.Exchange{
		Request: library.Request{Method: "GET", URL: req.URL.String()},
		Response: library.Response{StatusCode: 200, Body: []byte("fine"),
			Header: http.Header{"X-Note": {"a\x00b"}, "Content-Type": {"text/plain"}}},
	}); err != nil {
		t.Fatal(err)
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	ft := newFakeTB(t)
	ft.do(func() {
		srv := replayserver.New(ft, path, replayserver.WithMode(replayserver.ModeReplay))
		for range 2 {
			resp, err := srv.Client().Get("https://api.example.com/v1/x")
			if err != nil {
				t.Fatalf("the client could not read the response: %v", err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(b) != "fine" || resp.Header.Get("X-Note") != "a b" {
				t.Errorf("got %q with X-Note %q; want %q with %q", b, resp.Header.Get("X-Note"), "fine", "a b")
			}
		}
	})
	ft.finish()
	if !strings.Contains(ft.errors(), "control character in header X-Note, which HTTP does not allow: it was sent as a space; edit the cassette") {
		t.Errorf("the test did not fail naming the header: %q", ft.errors())
	}
}

// Other hand edits (or imports) that would break the client's parsing of
// the whole response: a recorded Transfer-Encoding, which the replay
// server's own framing replaces (a HAR keeps it: not a failure); a field
// HTTP forbids as a trailer and a header name that is not a token, left
// out, failing the test naming them; a control character in a trailer of
// a response kept in a body file, sent as a space.
func TestHeaderFieldsThatWouldBreakTheClient(t *testing.T) {
	for _, tc := range []struct {
		name     string
		resp     library.Response
		bodyFile bool   // keep the body in a body file
		wantFail string // "" for no failure
		check    func(t *testing.T, resp *http.Response)
	}{
		{
			name:     "recorded Transfer-Encoding is the server's own framing",
			resp:     library.Response{StatusCode: 200, Header: http.Header{"Transfer-Encoding": {"gzip"}, "Content-Type": {"text/plain"}}, Body: []byte("fine")},
			wantFail: "",
		},
		{
			name:     "Content-Length as a trailer is left out",
			resp:     library.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/plain"}}, Trailer: http.Header{"Content-Length": {"4"}, "X-Checksum": {"abc"}}, Body: []byte("fine")},
			wantFail: "has a trailer Content-Length, which HTTP does not allow as a trailer: it was left out; edit the cassette",
			check: func(t *testing.T, resp *http.Response) {
				if got := resp.Trailer.Get("X-Checksum"); got != "abc" {
					t.Errorf("trailer X-Checksum = %q; want the other trailers kept (abc)", got)
				}
			},
		},
		{
			name:     "a header name that is not a token is left out",
			resp:     library.Response{StatusCode: 200, Header: http.Header{"X Bad": {"1"}, "Content-Type": {"text/plain"}}, Body: []byte("fine")},
			wantFail: `has a header named "X Bad", which HTTP does not allow`,
		},
		{
			name:     "a control character in a body file's trailer is sent as a space",
			resp:     library.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/plain"}}, Trailer: http.Header{"X-Checksum": {"a\x01b"}}, Body: []byte("fine")},
			bodyFile: true,
			wantFail: "has a control character in trailer X-Checksum",
			check: func(t *testing.T, resp *http.Response) {
				if got := resp.Trailer.Get("X-Checksum"); got != "a b" {
					t.Errorf("trailer X-Checksum = %q; want %q", got, "a b")
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(replayserver.EnvMode, "")
			path := filepath.Join(t.TempDir(), "api")
			lib, err := library.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest("GET", "https://api.example.com/v1/x", nil)
			resp := tc.resp
			if tc.bodyFile {
				toBodyFile(t, lib, &resp)
			}
			if err := lib.Append(nameOf(req, nil), library.Exchange{
				Request:  library.Request{Method: "GET", URL: req.URL.String()},
				Response: resp,
			}); err != nil {
				t.Fatal(err)
			}
			if err := lib.Save(); err != nil {
				t.Fatal(err)
			}
			ft := newFakeTB(t)
			ft.do(func() {
				srv := replayserver.New(ft, path, replayserver.WithMode(replayserver.ModeReplay))
				for range 2 { // the second from the server's memory of the answer
					resp, err := srv.Client().Get("https://api.example.com/v1/x")
					if err != nil {
						t.Fatalf("the client could not read the response: %v", err)
					}
					b, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					if err != nil || string(b) != "fine" {
						t.Fatalf("body = %q, %v; want %q", b, err, "fine")
					}
					if tc.check != nil {
						tc.check(t, resp)
					}
				}
			})
			ft.finish()
			switch got := ft.errors(); {
			case tc.wantFail == "" && got != "":
				t.Errorf("the test failed: %q; want no failure", got)
			case tc.wantFail != "" && !strings.Contains(got, tc.wantFail):
				t.Errorf("failures = %q; want one saying %q", got, tc.wantFail)
			}
		})
	}
}
