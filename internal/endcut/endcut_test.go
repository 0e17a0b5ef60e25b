package endcut

import (
	"bufio"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// start starts h on a server w follows.
func start(t *testing.T, w *Watch, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(w.Handler(h))
	t.Cleanup(srv.Close)
	return srv
}

// send sends req in a goroutine of its own, and gives its body, or the
// error.
func send(req *http.Request) <-chan string {
	got := make(chan string, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- string(b)
	}()
	return got
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
	req, _ := http.NewRequest("GET", srv.URL, nil)
	got := send(req)
	<-entered
	cut := make(chan int)
	go func() { cut <- w.Cut(srv.CloseClientConnections) }()
	close(release)
	if b := <-got; b != "answer" {
		t.Errorf("the client got %q; want the answer", b)
	}
	if n := <-cut; n != 0 {
		t.Errorf("Cut cut %d request(s); want none", n)
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
		t.Errorf("Cut cut %d request(s); want 2", n)
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

// A request whose answer is still awaited is waited for even when others
// have stalled, and even when its client was sent an interim 100 Continue
// (Expect: 100-continue, as SDKs send for large bodies).
func TestCutWaitsWhileAnAnswerIsAwaited(t *testing.T) {
	var w Watch
	release := make(chan struct{})
	entered := make(chan struct{}, 2)
	srv := start(t, &w, func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/stream" {
			io.WriteString(rw, "data: one\n\n")
			rw.(http.Flusher).Flush()
			entered <- struct{}{}
			<-r.Context().Done() // stalled, until cut off
			return
		}
		io.ReadAll(r.Body) // sends 100 Continue
		entered <- struct{}{}
		<-release
		io.WriteString(rw, "answer")
	})
	resp, err := http.Get(srv.URL + "/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close() // after Cut
	req, _ := http.NewRequest("POST", srv.URL+"/slow", strings.NewReader(strings.Repeat("b", 1<<20)))
	req.Header.Set("Expect", "100-continue")
	got := send(req)
	<-entered
	<-entered
	cut := make(chan int)
	go func() { cut <- w.Cut(srv.CloseClientConnections) }()
	// Cut must not return while /slow awaits its answer: it cannot, as
	// it cuts only once nothing awaits one. Answer it; then /stream alone
	// is left, stalled, and is cut.
	close(release)
	if b := <-got; b != "answer" {
		t.Errorf("the awaited request got %q; want its answer", b)
	}
	if n := <-cut; n != 1 {
		t.Errorf("Cut cut %d request(s); want 1, the stalled stream", n)
	}
}

// An endless stream that trickles (a few bytes now and then, as a
// heartbeat) never stalls, and its client never reads it to an end: it
// is cut off all the same, after Grace at most.
func TestCutCutsATricklingStream(t *testing.T) {
	var w Watch
	srv := start(t, &w, func(rw http.ResponseWriter, r *http.Request) {
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			io.WriteString(rw, "data: beat\n\n")
			rw.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-tick.C:
			}
		}
	})
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close() // after Cut
	cut := make(chan int, 1)
	go func() { cut <- w.Cut(srv.CloseClientConnections) }()
	select {
	case n := <-cut:
		if n != 1 {
			t.Errorf("Cut cut %d request(s); want the stream", n)
		}
	case <-time.After(time.Minute): // a bound, not a timing assertion
		t.Fatal("Cut still waits for a trickling stream after a minute")
	}
}
