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
	if !strings.Contains(ft.errors(), "control character in header X-Note") {
		t.Errorf("the test did not fail naming the header: %q", ft.errors())
	}
}
