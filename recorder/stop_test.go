package recorder_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
	"github.com/cassette-go/cassette/replayserver"
)

// bound is how long a test waits for something that must happen at once:
// far longer than it can take, so it never fails a slow machine, and
// still a failure rather than a hung test when the recorder waits for an
// upstream that never ends.
const bound = time.Minute

// within waits for ch to be closed, or fails the test saying what did
// not happen.
func within(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(bound):
		t.Fatalf("%s: still waiting after %v", what, bound)
	}
}

// logs collects log lines, safe for concurrent use.
type logs struct{ names }

func (l *logs) logf(format string, args ...any) { l.add(fmt.Sprintf(format, args...)) }

// with returns the lines that contain s.
func (l *logs) with(s string) []string {
	var out []string
	for _, line := range l.list() {
		if strings.Contains(line, s) {
			out = append(out, line)
		}
	}
	return out
}

// A never-ending stream, as a Kubernetes watch or a server-sent event
// stream is: the upstream sends each event once the client has read the
// one before (so each arrives as a piece of its own), then sends nothing
// more and holds the stream open until the test ends.
type endlessStream struct {
	contentType string
	events      []string
}

var endlessStreams = []endlessStream{
	{"text/event-stream", []string{"data: one\n\n", "data: two\n\n", "data: three\n\n"}},
	{"application/json", []string{`{"type":"ADDED"}` + "\n", `{"type":"MODIFIED"}` + "\n", `{"type":"DELETED"}` + "\n"}},
}

func (s endlessStream) all() string { return strings.Join(s.events, "") }

// serve starts the upstream. read is to be sent once the client has read
// an event; gone is closed when the upstream's request ends before the
// test does: the recorder closed the upstream body.
func (s endlessStream) serve(t *testing.T) (api *httptest.Server, read chan<- struct{}, gone <-chan struct{}) {
	next := make(chan struct{}, len(s.events))
	ended := make(chan struct{})
	testEnd := make(chan struct{})
	api = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", s.contentType)
		for i, ev := range s.events {
			if i > 0 {
				select {
				case <-next:
				case <-r.Context().Done():
					return
				}
			}
			io.WriteString(w, ev)
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done():
			close(ended)
		case <-testEnd:
		}
	}))
	t.Cleanup(api.Close)
	t.Cleanup(func() { close(testEnd) }) // runs first
	return api, next, ended
}

// readEvents reads the events of s from body, telling the upstream after
// each.
func (s endlessStream) readEvents(t *testing.T, body io.Reader, read chan<- struct{}) {
	t.Helper()
	for _, ev := range s.events {
		got := make([]byte, len(ev))
		if _, err := io.ReadFull(body, got); err != nil || string(got) != ev {
			t.Fatalf("read event %q, %v; want %q", got, err, ev)
		}
		read <- struct{}{}
	}
}

// replay returns what a client gets for GET url from the library at
// path, replayed in process: the whole body, which must end.
func replay(t *testing.T, path, url string) (*http.Response, string) {
	t.Helper()
	t.Setenv(replayserver.EnvMode, "")
	rt := replayserver.NewTransport(t, path, replayserver.WithMode(replayserver.ModeReplay))
	done := make(chan struct{})
	var resp *http.Response
	var body []byte
	var err error
	go func() {
		defer close(done)
		resp, err = (&http.Client{Transport: rt}).Get(url)
		if err == nil {
			body, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
	}()
	within(t, done, "replaying GET "+url)
	if err != nil {
		t.Fatalf("replaying GET %s: %v", url, err)
	}
	return resp, string(body)
}

// A way a client stops reading a stream once it has the events it needs.
type stopping struct {
	name string
	// stop stops reading body, got by a request whose context cancel
	// ends. It returns when the client has stopped; reader, if not nil,
	// is closed once a goroutine the client left reading has returned.
	stop func(body io.ReadCloser, cancel context.CancelFunc) (reader <-chan struct{})
}

var stoppings = []stopping{
	{"closes the body", func(body io.ReadCloser, _ context.CancelFunc) <-chan struct{} {
		body.Close()
		return nil
	}},
	{"closes the body while another goroutine reads it", func(body io.ReadCloser, _ context.CancelFunc) <-chan struct{} {
		reader := readOn(body)
		body.Close()
		return reader
	}},
	{"cancels its request", func(_ io.ReadCloser, cancel context.CancelFunc) <-chan struct{} {
		cancel()
		return nil
	}},
	{"cancels its request while another goroutine reads the body", func(body io.ReadCloser, cancel context.CancelFunc) <-chan struct{} {
		reader := readOn(body)
		cancel()
		return reader
	}},
}

// readOn reads body in a goroutine until it fails, as a watch's decoding
// goroutine does, and closes the channel returned then. It returns once
// the goroutine has started reading, or nearly.
func readOn(body io.Reader) <-chan struct{} {
	done := make(chan struct{})
	started := make(chan struct{})
	go func() {
		defer close(done)
		close(started)
		io.Copy(io.Discard, body)
	}()
	<-started
	return done
}

// TestAStoppedStreamIsStoredAsFarAsItArrived: a client reads the events it
// needs from a stream that never ends, then stops. The recorder stores
// the stream as far as it arrived, says so in one log line, and closes the
// upstream body; replay gives the same events, then ends the stream.
func TestAStoppedStreamIsStoredAsFarAsItArrived(t *testing.T) {
	for _, rc := range recordings {
		for _, s := range endlessStreams {
			for _, st := range stoppings {
				t.Run(rc.name+"/"+s.contentType+"/the client "+st.name, func(t *testing.T) {
					api, read, gone := s.serve(t)
					path := t.TempDir()
					var recorded names
					var logged logs
					client, base, wait := rc.start(t, api.URL, path, recorded.add, recorder.Logf(logged.logf))
					ctx, cancel := context.WithCancel(context.Background())
					defer cancel()
					req, _ := http.NewRequestWithContext(ctx, "GET", base+"/watch?watch=true", nil)
					resp, err := client.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					s.readEvents(t, resp.Body, read)

					stopped := make(chan struct{})
					var reader <-chan struct{}
					go func() {
						defer close(stopped)
						reader = st.stop(resp.Body, cancel)
					}()
					within(t, stopped, "the client stopping")
					within(t, gone, "the upstream's request ending")
					waited := make(chan struct{})
					go func() {
						defer close(waited)
						wait()
					}()
					within(t, waited, "the recording ending")
					if reader != nil {
						within(t, reader, "the client's reading goroutine returning")
					}
					resp.Body.Close()

					_, ex := onlyExchange(t, path)
					if string(ex.Response.Body) != s.all() || len(ex.Response.Chunks) != len(s.events) || len(recorded.list()) != 1 {
						t.Errorf("stored a body %q in %d chunks, OnRecord called %d times; want %q in %d chunks, once",
							ex.Response.Body, len(ex.Response.Chunks), len(recorded.list()), s.all(), len(s.events))
					}
					note := fmt.Sprintf("stored up to there: %d pieces, %d bytes; replay ends it there", len(s.events), len(s.all()))
					if got := logged.with("recorded GET "); len(got) != 1 || !strings.Contains(got[0], "a stream the client stopped (") || !strings.Contains(got[0], note) {
						t.Errorf("logged %q, want one line saying the stream was recorded up to where the client stopped, ending %q", logged.list(), note)
					}

					replayed, body := replay(t, path, api.URL+"/watch?watch=true")
					if body != s.all() || replayed.Header.Get("Content-Type") != s.contentType {
						t.Errorf("replayed %q (Content-Type %q), want the events the client got, %q, then the end (%s)",
							body, replayed.Header.Get("Content-Type"), s.all(), s.contentType)
					}
				})
			}
		}
	}
}

// goingOn starts an upstream that answers a stream (no Content-Length) of
// contentType: head, then next(0), next(1)... every interval, until the
// request or the test ends.
func goingOn(t *testing.T, contentType string, head []byte, every time.Duration, next func(i int) string) *httptest.Server {
	testEnd := make(chan struct{})
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Write(head)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for i := 0; ; i++ {
			io.WriteString(w, next(i))
			w.(http.Flusher).Flush()
			select {
			case <-tick.C:
			case <-r.Context().Done():
				return
			case <-testEnd:
				return
			}
		}
	}))
	t.Cleanup(api.Close)
	t.Cleanup(func() { close(testEnd) }) // runs first
	return api
}

// TestAStoppedChattyStreamIsStoredAsTheClientReadIt: an event stream that
// goes on sending while the client closes it is stored as far as the
// client read it, not as far as the recorder read on to see whether it
// ends, so that replay gives what the client saw.
func TestAStoppedChattyStreamIsStoredAsTheClientReadIt(t *testing.T) {
	api := goingOn(t, "text/event-stream", nil, time.Millisecond, func(i int) string {
		return fmt.Sprintf("data: %04d\n\n", i%10000)
	})
	path := t.TempDir()
	rt := recorder.NewTransport(t, path)
	resp, err := (&http.Client{Transport: rt}).Get(api.URL + "/events")
	if err != nil {
		t.Fatal(err)
	}
	want := "data: 0000\n\ndata: 0001\n\ndata: 0002\n\n"
	got := make([]byte, len(want))
	if _, err := io.ReadFull(resp.Body, got); err != nil || string(got) != want {
		t.Fatalf("read %q, %v; want %q", got, err, want)
	}
	resp.Body.Close()
	flush(t, rt)
	_, ex := onlyExchange(t, path)
	if string(ex.Response.Body) != want {
		t.Errorf("stored %d bytes (%.60q...), want what the client read, %q", len(ex.Response.Body), ex.Response.Body, want)
	}
	sum := 0
	for _, ch := range ex.Response.Chunks {
		sum += ch.Size
	}
	if sum != len(ex.Response.Body) {
		t.Errorf("stored chunks of %d bytes in all (%v) for a body of %d", sum, ex.Response.Chunks, len(ex.Response.Body))
	}
	if _, body := replay(t, path, api.URL+"/events"); body != want {
		t.Errorf("replayed %d bytes (%.60q...), want %q", len(body), body, want)
	}
}

// TestAStoppedStreamIsCutToWhatTheClientReadInABodyFile: the reading on
// after Close may carry a stream's copy over the size at which it goes to
// a body file; the body file is then cut to what the client read too.
func TestAStoppedStreamIsCutToWhatTheClientReadInABodyFile(t *testing.T) {
	first := recorder.SpillSize - 1024 // in memory when the client closes
	// More than fits in memory, then it goes on.
	api := goingOn(t, "application/octet-stream", make([]byte, first+1<<20), 10*time.Millisecond, func(int) string { return "more" })
	path := t.TempDir()
	rt := recorder.NewTransport(t, path)
	resp, err := (&http.Client{Transport: rt}).Get(api.URL + "/stream")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(resp.Body, make([]byte, first)); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	flush(t, rt)
	_, ex := onlyExchange(t, path)
	body, err := ex.Response.ReadBody()
	if err != nil {
		t.Fatal(err)
	}
	if len(body) != first {
		t.Errorf("stored %d bytes (body file %q), want the %d the client read", len(body), ex.Response.BodyFile, first)
	}
}

// TestTransportCloseDoesNotWaitForTheUpstream closes, from the goroutine
// that read it, a stream the upstream holds open until the test ends:
// Close returns, having closed the upstream body.
func TestTransportCloseDoesNotWaitForTheUpstream(t *testing.T) {
	s := endlessStreams[1]
	api, read, gone := s.serve(t)
	path := t.TempDir()
	rt := recorder.NewTransport(t, path)
	resp, err := (&http.Client{Transport: rt}).Get(api.URL + "/watch")
	if err != nil {
		t.Fatal(err)
	}
	s.readEvents(t, resp.Body, read)
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		resp.Body.Close()
	}()
	within(t, closed, "Close of a stream the upstream holds open")
	within(t, gone, "the upstream's request ending")
	flush(t, rt)
	if _, ex := onlyExchange(t, path); string(ex.Response.Body) != s.all() {
		t.Errorf("stored %q, want %q", ex.Response.Body, s.all())
	}
}

// TestReplayServerRecordsAStoppedStream records a stream a client stops
// through a replay server in record mode (its own reverse proxy over the
// recording RoundTripper), then replays it.
func TestReplayServerRecordsAStoppedStream(t *testing.T) {
	s := endlessStreams[0]
	api, read, gone := s.serve(t)
	path := t.TempDir()
	t.Run("record", func(t *testing.T) {
		t.Setenv(replayserver.EnvMode, "")
		srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(api.URL))
		resp, err := http.Get(srv.URL + "/events")
		if err != nil {
			t.Fatal(err)
		}
		s.readEvents(t, resp.Body, read)
		resp.Body.Close()
		within(t, gone, "the upstream's request ending")
	})
	if _, body := replay(t, path, api.URL+"/events"); body != s.all() {
		t.Errorf("replayed %q, want %q", body, s.all())
	}
}

// sizedSlowUpstream answers with a Content-Length of 20 bytes, sends the
// first 10, and the rest once rest is closed; it never sends them if the
// test does not close it. The test ends its requests. GET /other is
// answered at once.
func sizedSlowUpstream(t *testing.T) (api *httptest.Server, rest chan struct{}) {
	rest = make(chan struct{})
	testEnd := make(chan struct{})
	api = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/other" {
			io.WriteString(w, "other")
			return
		}
		w.Header().Set("Content-Length", "20")
		io.WriteString(w, "0123456789")
		w.(http.Flusher).Flush()
		select {
		case <-rest:
			io.WriteString(w, "abcdefghij")
		case <-r.Context().Done():
		case <-testEnd:
		}
	}))
	t.Cleanup(api.Close)
	t.Cleanup(func() { close(testEnd) }) // runs first
	return api, rest
}

// TestABodyOfKnownLengthClosedEarly: a client closes a body with a
// Content-Length before its end. Close does not wait for the rest; the
// recorder reads it in the background and stores the body whole, or, when
// it cannot, stores nothing and logs why and what to do.
func TestABodyOfKnownLengthClosedEarly(t *testing.T) {
	for _, tc := range []struct {
		name    string
		opts    []recorder.Option
		timeout time.Duration // the client's
		// after runs once the client closed the body.
		after  func(rest chan struct{}, cancel context.CancelFunc)
		stored bool
		logged string // what the log says of a body not stored
	}{
		{name: "the rest arrives later: stored whole",
			after:  func(rest chan struct{}, _ context.CancelFunc) { close(rest) },
			stored: true},
		{name: "a client with a Timeout, which ends the request right after Close; the rest arrives later: stored whole",
			timeout: time.Hour,
			after:   func(rest chan struct{}, _ context.CancelFunc) { close(rest) },
			stored:  true},
		{name: "the request is canceled, and the rest arrives later: stored whole",
			// As http.Client does right after Close when it has a Timeout.
			after: func(rest chan struct{}, cancel context.CancelFunc) {
				cancel()
				close(rest)
			},
			stored: true},
		{name: "the request is canceled, and the rest does not arrive: not stored",
			after:  func(_ chan struct{}, cancel context.CancelFunc) { cancel() },
			logged: "response not stored: the client closed the body after 10 of its 20 bytes, and its request ended (the client left, and no more of the body was read for 1s) before the recorder had read the rest; to record it, read the body to its end before ending the request"},
		{name: "the rest does not arrive within UpstreamTimeout: not stored",
			// A transport of its own, which UpstreamTimeout leaves alone,
			// so that only the reading of the rest times out.
			opts:   []recorder.Option{recorder.Transport(&http.Transport{}), recorder.UpstreamTimeout(50 * time.Millisecond)},
			after:  func(chan struct{}, context.CancelFunc) {},
			logged: "response not stored: the client closed the body after 10 of its 20 bytes, and the rest did not arrive within 50ms; to record it, read the body to its end, or raise recorder.UpstreamTimeout (or replayserver.UpstreamTimeout)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api, rest := sizedSlowUpstream(t)
			path := t.TempDir()
			var recorded names
			var logged logs
			rt := recorder.NewTransport(t, path, append([]recorder.Option{onRecord(recorded.add), recorder.Logf(logged.logf)}, tc.opts...)...)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, "GET", api.URL+"/download", nil)
			resp, err := (&http.Client{Transport: rt, Timeout: tc.timeout}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.ReadFull(resp.Body, make([]byte, 10)); err != nil {
				t.Fatal(err)
			}
			closed := make(chan struct{})
			go func() {
				defer close(closed)
				resp.Body.Close()
			}()
			within(t, closed, "Close of a body whose rest has not arrived")
			tc.after(rest, cancel)
			flush(t, rt) // waits for the recorder to have read the rest
			lib := readLibrary(t, path)
			if !tc.stored {
				if len(lib) != 0 || len(recorded.list()) != 0 {
					t.Errorf("library holds %d cassettes, OnRecord got %q; want nothing stored", len(lib), recorded.list())
				}
				if got := logged.with("response not stored"); len(got) != 1 || !strings.HasSuffix(got[0], tc.logged) {
					t.Errorf("logged %q; want one line ending:\n%s", logged.list(), tc.logged)
				}
				return
			}
			if _, ex := onlyExchange(t, path); string(ex.Response.Body) != "0123456789abcdefghij" {
				t.Errorf("stored %q, want the whole body", ex.Response.Body)
			}
		})
	}
}

// TestABodyOfKnownLengthCutShortIsNotStored: a client stops reading a body
// with a Content-Length by canceling its request or leaving the proxy, and
// the rest never comes (the proxy gives up once nothing has come for a
// second). A body cut short would not replay: nothing is stored, and the
// log says why and what to do.
func TestABodyOfKnownLengthCutShortIsNotStored(t *testing.T) {
	for _, rc := range recordings {
		t.Run(rc.name, func(t *testing.T) {
			api, _ := sizedSlowUpstream(t)
			path := t.TempDir()
			var recorded names
			var logged logs
			client, base, wait := rc.start(t, api.URL, path, recorded.add, recorder.Logf(logged.logf))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, "GET", base+"/download", nil)
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.ReadFull(resp.Body, make([]byte, 10)); err != nil {
				t.Fatal(err)
			}
			reader := readOn(resp.Body)
			cancel()
			within(t, reader, "the client's Read returning once its request is canceled")
			resp.Body.Close()
			waited := make(chan struct{})
			go func() {
				defer close(waited)
				wait()
			}()
			within(t, waited, "the recording ending")
			if lib := readLibrary(t, path); len(lib) != 0 || len(recorded.list()) != 0 {
				t.Errorf("library holds %d cassettes, OnRecord got %q; want nothing stored", len(lib), recorded.list())
			}
			want := "to record it, read the body to its end before ending the request"
			if got := logged.with("response not stored"); len(got) != 1 || !strings.Contains(got[0], "10 of its 20 bytes") || !strings.HasSuffix(got[0], want) {
				t.Errorf("logged %q; want one line saying the body was not stored after 10 of its 20 bytes, ending %q", logged.list(), want)
			}
		})
	}
}

// letSeeClientGone sends GET /other through the recording server at base,
// on a connection of its own: the time that takes lets the server see a
// client that just closed its connection gone, before what the test does
// next. The upstream must answer /other at once.
func letSeeClientGone(t *testing.T, base string) {
	t.Helper()
	other, err := http.Get(base + "/other")
	if err != nil {
		t.Fatal(err)
	}
	other.Body.Close()
}

// waitClientGone waits until the recording server of rec has seen the
// client of its one open exchange leave, which Save then waits for: a
// server sees a closed connection in a goroutine of its own, so it may
// not have seen it yet when the client's Close returns.
func waitClientGone(t *testing.T, rec *recorder.Recorder) {
	t.Helper()
	deadline := time.Now().Add(bound)
	for recorder.ClientsGone(rec) != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("the recording server has not seen its client leave after %v", bound)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestARecordingServerStoresABodyItsClientClosedEarly: Go's client drops
// its connection when it closes a body of known length before its end, so
// a recording server sees its client leave. The rest, arriving after that,
// is still read and the body stored whole, through both recording servers.
func TestARecordingServerStoresABodyItsClientClosedEarly(t *testing.T) {
	for _, server := range []struct {
		name  string
		start func(t *testing.T, upstream, path string) (base string)
	}{
		{"recorder.New", func(t *testing.T, upstream, path string) string {
			return recorder.New(t, upstream, path).URL
		}},
		{"replayserver.New recording", func(t *testing.T, upstream, path string) string {
			t.Setenv(replayserver.EnvMode, "")
			return replayserver.New(t, path, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(upstream)).URL
		}},
	} {
		t.Run(server.name, func(t *testing.T) {
			api, rest := sizedSlowUpstream(t)
			path := t.TempDir()
			t.Run("record", func(t *testing.T) {
				base := server.start(t, api.URL, path)
				tr := &http.Transport{}
				defer tr.CloseIdleConnections()
				resp, err := (&http.Client{Transport: tr}).Get(base + "/download")
				if err != nil {
					t.Fatal(err)
				}
				if _, err := io.ReadFull(resp.Body, make([]byte, 10)); err != nil {
					t.Fatal(err)
				}
				resp.Body.Close() // 10 bytes unread: the client drops the connection
				letSeeClientGone(t, base)
				close(rest)
			}) // the recording ends with the subtest
			lib := readLibrary(t, path)
			var got []string
			for _, exs := range lib {
				for _, ex := range exs {
					if strings.HasSuffix(ex.Request.URL, "/download") {
						got = append(got, string(ex.Response.Body))
					}
				}
			}
			if len(got) != 1 || got[0] != "0123456789abcdefghij" {
				t.Errorf("stored bodies %q for /download, want one, the whole body", got)
			}
		})
	}
}

// TestSaveWaitsForABodyTheProxyReadsAfterItsClientLeft: Save returns once
// the body of known length whose client left has ended: stored whole when
// the rest comes, logged as not stored when it stops coming. Save used to
// return at once, without it and without a word.
func TestSaveWaitsForABodyTheProxyReadsAfterItsClientLeft(t *testing.T) {
	for _, tc := range []struct {
		name   string
		rest   bool // the rest comes
		stored string
		logged string
	}{
		{name: "the rest comes: stored whole", rest: true, stored: "0123456789abcdefghij"},
		{name: "the rest stops coming: not stored, and logged", logged: "response not stored: its reading stopped after 10 of its 20 bytes (the client's request ended: the client left, and no more of the body was read for 1s)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api, rest := sizedSlowUpstream(t)
			path := t.TempDir()
			var logged logs
			rec := recorder.New(t, api.URL, path, recorder.Logf(logged.logf))
			tr := &http.Transport{}
			defer tr.CloseIdleConnections()
			resp, err := (&http.Client{Transport: tr}).Get(rec.URL + "/download")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.ReadFull(resp.Body, make([]byte, 10)); err != nil {
				t.Fatal(err)
			}
			resp.Body.Close() // 10 bytes unread: the client drops the connection
			waitClientGone(t, rec)
			saved := make(chan error, 1)
			go func() { saved <- rec.Save() }()
			if tc.rest {
				close(rest)
			}
			select {
			case err := <-saved:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(bound):
				t.Fatalf("Save has not returned after %v", bound)
			}
			var got []string
			for _, exs := range readLibrary(t, path) {
				for _, ex := range exs {
					if strings.HasSuffix(ex.Request.URL, "/download") {
						got = append(got, string(ex.Response.Body))
					}
				}
			}
			if tc.stored != "" {
				if len(got) != 1 || got[0] != tc.stored {
					t.Errorf("after Save, stored bodies %q for /download, want one, %q", got, tc.stored)
				}
				return
			}
			if len(got) != 0 {
				t.Errorf("after Save, stored bodies %q for /download, want none", got)
			}
			if lines := logged.with("response not stored"); len(lines) != 1 || !strings.Contains(lines[0], tc.logged) {
				t.Errorf("when Save returned, the log said %q; want one line saying %q", logged.list(), tc.logged)
			}
		})
	}
}

// TestSaveDoesNotHangOnAClientThatHalfClosedAndReadsSlowly: a client that
// half-closes its connection looks gone to the server, which may then keep
// reading the body for the recorder while the proxy's handler waits to
// write to that client. Save gives up on it once the reading stalls,
// where it used to wait as long as the client kept the connection.
func TestSaveDoesNotHangOnAClientThatHalfClosedAndReadsSlowly(t *testing.T) {
	const size = 16 << 20
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/other" {
			io.WriteString(w, "other")
			return
		}
		w.Header().Set("Content-Length", fmt.Sprint(size))
		w.Write(make([]byte, size))
	}))
	t.Cleanup(api.Close)
	var logged logs
	rec := recorder.New(t, api.URL, t.TempDir(), recorder.Logf(logged.logf))
	conn, err := net.Dial("tcp", strings.TrimPrefix(rec.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET /big HTTP/1.1\r\nHost: example.com\r\n\r\n")
	if _, err := io.ReadFull(conn, make([]byte, 100)); err != nil {
		t.Fatal(err)
	}
	conn.(*net.TCPConn).CloseWrite()
	waitClientGone(t, rec)
	saved := make(chan error, 1)
	go func() { saved <- rec.Save() }()
	select {
	case err := <-saved:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(bound):
		t.Fatalf("Save has not returned after %v", bound)
	}
	if got := logged.with("response not stored"); len(got) != 1 {
		t.Errorf("logged %q; want one line saying the response was not stored", logged.list())
	}
}

// TestABodyTheUpstreamBreaksOffIsReported: an upstream error mid-body (a
// reset, a timeout) stores nothing (see TestUpstreamFaultsStoreNothing),
// the log says so at once, and OnBrokenBody is told when the recording
// ends, once. New and NewTransport fail the test by default: see
// TestNewFailsTheTestOnABrokenBody.
func TestABodyTheUpstreamBreaksOffIsReported(t *testing.T) {
	for _, rc := range recordings {
		t.Run(rc.name+"/reset mid-stream", func(t *testing.T) {
			api, headersSeen := resettingUpstream(t, true)
			path := t.TempDir()
			var recorded names
			var logged logs
			var broken errs
			want := fmt.Sprintf("recorder: GET %s/reset-mid-body: response not stored: the upstream broke off its body after 10 bytes: ", api.URL)
			// Told when the recording ends: for the transport, at the
			// end of the test, after this check's cleanup was registered.
			t.Cleanup(func() {
				if got := broken.list(); len(got) != 1 || !strings.HasPrefix(got[0], want) {
					t.Errorf("OnBrokenBody got %q; want once an error starting %q", got, want)
				}
			})
			client, base, wait := rc.start(t, api.URL, path, recorded.add, recorder.Logf(logged.logf), recorder.OnBrokenBody(broken.addNamed))
			resp, err := client.Get(base + "/reset-mid-body")
			if err != nil {
				t.Fatal(err)
			}
			headersSeen <- struct{}{}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			wait()
			checkNothingStored(t, path, &recorded)
			if got := logged.with("response not stored"); len(got) != 1 || !strings.HasPrefix(got[0], want) {
				t.Errorf("logged %q; want one line starting %q", logged.list(), want)
			}
		})
	}
	t.Run("transport/timeout mid-body", func(t *testing.T) {
		lib, err := library.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		var logged logs
		rt := recorder.NewRoundTripper(lib, recorder.Transport(timesOutAfter{"0123456789"}), recorder.Logf(logged.logf))
		resp, err := rt.RoundTrip(httptest.NewRequest("GET", "http://api.example.com/v1/slow?token=s3cr3t", nil))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadAll(resp.Body); err == nil {
			t.Errorf("read the body to its end, want a timeout")
		}
		resp.Body.Close()
		flush(t, rt)
		if names, err := lib.Names(); err != nil || len(names) != 0 {
			t.Errorf("library holds %q, %v; want nothing", names, err)
		}
		want := "recorder: GET http://api.example.com/v1/slow?token=REDACTED: response not stored: the upstream broke off its body after 10 of its 100 bytes: i/o timeout"
		if got := logged.with("response not stored"); len(got) != 1 || got[0] != want {
			t.Errorf("logged %q; want once:\n%s", logged.list(), want)
		}
	})
}

// timesOutAfter is a transport whose answer announces 100 bytes, delivers
// body, then times out.
type timesOutAfter struct{ body string }

func (c timesOutAfter) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode:    200,
		Header:        http.Header{"Content-Length": {"100"}},
		ContentLength: 100,
		Body:          io.NopCloser(io.MultiReader(strings.NewReader(c.body), errReader{timeoutError{}})),
		Request:       r,
	}, nil
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

var _ net.Error = timeoutError{}

// TestStoppedExchangesEndOnce: closing a stopped body again, reading it
// after Close, and closing the RoundTripper while its request is
// canceled store the stream once.
func TestStoppedExchangesEndOnce(t *testing.T) {
	s := endlessStreams[0]
	api, read, _ := s.serve(t)
	lib, err := library.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var recorded names
	rt := recorder.NewRoundTripper(lib, onRecord(recorded.add))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", api.URL+"/events", nil)
	resp, err := (&http.Client{Transport: rt}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	s.readEvents(t, resp.Body, read)
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() { resp.Body.Close() })
	}
	wg.Wait()
	if n, err := resp.Body.Read(make([]byte, 10)); n != 0 || err == nil {
		t.Errorf("Read after Close = %d, %v; want an error", n, err)
	}
	cancel()
	flush(t, rt)
	if got := recorded.list(); len(got) != 1 {
		t.Errorf("OnRecord got %q, want one exchange", got)
	}
}
