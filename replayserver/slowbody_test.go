package replayserver_test

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/cassette-go/cassette/replayserver"
)

// A request whose body does not end (a full-duplex stream, whose client
// waits for an answer before it ends its body) is not answered until it
// ends, as any request: after ten seconds the log says why. The test runs
// in a synctest bubble, on a fake clock that moves only when every
// goroutine waits, here for the body.
func TestARequestBodyThatDoesNotEndIsLogged(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		t.Setenv(replayserver.EnvMode, "")
		path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/v1/chat")
		logged := make(chan string, 10)
		tr := replayserver.NewTransport(t, path, replayserver.Logf(func(format string, args ...any) {
			logged <- fmt.Sprintf(format, args...)
		}))
		pr, pw := io.Pipe()
		req, _ := http.NewRequest("POST", "http://api.example.com/v1/chat", pr)
		done := make(chan error, 1)
		go func() {
			resp, err := tr.RoundTrip(req)
			if err == nil {
				resp.Body.Close()
			}
			done <- err
		}()
		pw.Write([]byte(`{"say":"hello"}`))
		line := <-logged
		for _, want := range []string{"POST http://api.example.com/v1/chat", "has not ended after 10s", "15 bytes read", "full-duplex"} {
			if !strings.Contains(line, want) {
				t.Errorf("log line %q lacks %q", line, want)
			}
		}
		pw.Close()
		<-done // a miss: the recorded request had no body
		for len(logged) > 0 {
			if l := <-logged; strings.Contains(l, "has not ended") {
				t.Errorf("logged twice: %q", l)
			}
		}
	})
}
