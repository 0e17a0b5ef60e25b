package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// setShutdownTimeout sets shutdownTimeout to d for the test.
func setShutdownTimeout(t *testing.T, d time.Duration) {
	t.Helper()
	old := shutdownTimeout
	shutdownTimeout = d
	t.Cleanup(func() { shutdownTimeout = old })
}

// endlessAPI returns the URL of an API whose /events is an event stream
// that sends one event and then nothing more until the test ends, and
// whose /slow sends 10 of the 100 bytes of its body and then nothing more;
// any other path answers "ok PATH".
func endlessAPI(t *testing.T) string {
	t.Helper()
	release := make(chan struct{})
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/events":
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, "data: one\n\n")
		case "/slow":
			w.Header().Set("Content-Length", "100")
			io.WriteString(w, "0123456789")
		case "/trickle": // a byte every 10ms, for far longer than a test
			w.Header().Set("Content-Length", "1000000")
			tick := time.NewTicker(10 * time.Millisecond)
			defer tick.Stop()
			for {
				io.WriteString(w, "0")
				w.(http.Flusher).Flush()
				select {
				case <-tick.C:
				case <-release:
					return
				case <-r.Context().Done():
					return
				}
			}
		default:
			io.WriteString(w, "ok "+r.URL.Path)
			return
		}
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(api.Close)
	t.Cleanup(func() { close(release) }) // first: api.Close waits for the handlers
	return api.URL
}

// open GETs url and returns once want, the start of its body, has
// arrived. The body is closed when the test ends.
func open(t *testing.T, url, want string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	got := make([]byte, len(want))
	if _, err := io.ReadFull(resp.Body, got); err != nil || string(got) != want {
		t.Fatalf("GET %s: body starts %q, %v; want %q", url, got, err, want)
	}
}

// waitStderr waits up to 5 seconds for stderr to contain s.
func waitStderr(t *testing.T, stderr *lockedBuffer, s string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if strings.Contains(stderr.String(), s) {
			return
		}
	}
	t.Fatalf("stderr does not say %q within 5s:\n%s", s, stderr.String())
}

// A recordingServer is a command that records through a server.
type recordingServer struct {
	name string
	args []string // the command line, PATH last
}

// recordingServers returns the commands that record through a server,
// each into a new library, forwarding to upstream.
func recordingServers(t *testing.T, upstream string) []recordingServer {
	dir := t.TempDir()
	return []recordingServer{
		{"record", []string{"record", "-upstream", upstream, filepath.Join(dir, "rec")}},
		{"serve -mode record", []string{"serve", "-mode", "record", "-upstream", upstream, filepath.Join(dir, "serve.yaml")}},
	}
}

// checkRecorded checks that the library of s holds exactly the
// cassettes of the paths want, each with one exchange.
func checkRecorded(t *testing.T, s recordingServer, upstream string, want ...string) {
	t.Helper()
	var got []string
	for _, c := range loadAll(t, s.args[len(s.args)-1]) {
		if len(c.Exchanges) != 1 {
			t.Errorf("cassette %s holds %d exchanges, want 1", c.Name, len(c.Exchanges))
			continue
		}
		got = append(got, strings.TrimPrefix(c.Exchanges[0].Request.URL, upstream))
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("%s saved the requests %q, want %q", s.name, got, want)
	}
}

// stoppedAs waits up to limit (after what) for the command p, run as s,
// to exit, and checks its exit status and that its stderr says each of
// wants; a want may start with "PREFIX", which stands for the command's
// prefix ("cassette record: ").
func stoppedAs(t *testing.T, p *proc, s recordingServer, what string, limit time.Duration, wantCode int, wants ...string) {
	t.Helper()
	code, ok := p.exited(limit)
	if !ok {
		t.Fatalf("%s did not exit within %v of %s; stderr:\n%s", s.name, limit, what, p.stderr.String())
	}
	if code != wantCode {
		t.Errorf("%s exited with %d, want %d; stderr:\n%s", s.name, code, wantCode, p.stderr.String())
	}
	stderr := p.stderr.String()
	prefix := "cassette " + s.args[0] + ": "
	for _, want := range wants {
		want = strings.Replace(want, "PREFIX", prefix, 1)
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
}

// TestStopWaitsThenCutsOffOpenRequests interrupts a recording server while
// a client holds open through it an event stream and a response whose
// body has not all come: it must say that it waits for them, cut them off
// when the wait is over, save what it recorded (the stream up to there)
// and say what became of them, where it used to wait in silence and end
// with "shutdown: context deadline exceeded" and status 0.
func TestStopWaitsThenCutsOffOpenRequests(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	setShutdownTimeout(t, 200*time.Millisecond)
	api := endlessAPI(t)
	for _, s := range recordingServers(t, api) {
		t.Run(s.name, func(t *testing.T) {
			p := start(t, s.args...)
			base := p.baseURL()
			if code, body := get(t, base+"/plain"); code != 200 || body != "ok /plain" {
				t.Fatalf("GET /plain = %d %q", code, body)
			}
			open(t, base+"/events", "data: one\n\n")
			open(t, base+"/slow", "0123456789")
			p.cancel()
			// Exit status 1: it cut off a request it did not record.
			stoppedAs(t, p, s, "the interrupt", 10*time.Second, exitError,
				"PREFIXstopping: waiting up to 200ms for 2 open request(s) to end; Ctrl-C again stops at once\n",
				"PREFIXstopped after waiting 200ms, cutting off 2 open request(s)\n",
				"PREFIX2 request(s) cut off by the stop: 1 stored as far as it had come (a stream), 1 not recorded (the log above says why); record it again and let it end before stopping\n",
				"/slow: response not stored")
			stderr := p.stderr.String()
			if strings.Contains(stderr, "deadline exceeded") {
				t.Errorf("stderr speaks of a deadline:\n%s", stderr)
			}
			checkRecorded(t, s, api, "/events", "/plain")
		})
	}
}

// TestSecondInterruptStopsAtOnce interrupts a recording server twice while
// a client holds a request open through it: the second interrupt must stop
// it at once and save what was recorded. An event stream is stored as far
// as it came (the interrupt used to be ignored); a response with a
// Content-Length whose body goes on coming is cut off and not recorded
// (the server used to go on reading it for UpstreamTimeout, a minute).
func TestSecondInterruptStopsAtOnce(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	setShutdownTimeout(t, 30*time.Second) // far more than the 5s the second interrupt is given
	api := endlessAPI(t)
	for _, tc := range []struct {
		path, start string // the request held open, and the start of its body
		code        int
		wants       []string
		recorded    []string
	}{
		{"/events", "data: one\n\n", exitOK, []string{
			"PREFIXstopped at once, cutting off 1 open request(s)\n",
			"PREFIX1 request(s) cut off by the stop, stored as far as it had come (a stream: replay ends it there)\n",
			"a stream cut off by the stop of the recording server, stored up to there",
		}, []string{"/events", "/plain"}},
		{"/trickle", "0", exitError, []string{
			"PREFIXstopped at once, cutting off 1 open request(s)\n",
			"/trickle: response not stored",
			"(the server stopped)",
		}, []string{"/plain"}},
	} {
		for _, s := range recordingServers(t, api) {
			t.Run(tc.path+"/"+s.name, func(t *testing.T) {
				p := start(t, s.args...)
				base := p.baseURL()
				if code, body := get(t, base+"/plain"); code != 200 || body != "ok /plain" {
					t.Fatalf("GET /plain = %d %q", code, body)
				}
				open(t, base+tc.path, tc.start)
				p.cancel()
				waitStderr(t, &p.stderr, "stopping: waiting up to 30s for 1 open request(s) to end; Ctrl-C again stops at once\n")
				p.now()
				stoppedAs(t, p, s, "the second interrupt", 5*time.Second, tc.code, tc.wants...)
				// Not told otherwise by a line of ReverseProxy's own.
				if out := p.stderr.String(); strings.Contains(out, "the client stopped") || strings.Contains(out, "ReverseProxy read error") {
					t.Errorf("stderr says the client stopped, or has ReverseProxy's read error:\n%s", out)
				}
				checkRecorded(t, s, api, tc.recorded...)
			})
		}
	}
}

// leaveTrickle GETs /trickle through the recording server at base, reads
// its first byte and closes the body: the client leaves, and the server
// reads on to record the body.
func leaveTrickle(t *testing.T, base string) {
	t.Helper()
	resp, err := http.Get(base + "/trickle")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(resp.Body, make([]byte, 1)); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

// TestSecondInterruptEndsReadsOfBodiesWhoseClientLeft: a client closes
// early a response with a Content-Length whose body goes on coming, and
// the recording server reads on to record it. Interrupted, it says what it
// waits for; a second interrupt gives that response up, says so, and
// exits with status 1, whether or not other requests are still open to be
// cut off. It used to wait in silence for UpstreamTimeout (a minute), or,
// when it cut off other requests, drop the response with only a log line
// and exit 0.
func TestSecondInterruptEndsReadsOfBodiesWhoseClientLeft(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	setShutdownTimeout(t, 30*time.Second)
	api := endlessAPI(t)
	for _, tc := range []struct {
		name   string
		stream bool   // an event stream is open too, to be cut off
		wait   string // what the first interrupt says
	}{
		{"alone", false, "waiting for 1 response(s) still coming from the upstream, whose client left before their end, to record them; Ctrl-C again stops at once\n"},
		{"with a stream open", true, "stopping: waiting up to 30s for"},
	} {
		for _, s := range recordingServers(t, api) {
			t.Run(tc.name+"/"+s.name, func(t *testing.T) {
				p := start(t, s.args...)
				base := p.baseURL()
				leaveTrickle(t, base)
				if tc.stream {
					open(t, base+"/events", "data: one\n\n")
				}
				p.cancel()
				waitStderr(t, &p.stderr, tc.wait)
				p.now()
				// Exit status 1: a response it read for the library was lost.
				stoppedAs(t, p, s, "the second interrupt", 5*time.Second, exitError,
					"PREFIXgiving up 1 response(s) whose client left, still coming from the upstream\n",
					"/trickle: response not stored",
					"(the server stopped)",
					"PREFIX1 response(s) whose client had left not recorded (the log above says why); record them again and let them end before stopping\n")
			})
		}
	}
}

func TestReportCut(t *testing.T) {
	tests := []struct {
		why         string
		cut, stored int
		recording   bool
		want        string // "" for nothing
		code        int
	}{
		{"nothing cut off", 0, 0, true, "", exitOK},
		{"a stream cut off and stored", 1, 1, true,
			"cassette record: 1 request(s) cut off by the stop, stored as far as it had come (a stream: replay ends it there)\n", exitOK},
		{"streams cut off and stored", 2, 2, true,
			"cassette record: 2 request(s) cut off by the stop, stored as far as they had come (streams: replay ends them there)\n", exitOK},
		{"a response cut off", 1, 0, true,
			"cassette record: 1 request(s) cut off by the stop and not recorded (the log above says why); record it again and let it end before stopping\n", exitError},
		{"both", 3, 1, true,
			"cassette record: 3 request(s) cut off by the stop: 1 stored as far as it had come (a stream), 2 not recorded (the log above says why); record them again and let them end before stopping\n", exitError},
		{"more stored than cut: others ended meanwhile", 1, 2, true,
			"cassette record: 1 request(s) cut off by the stop, stored as far as it had come (a stream: replay ends it there)\n", exitOK},
		{"replaying", 2, 0, false, "cassette record: 2 request(s) cut off by the stop\n", exitOK},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			var b strings.Builder
			code := reportCut(&b, "cassette record", tt.cut, tt.stored, tt.recording)
			if code != tt.code || b.String() != tt.want {
				t.Errorf("reportCut(%d cut, %d stored, recording %v) = %d, wrote %q; want %d, %q", tt.cut, tt.stored, tt.recording, code, b.String(), tt.code, tt.want)
			}
		})
	}
}
