package recorder_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cassette-go/cassette/internal/brokenoff"
	"github.com/cassette-go/cassette/recorder"
)

// resetConn closes conn with a TCP reset rather than an orderly close.
func resetConn(t *testing.T, conn net.Conn) {
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	} else {
		t.Errorf("hijacked a %T, want a *net.TCPConn", conn)
	}
	conn.Close()
}

// resettingUpstream resets the connection of every request: before
// answering, or, midBody, after the headers and the first bytes of a
// chunked body, once the test says the client has them (headersSeen).
func resettingUpstream(t *testing.T, midBody bool) (api *httptest.Server, headersSeen chan<- struct{}) {
	seen := make(chan struct{}, 1)
	api = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		if midBody {
			buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n")
			buf.Flush()
			select {
			case <-seen:
			case <-time.After(time.Minute): // a bound, not a synchronization
				t.Error("the client never saw the headers")
			}
		}
		resetConn(t, conn)
	}))
	t.Cleanup(api.Close)
	return api, seen
}

func TestUpstreamFaultsStoreNothing(t *testing.T) {
	for _, rc := range recordings {
		t.Run(rc.name+"/connection refused", func(t *testing.T) {
			path := t.TempDir()
			var recorded names
			var lg logs
			client, base, wait := rc.start(t, "http://"+refusedAddr(t), path, recorded.add, recorder.Logf(lg.logf))
			checkGatewayError(t, rc.name, client, base+"/refused", http.StatusBadGateway)
			wait()
			checkNothingStored(t, path, &recorded)
			// The log says why the library lacks it, once.
			if got := lg.with("/refused"); len(got) != 1 || !strings.Contains(got[0], "connection refused") {
				t.Errorf("logged %q; want one line saying GET /refused failed, and why", got)
			}
		})
		t.Run(rc.name+"/reset before the headers", func(t *testing.T) {
			api, _ := resettingUpstream(t, false)
			path := t.TempDir()
			var recorded names
			client, base, wait := rc.start(t, api.URL, path, recorded.add, quietErrors())
			checkGatewayError(t, rc.name, client, base+"/reset", http.StatusBadGateway)
			wait()
			checkNothingStored(t, path, &recorded)
		})
		t.Run(rc.name+"/reset mid-body", func(t *testing.T) {
			api, headersSeen := resettingUpstream(t, true)
			path := t.TempDir()
			var recorded names
			var broken errs
			t.Cleanup(func() { // told when the recording ends: for the transport, at the end of the test
				if got := broken.list(); len(got) != 1 || !strings.Contains(got[0], "GET "+api.URL+"/reset-mid-body: response not stored: the upstream broke off its body") {
					t.Errorf("OnBrokenBody got %q; want the broken body once", got)
				}
			})
			client, base, wait := rc.start(t, api.URL, path, recorded.add, quietErrors(), recorder.OnBrokenBody(broken.addNamed))
			resp, err := client.Get(base + "/reset-mid-body")
			if err != nil {
				t.Fatalf("GET /reset-mid-body = %v, want the headers (they were sent)", err)
			}
			headersSeen <- struct{}{}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || err == nil {
				t.Errorf("GET /reset-mid-body = %d, read %q, %v; want 200 and a failing body read", resp.StatusCode, body, err)
			}
			wait()
			checkNothingStored(t, path, &recorded)
		})
		t.Run(rc.name+"/header timeout", func(t *testing.T) {
			api := hangingUpstream(t)
			path := t.TempDir()
			var recorded names
			var lg logs
			client, base, wait := rc.start(t, api.URL, path, recorded.add, recorder.Logf(lg.logf), recorder.UpstreamTimeout(time.Millisecond))
			checkGatewayError(t, rc.name, client, base+"/hang", http.StatusGatewayTimeout)
			wait()
			checkNothingStored(t, path, &recorded)
			if got := lg.with("/hang"); len(got) != 1 || !strings.Contains(got[0], "UpstreamTimeout") {
				t.Errorf("logged %q; want one line saying GET /hang got no headers in time, naming UpstreamTimeout", got)
			}
		})
	}
}

// quietErrors keeps the failures to forward out of the test log.
func quietErrors() recorder.Option { return recorder.Logf(func(string, ...any) {}) }

// checkGatewayError checks that GET url fails: for the proxy with status
// code, for the transport with an error.
func checkGatewayError(t *testing.T, recording string, client *http.Client, url string, code int) {
	t.Helper()
	resp, err := client.Get(url)
	if recording == "transport" {
		if err == nil {
			resp.Body.Close()
			t.Errorf("GET %s through the transport = %d, want an error", url, resp.StatusCode)
		}
		return
	}
	if err != nil {
		t.Fatalf("GET %s through the proxy = %v, want status %d", url, err, code)
	}
	b, err := io.ReadAll(bufio.NewReader(resp.Body))
	resp.Body.Close()
	if resp.StatusCode != code || err != nil {
		t.Errorf("GET %s through the proxy = %d %q, %v; want %d", url, resp.StatusCode, b, err, code)
	}
}

func checkNothingStored(t *testing.T, path string, recorded *names) {
	t.Helper()
	if lib := readLibrary(t, path); len(lib) != 0 || len(recorded.list()) != 0 {
		t.Errorf("library holds %d cassettes, OnRecord got %q; want nothing stored", len(lib), recorded.list())
	}
}

// TestNewFailsTheTestOnABrokenBody: by default New and NewTransport fail
// the test when the upstream breaks off a body, which was not stored: the
// library would lack a cassette for a request that was answered.
func TestNewFailsTheTestOnABrokenBody(t *testing.T) {
	for _, name := range []string{"New", "NewTransport"} {
		t.Run(name, func(t *testing.T) {
			api, headersSeen := resettingUpstream(t, true)
			ft := &fakeTB{TB: t}
			var client *http.Client
			base := api.URL
			if name == "New" {
				rec := recorder.New(ft, api.URL, t.TempDir())
				client, base = &http.Client{}, rec.URL
			} else {
				client = &http.Client{Transport: recorder.NewTransport(ft, t.TempDir())}
			}
			resp, err := client.Get(base + "/reset-mid-body")
			if err != nil {
				t.Fatal(err)
			}
			headersSeen <- struct{}{}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			ft.end()
			ft.mu.Lock()
			defer ft.mu.Unlock()
			if len(ft.errors) != 1 || !strings.Contains(ft.errors[0], "response not stored: the upstream broke off its body") || !strings.Contains(ft.errors[0], "sent after it was recorded whole, so the cassette lacks that answer") {
				t.Errorf("the test's failures are %q; want the broken body once", ft.errors)
			}
		})
	}
}

// A client that retries a body the upstream broke off records it whole on
// the retry: the library has its cassette, and the test does not fail
// (the broken attempt is logged). The upstream breaks off the first
// answer of each path only.
func TestABrokenBodyRecordedOnARetryDoesNotFailTheTest(t *testing.T) {
	api := httptest.NewServer(brokenoff.Once())
	defer api.Close()
	for _, name := range []string{"New", "NewTransport"} {
		t.Run(name, func(t *testing.T) {
			ft := &fakeTB{TB: t}
			path := t.TempDir()
			client, base := &http.Client{}, api.URL
			if name == "New" {
				base = recorder.New(ft, api.URL, path).URL
			} else {
				client.Transport = recorder.NewTransport(ft, path)
			}
			got := ""
			for range 2 { // a client that retries a broken body once
				resp, err := client.Get(base + "/flaky-" + name)
				if err != nil {
					continue
				}
				b, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err == nil {
					got = string(b)
					break
				}
			}
			if got != "whole" {
				t.Fatalf("the retry got %q, want whole", got)
			}
			ft.end()
			ft.mu.Lock()
			defer ft.mu.Unlock()
			if len(ft.errors) != 0 {
				t.Errorf("the test failed with %q; the retry recorded the cassette whole", ft.errors)
			}
			if lib := readLibrary(t, path); len(lib) != 1 {
				t.Errorf("the library holds %d cassettes, want the one retried", len(lib))
			}
			if !slices.ContainsFunc(ft.logs, func(l string) bool { return strings.Contains(l, "broke off") }) {
				t.Errorf("the broken attempt was not logged: %q", ft.logs)
			}
		})
	}
}

// An answer recorded whole before another of the same cassette broke off
// (a poll's first answer, then its last, never retried) does not stand
// for it: the test fails (found by a review: it was taken for a retry).
func TestABodyBrokenOffAfterAWholeOneOfItsCassetteFailsTheTest(t *testing.T) {
	var calls atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1)%2 == 1 {
			io.WriteString(w, "running")
			return
		}
		brokenoff.Write(w, 1000, "done")
	}))
	defer api.Close()
	for _, name := range []string{"New", "NewTransport"} {
		t.Run(name, func(t *testing.T) {
			ft := &fakeTB{TB: t}
			client, base := &http.Client{}, api.URL
			if name == "New" {
				base = recorder.New(ft, api.URL, t.TempDir()).URL
			} else {
				client.Transport = recorder.NewTransport(ft, t.TempDir())
			}
			for range 2 {
				resp, err := client.Get(base + "/job")
				if err != nil {
					t.Fatal(err)
				}
				io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			ft.end()
			ft.mu.Lock()
			defer ft.mu.Unlock()
			if len(ft.errors) != 1 || !strings.Contains(ft.errors[0], "broke off") {
				t.Errorf("the test's failures are %q; want the second answer of /job, broken off, once", ft.errors)
			}
		})
	}
}

// A break is made up for by a request of its cassette sent after the
// broken one, whichever the recorder saw end first: here the client closes
// the first body early (the recorder reads the rest in the background),
// sends the request again, which is recorded whole, and only then does
// the upstream break off the first body. The test does not fail (found
// by a review: it did, when the order the ends were seen decided).
func TestABreakSeenAfterALaterRequestWasRecordedIsMadeUpFor(t *testing.T) {
	release := make(chan struct{})
	var calls atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) > 1 {
			io.WriteString(w, "whole")
			return
		}
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789")
		buf.Flush()
		<-release // then the connection closes: the body broke off
	}))
	defer api.Close()
	ft := &fakeTB{TB: t}
	client := &http.Client{Transport: recorder.NewTransport(ft, t.TempDir())}
	resp, err := client.Get(api.URL + "/a")
	if err != nil {
		t.Fatal(err)
	}
	io.ReadFull(resp.Body, make([]byte, 10))
	resp.Body.Close() // the recorder reads the rest in the background
	resp, err = client.Get(api.URL + "/a")
	if err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(resp.Body); err != nil || string(b) != "whole" {
		t.Fatalf("second GET /a: %q, %v", b, err)
	}
	resp.Body.Close()     // recorded whole
	release <- struct{}{} // now the first body breaks off
	ft.end()
	ft.mu.Lock()
	defer ft.mu.Unlock()
	if len(ft.errors) > 0 {
		t.Errorf("the test failed, though a request of /a sent after the broken one was recorded whole: %q", ft.errors)
	}
}

// Three requests of one cassette: 1 breaks off, 2 (sent after 1) is slow
// and recorded whole last, 3 (sent after 2) breaks off while the break of
// 1 is still pending. Request 2 makes up for 1, but nothing sent after 3
// was recorded: the test fails (found by a review: only the first break
// of a cassette was kept, and request 2 made up for both).
func TestABreakAfterARetryIsNotMadeUpForByIt(t *testing.T) {
	release1 := make(chan struct{})
	release2 := make(chan struct{})
	in2 := make(chan struct{})
	var calls atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 2: // slow, whole
			close(in2)
			<-release2
			io.WriteString(w, "whole")
			return
		case 1, 3: // broken off
			conn, buf, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789")
			buf.Flush()
			if calls.Load() == 1 {
				<-release1
			}
		}
	}))
	defer api.Close()
	ft := &fakeTB{TB: t}
	client := &http.Client{Transport: recorder.NewTransport(ft, t.TempDir())}

	resp1, err := client.Get(api.URL + "/a") // request 1 sent
	if err != nil {
		t.Fatal(err)
	}
	done2 := make(chan string)
	go func() { // request 2 sent
		resp, err := client.Get(api.URL + "/a")
		if err != nil {
			done2 <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		done2 <- string(b)
	}()
	<-in2
	close(release1)
	if _, err := io.ReadAll(resp1.Body); err == nil { // request 1 breaks off
		t.Fatal("request 1 did not break off")
	}
	resp1.Body.Close()
	resp3, err := client.Get(api.URL + "/a") // request 3, sent after 2
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(resp3.Body); err == nil { // request 3 breaks off
		t.Fatal("request 3 did not break off")
	}
	resp3.Body.Close()
	close(release2)
	if b := <-done2; b != "whole" { // request 2 recorded whole, last
		t.Fatalf("request 2: %q", b)
	}
	ft.end()
	ft.mu.Lock()
	defer ft.mu.Unlock()
	if len(ft.errors) == 0 {
		t.Errorf("the test passed, though request 3 of /a broke off and no request sent after it was recorded")
	}
}

// The Close of NewTransport's RoundTripper, which a test calls to read the
// library while it runs, does not end the recording: a retry sent after it
// still makes up for a body broken off before it (found by a review).
func TestARetryAfterAMidTestCloseMakesUpForTheBreak(t *testing.T) {
	api := httptest.NewServer(brokenoff.Once())
	defer api.Close()
	ft := &fakeTB{TB: t}
	rt := recorder.NewTransport(ft, t.TempDir())
	client := &http.Client{Transport: rt}
	resp, err := client.Get(api.URL + "/a")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(resp.Body); err == nil {
		t.Fatal("the first body did not break off")
	}
	resp.Body.Close()
	if err := rt.(io.Closer).Close(); err != nil { // to read the library mid-test
		t.Fatal(err)
	}
	resp, err = client.Get(api.URL + "/a") // the retry
	if err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(resp.Body); err != nil || string(b) != "whole" {
		t.Fatalf("retry: %q, %v", b, err)
	}
	resp.Body.Close()
	ft.end()
	ft.mu.Lock()
	defer ft.mu.Unlock()
	if len(ft.errors) > 0 {
		t.Errorf("the test failed, though the retry after a mid-test Close was recorded whole: %q", ft.errors)
	}
}
