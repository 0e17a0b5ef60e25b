package endcut

import (
	"bufio"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// start starts h on a server w follows.
func start(t *testing.T, w *Watch, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Listener = w.Listener(srv.Listener)
	srv.Config.ConnState = w.ConnState
	srv.Start()
	return srv
}

// A request whose answer the server still awaits is waited for, however
// long: Cut returns once it is answered, and cuts nothing.
func TestCutWaitsForARequestAwaitingItsAnswer(t *testing.T) {
	var w Watch
	release, entered := make(chan struct{}), make(chan struct{})
	srv := start(t, &w, func(rw http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		io.WriteString(rw, "answer")
	})
	defer srv.Close()
	got := make(chan string)
	go func() {
		resp, err := http.Get(srv.URL)
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- string(b)
	}()
	<-entered
	cut := make(chan int)
	go func() { cut <- w.Cut(srv.CloseClientConnections) }()
	close(release)
	if b := <-got; b != "answer" {
		t.Errorf("the client got %q; want the answer", b)
	}
	if n := <-cut; n != 0 {
		t.Errorf("Cut cut %d connection(s); want none", n)
	}
}

// A response the client stopped reading, and an endless stream that
// sends nothing more, are cut off once they stall; Close then returns.
func TestCutCutsStalledResponses(t *testing.T) {
	var w Watch
	srv := start(t, &w, func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/stream" {
			io.WriteString(rw, "data: one\n\n")
			rw.(http.Flusher).Flush()
			<-r.Context().Done() // holds the stream open until cut off
			return
		}
		big := strings.Repeat("x", 1<<20)
		for r.Context().Err() == nil {
			if _, err := io.WriteString(rw, big); err != nil {
				return
			}
		}
	})
	for _, p := range []string{"/stream", "/big"} {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := bufio.NewReader(resp.Body).ReadByte(); err != nil {
			t.Fatal(err)
		} // and the body is never closed
	}
	if n := w.Cut(srv.CloseClientConnections); n != 2 {
		t.Errorf("Cut cut %d connection(s); want 2", n)
	}
	srv.Close() // returns: nothing is left open
}

// With nothing open, Cut returns at once.
func TestCutWithNothingOpen(t *testing.T) {
	var w Watch
	srv := start(t, &w, func(rw http.ResponseWriter, r *http.Request) { io.WriteString(rw, "ok") })
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	io.ReadAll(resp.Body)
	resp.Body.Close()
	if n := w.Cut(func() { t.Error("Cut cut connections with none open") }); n != 0 {
		t.Errorf("Cut = %d; want 0", n)
	}
}
