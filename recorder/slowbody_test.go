package recorder_test

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/cassette-go/cassette/recorder"
)

// A request whose body does not end (a full-duplex stream) is forwarded
// and recorded once it ends, as any request: after ten seconds the log says
// why. The test runs in a synctest bubble, on a fake clock that moves only
// when every goroutine waits, here for the body.
func TestARequestBodyThatDoesNotEndIsLogged(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		logged := make(chan string, 10)
		api := roundTripFunc(func(req *http.Request) (*http.Response, error) {
			b, _ := io.ReadAll(req.Body)
			return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("got " + string(b))), Request: req}, nil
		})
		rt := recorder.NewTransport(t, filepath.Join(t.TempDir(), "api"), recorder.Transport(api),
			recorder.Logf(func(format string, args ...any) { logged <- fmt.Sprintf(format, args...) }))
		pr, pw := io.Pipe()
		req, _ := http.NewRequest("POST", "http://api.example.com/v1/chat", pr)
		done := make(chan error, 1)
		go func() {
			resp, err := rt.RoundTrip(req)
			if err == nil {
				io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			done <- err
		}()
		pw.Write([]byte(`{"say":"hello"}`))
		line := <-logged
		for _, want := range []string{"recorder: POST http://api.example.com/v1/chat", "has not ended after 10s", "15 bytes read", "full-duplex"} {
			if !strings.Contains(line, want) {
				t.Errorf("log line %q lacks %q", line, want)
			}
		}
		pw.Close()
		if err := <-done; err != nil {
			t.Fatalf("RoundTrip: %v", err)
		}
	})
}
