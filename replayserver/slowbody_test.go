package replayserver_test

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

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

// A round trip of NewTransport still reading a request body when its test
// ends logs its warning, and reports its miss, to the standard logger:
// calling the test's Logf or Errorf after it ended panics the test binary
// (with -count or -bench, a round trip left over from one test fired in
// the next). The fake test ends while the round trip waits; the body
// ends, on the fake clock, long after the warning.
func TestASlowBodyAfterTheTestEndedIsLoggedElsewhere(t *testing.T) {
	var out strings.Builder
	log.SetOutput(&lockedWriter{w: &out})
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	t.Setenv(replayserver.EnvMode, "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/v1/chat")
	synctest.Test(t, func(t *testing.T) {
		ft := newFakeTB(t)
		tr := replayserver.NewTransport(ft, path)
		pr, pw := io.Pipe()
		req, _ := http.NewRequest("POST", "http://api.example.com/v1/chat", pr)
		done := make(chan struct{})
		go func() {
			defer close(done)
			resp, err := tr.RoundTrip(req)
			if err == nil {
				resp.Body.Close()
			}
		}()
		go func() {
			pw.Write([]byte(`{"say":"hello"}`))
			time.Sleep(time.Minute) // on the fake clock: after the warning
			pw.Close()
		}()
		synctest.Wait() // the round trip waits for the body
		ft.finish()     // the test ends
		<-done
		if late := ft.lateCalls(); late != "" {
			t.Errorf("the test was called after it ended (a real one panics):\n%s", late)
		}
	})
	got := out.String()
	for _, want := range []string{"has not ended after 10s", "POST http://api.example.com/v1/chat", "no cassette"} {
		if !strings.Contains(got, want) {
			t.Errorf("the standard log lacks %q; it has:\n%s", want, got)
		}
	}
}

// A lockedWriter serializes writes to w.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// GetBody alone does not make a body one in memory (a client may reopen a
// file or a stream with it): a body that does not end is still logged
// (found by a review).
func TestABodyWithGetBodyThatDoesNotEndIsLogged(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		t.Setenv(replayserver.EnvMode, "")
		path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/v1/chat")
		logged := make(chan string, 10)
		tr := replayserver.NewTransport(t, path, replayserver.Logf(func(format string, args ...any) {
			logged <- fmt.Sprintf(format, args...)
		}))
		pr, pw := io.Pipe()
		req, _ := http.NewRequest("POST", "http://api.example.com/v1/chat", pr)
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(`{"say":"hello"}`)), nil }
		done := make(chan struct{})
		go func() {
			defer close(done)
			if resp, err := tr.RoundTrip(req); err == nil {
				resp.Body.Close()
			}
		}()
		pw.Write([]byte(`{"say":"hello"}`))
		time.Sleep(time.Minute) // on the fake clock: past slowbody.After
		warned := false
		for len(logged) > 0 {
			if strings.Contains(<-logged, "has not ended") {
				warned = true
			}
		}
		if !warned {
			t.Errorf("a request body with GetBody set that had not ended after a minute was not logged")
		}
		pw.Close()
		<-done
	})
}
