package recorder_test

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cassette-go/cassette/internal/h2api"
	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

// A request recorded several times in one run (a polling endpoint: 202,
// 202, then 200) replays its answers in the order they were stored. The
// recorders stored each when its body ended, so a client that closes the
// bodies with defer (last first) and decodes each with a json.Decoder,
// which stops at the end of the value, before the end of a chunked or
// gzip body, had them stored 200, 202, 202; so did one that skips the
// empty 202s of an HTTP/2 API with trailers to come. They are stored now
// in the order their answers arrived, by every recording path.
func TestAnswersOfACassetteAreStoredInTheOrderTheyArrived(t *testing.T) {
	type api struct {
		name     string
		upstream func(t *testing.T) (url string, rt http.RoundTripper)
		readAll  bool // the client decodes the 202s too
	}
	apis := []api{
		{"chunked JSON", func(t *testing.T) (string, http.RoundTripper) {
			srv := httptest.NewServer(newPollAPI(false))
			t.Cleanup(srv.Close)
			return srv.URL, nil
		}, true},
		{"gzip JSON", func(t *testing.T) (string, http.RoundTripper) {
			srv := httptest.NewServer(newPollAPI(true))
			t.Cleanup(srv.Close)
			return srv.URL, nil
		}, true},
	}
	for _, kind := range h2api.Kinds {
		apis = append(apis, api{"HTTP/2 " + kind + " empty 202s with trailers", func(t *testing.T) (string, http.RoundTripper) {
			srv, rt := h2api.Start(kind, newEmptyPollAPI())
			t.Cleanup(srv.Close)
			return srv.URL, rt
		}, false})
	}
	for _, a := range apis {
		for _, w := range recordingWays() {
			t.Run(a.name+"/"+w.name, func(t *testing.T) {
				up, upRT := a.upstream(t)
				dir := filepath.Join(t.TempDir(), "lib")
				c, base, done := w.start(t, up, upRT, dir)
				pollUntilDone(t, c, base+"/status", a.readAll)
				done()
				if got, want := storedAnswers(t, dir), []string{"202", "202", "200"}; !slices.Equal(got, want) {
					t.Errorf("stored %v, want %v (in the order the answers arrived)", got, want)
				}
			})
		}
	}
}

// Two requests of one cassette under way at once: the first answer
// arrives, the second arrives and ends, then the first ends. Stored
// first: the first, whose answer arrived first. Through the recording
// proxies too, where a body that ends late (a slow download) had it
// stored after the answer that arrived after it.
func TestOverlappingAnswersOfACassetteAreStoredInTheOrderTheyArrived(t *testing.T) {
	for _, w := range recordingWays() {
		t.Run(w.name, func(t *testing.T) {
			api := newOverlapAPI()
			srv := httptest.NewServer(api)
			t.Cleanup(srv.Close)
			t.Cleanup(api.free)
			dir := filepath.Join(t.TempDir(), "lib")
			c, base, done := w.start(t, srv.URL, nil, dir)
			first, err := c.Get(base + "/x")
			if err != nil {
				t.Fatal(err)
			}
			part := make([]byte, len("first:"))
			if _, err := io.ReadFull(first.Body, part); err != nil {
				t.Fatal(err)
			}
			second, err := c.Get(base + "/x")
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(second.Body)
			second.Body.Close()
			if err != nil || string(b) != "second" {
				t.Fatalf("second answer: %q, %v", b, err)
			}
			api.free()
			rest, err := io.ReadAll(first.Body)
			first.Body.Close()
			if err != nil || string(part)+string(rest) != "first:end" {
				t.Fatalf("first answer: %q, %v", string(part)+string(rest), err)
			}
			done()
			if got, want := storedAnswers(t, dir), []string{"200 first:end", "200 second"}; !slices.Equal(got, want) {
				t.Errorf("stored %v, want %v (in the order the answers arrived)", got, want)
			}
		})
	}
}

// A recordingWay records through one of the recorder's paths: start
// returns the client to use, the base URL to send it to and a function
// that has the library saved on disk.
type recordingWay struct {
	name  string
	start func(t *testing.T, upstream string, upRT http.RoundTripper, dir string) (c *http.Client, base string, done func())
}

func recordingWays() []recordingWay {
	opts := func(upRT http.RoundTripper) []recorder.Option {
		if upRT == nil {
			return nil
		}
		return []recorder.Option{recorder.Transport(upRT)}
	}
	return []recordingWay{
		{"NewTransport", func(t *testing.T, up string, upRT http.RoundTripper, dir string) (*http.Client, string, func()) {
			rt := recorder.NewTransport(t, dir, opts(upRT)...)
			return &http.Client{Transport: rt}, up, func() { flush(t, rt) }
		}},
		{"NewRoundTripper", func(t *testing.T, up string, upRT http.RoundTripper, dir string) (*http.Client, string, func()) {
			lib, err := library.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			rt := recorder.NewRoundTripper(lib, opts(upRT)...)
			return &http.Client{Transport: rt}, up, func() { flush(t, rt) }
		}},
		{"New", func(t *testing.T, up string, upRT http.RoundTripper, dir string) (*http.Client, string, func()) {
			rec := recorder.New(t, up, dir, opts(upRT)...)
			tr := &http.Transport{}
			t.Cleanup(tr.CloseIdleConnections)
			// Close, not Save: the server may not have seen the end of
			// the bodies the client closed yet; Close waits for them.
			return &http.Client{Transport: tr}, rec.URL, rec.Close
		}},
	}
}

// pollUntilDone polls url until its answer says it is done, as a client
// may: each body closed with defer, when the polling ends (last first);
// a 202's body decoded if readAll, else left unread.
func pollUntilDone(t *testing.T, c *http.Client, url string, readAll bool) {
	t.Helper()
	for range 10 {
		resp, err := c.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode == http.StatusAccepted && !readAll {
			continue
		}
		var s struct{ Done bool }
		if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
			t.Fatalf("%d: %v", resp.StatusCode, err)
		}
		if s.Done {
			return
		}
	}
	t.Fatal("never done")
}

// storedAnswers returns the status (and, for a 200, the body) of each
// exchange of the one cassette of the library at dir, in order.
func storedAnswers(t *testing.T, dir string) []string {
	t.Helper()
	lib, err := library.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	names, err := lib.Names()
	if err != nil || len(names) != 1 {
		t.Fatalf("cassettes %v (%v), want one", names, err)
	}
	c, _, err := lib.Get(names[0])
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ex := range c.Exchanges {
		s := fmt.Sprint(ex.Response.StatusCode)
		if ex.Response.StatusCode == http.StatusOK && ex.Response.Header.Get("Content-Encoding") == "" &&
			!strings.HasPrefix(string(ex.Response.Body), "{") {
			s += " " + string(ex.Response.Body)
		}
		out = append(out, s)
	}
	return out
}

// pollAPI answers its first two requests 202 {"done":false} and the third
// 200 {"done":true}, each a chunked body (gzip when asked for and gz is
// set) whose end comes only once the next request has arrived: a client
// decoding the JSON has it before the body's end.
type pollAPI struct {
	gz      bool
	mu      sync.Mutex
	n       int
	arrived [4]chan struct{}
}

func newPollAPI(gz bool) *pollAPI {
	a := &pollAPI{gz: gz}
	for i := range a.arrived {
		a.arrived[i] = make(chan struct{})
	}
	return a
}

func (a *pollAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	k := a.n
	a.n++
	a.mu.Unlock()
	if k < len(a.arrived) {
		close(a.arrived[k])
	}
	code, body := http.StatusAccepted, `{"done":false}`
	if k >= 2 {
		code, body = http.StatusOK, `{"done":true}`
	}
	w.Header().Set("Content-Type", "application/json")
	var out io.Writer = w
	var gz *gzip.Writer
	if a.gz && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		gz = gzip.NewWriter(w)
		out = gz
	}
	w.WriteHeader(code)
	io.WriteString(out, body+"\n")
	if gz != nil {
		gz.Flush()
	}
	w.(http.Flusher).Flush()
	if k < 2 {
		select {
		case <-a.arrived[k+1]:
		case <-r.Context().Done():
		}
	}
	if gz != nil {
		gz.Close()
	}
}

// newEmptyPollAPI answers, over HTTP/2, its first two requests 202 with
// an empty body and a trailer after it, and the others 200
// {"done":true}.
func newEmptyPollAPI() http.Handler {
	var mu sync.Mutex
	n := 0
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		k := n
		n++
		mu.Unlock()
		if k < 2 {
			w.Header().Set("Trailer", "X-Sum")
			w.Header().Set("Content-Length", "0")
			w.WriteHeader(http.StatusAccepted)
			w.Header().Set("X-Sum", "v")
			return
		}
		io.WriteString(w, `{"done":true}`)
	})
}

// overlapAPI answers its first request "first:" at once and ":end" once
// freed (or, if breakFirst, breaks it off then), its others "second".
type overlapAPI struct {
	breakFirst bool
	mu         sync.Mutex
	n          int
	release    chan struct{}
	freeOnce   sync.Once
}

func newOverlapAPI() *overlapAPI { return &overlapAPI{release: make(chan struct{})} }

func (a *overlapAPI) free() { a.freeOnce.Do(func() { close(a.release) }) }

func (a *overlapAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	k := a.n
	a.n++
	a.mu.Unlock()
	if k > 0 {
		io.WriteString(w, "second")
		return
	}
	io.WriteString(w, "first:")
	w.(http.Flusher).Flush()
	select {
	case <-a.release:
	case <-r.Context().Done():
		return
	}
	if a.breakFirst {
		panic(http.ErrAbortHandler)
	}
	io.WriteString(w, "end")
}

// An answer waits only for the earlier answers of its cassette, and only
// until each is settled: stored, or not stored at all (too large, broken
// off by the upstream). A save in the middle of the test keeps it waiting
// for an earlier answer whose body is still open, and loses nothing: it
// is stored in its place when that one ends. When the recording ends
// (the Close of NewRoundTripper's RoundTripper) with such a body still
// open, what waits for it is stored, and it after, when it ends.
func TestAnAnswerWaitsOnlyForTheEarlierAnswersOfItsCassette(t *testing.T) {
	// start sends the first request of /x and reads the beginning of its
	// answer, then has a second /x answered whole, and a /y.
	start := func(t *testing.T, c *http.Client, base string) (first *http.Response) {
		t.Helper()
		first, err := c.Get(base + "/x")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(first.Body, make([]byte, len("first:"))); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/x", "/y"} {
			resp, err := c.Get(base + path)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		return first
	}
	// onDisk returns the answers the library at dir holds, by cassette
	// path.
	onDisk := func(t *testing.T, dir string) map[string][]string {
		t.Helper()
		lib, err := library.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		names, err := lib.Names()
		if err != nil {
			t.Fatal(err)
		}
		out := map[string][]string{}
		for _, n := range names {
			c, _, err := lib.Get(n)
			if err != nil {
				t.Fatal(err)
			}
			for _, ex := range c.Exchanges {
				out[n[strings.LastIndex(n, "_"):]] = append(out[n[strings.LastIndex(n, "_"):]], string(ex.Response.Body))
			}
		}
		return out
	}
	check := func(t *testing.T, when string, got map[string][]string, x []string) {
		t.Helper()
		if !slices.Equal(got["_x"], x) || !slices.Equal(got["_y"], []string{"second"}) {
			t.Errorf("%s: the library holds %v, want _x:%q and _y:[second]", when, got, x)
		}
	}
	t.Run("save while an earlier body is open", func(t *testing.T) {
		api := newOverlapAPI()
		srv := httptest.NewServer(api)
		t.Cleanup(srv.Close)
		t.Cleanup(api.free)
		dir := filepath.Join(t.TempDir(), "lib")
		var logged strings.Builder
		var mu sync.Mutex
		rt := recorder.NewTransport(t, dir, recorder.Logf(func(format string, args ...any) {
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintf(&logged, format+"\n", args...)
		}))
		first := start(t, &http.Client{Transport: rt}, srv.URL)
		flush(t, rt)
		check(t, "saved while the first body is open", onDisk(t, dir), nil)
		const waits = "1 exchange(s) wait for 1 earlier answer(s) of the cassette whose body is still open"
		mu.Lock()
		if !strings.Contains(logged.String(), waits) {
			t.Errorf("the log does not say an exchange waits for an open one:\n%s", logged.String())
		}
		logged.Reset()
		mu.Unlock()
		api.free()
		io.Copy(io.Discard, first.Body)
		first.Body.Close()
		flush(t, rt)
		check(t, "saved once it ended", onDisk(t, dir), []string{"first:end", "second"})
		mu.Lock()
		if strings.Contains(logged.String(), waits) {
			t.Errorf("the save after the body ended says an exchange waits:\n%s", logged.String())
		}
		mu.Unlock()
	})
	t.Run("the recording ends while an earlier body is open", func(t *testing.T) {
		api := newOverlapAPI()
		srv := httptest.NewServer(api)
		t.Cleanup(srv.Close)
		t.Cleanup(api.free)
		dir := filepath.Join(t.TempDir(), "lib")
		lib, err := library.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		var logged strings.Builder
		var mu sync.Mutex
		rt := recorder.NewRoundTripper(lib, recorder.Logf(func(format string, args ...any) {
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintf(&logged, format+"\n", args...)
		}))
		first := start(t, &http.Client{Transport: rt}, srv.URL)
		flush(t, rt)
		check(t, "closed while the first body is open", onDisk(t, dir), []string{"second"})
		mu.Lock()
		if !strings.Contains(logged.String(), "1 exchange(s) stored ahead of 1 earlier answer(s)") {
			t.Errorf("the log does not say the exchange was stored ahead of an open one:\n%s", logged.String())
		}
		mu.Unlock()
		api.free()
		io.Copy(io.Discard, first.Body)
		first.Body.Close()
		flush(t, rt)
		check(t, "closed once it ended", onDisk(t, dir), []string{"second", "first:end"})
	})
	for _, how := range []string{"too large", "broken off"} {
		t.Run("an earlier answer "+how, func(t *testing.T) {
			api := newOverlapAPI()
			api.breakFirst = how == "broken off"
			srv := httptest.NewServer(api)
			t.Cleanup(srv.Close)
			t.Cleanup(api.free)
			dir := filepath.Join(t.TempDir(), "lib")
			var opts []recorder.Option
			if how == "too large" {
				opts = append(opts, recorder.MaxBodySize(int64(len("first:"))), recorder.OnError(func(error) {}))
			}
			opts = append(opts, recorder.OnBrokenBody(func(string, error) {}))
			rt := recorder.NewTransport(t, dir, opts...)
			first := start(t, &http.Client{Transport: rt}, srv.URL)
			api.free()
			io.Copy(io.Discard, first.Body)
			first.Body.Close()
			flush(t, rt)
			check(t, "saved once the first ended", onDisk(t, dir), []string{"second"})
		})
	}
}

// Many answers of two cassettes, their bodies left open, then read to
// their end or closed unread in a shuffled order: each cassette holds
// them all, in the order they were answered.
func TestAnswersClosedInAnyOrderAreAllStoredInTheOrderTheyArrived(t *testing.T) {
	var mu sync.Mutex
	count := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n := count[r.URL.Path]
		count[r.URL.Path]++
		mu.Unlock()
		if r.URL.Path == "/chunked" {
			fmt.Fprintf(w, "%d", n)
			w.(http.Flusher).Flush()
			return
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(fmt.Sprint(n))+1000))
		fmt.Fprintf(w, "%d%s", n, strings.Repeat(" ", 1000))
	}))
	t.Cleanup(srv.Close)
	for _, w := range recordingWays() {
		t.Run(w.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "lib")
			c, base, done := w.start(t, srv.URL, nil, dir)
			mu.Lock()
			clear(count)
			mu.Unlock()
			const n = 20
			var open []*http.Response
			for i := range 2 * n {
				path := []string{"/sized", "/chunked"}[i%2]
				resp, err := c.Get(base + path)
				if err != nil {
					t.Fatal(err)
				}
				open = append(open, resp)
			}
			for i, k := range []int{7, 3, 5, 1, 9, 0, 2, 8, 4, 6} {
				for j := k; j < len(open); j += 10 {
					if (i+j)%3 == 0 {
						io.Copy(io.Discard, open[j].Body)
					}
					open[j].Body.Close()
				}
			}
			done()
			lib, err := library.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			names, _ := lib.Names()
			if len(names) != 2 {
				t.Fatalf("cassettes %v, want 2", names)
			}
			for _, name := range names {
				cas, _, err := lib.Get(name)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, ex := range cas.Exchanges {
					got = append(got, strings.TrimSpace(string(ex.Response.Body)))
				}
				var want []string
				for i := range n {
					want = append(want, fmt.Sprint(i))
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s holds %v, want %v", name, got, want)
				}
			}
		})
	}
}

// When the recording ends, the log line of the exchanges stored ahead of
// answers whose bodies are still open counts only the open answers that
// came before them: it counted every open answer of the cassette, those
// after the last exchange stored included, which it was not stored ahead
// of. Answers 0, 2 and 4 are left open, 1 and 3 read to their end: 1 and
// 3 are stored ahead of 2 earlier answers (0 and 2), not 3.
func TestTheEndOfARecordingCountsTheEarlierOpenAnswersOnly(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, n.Add(1)-1)
	}))
	t.Cleanup(srv.Close)
	dir := filepath.Join(t.TempDir(), "lib")
	lib, err := library.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var logged strings.Builder
	var mu sync.Mutex
	rt := recorder.NewRoundTripper(lib, recorder.Logf(func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(&logged, format+"\n", args...)
	}))
	c := &http.Client{Transport: rt}
	var open []io.Closer
	for i := range 5 {
		resp, err := c.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			open = append(open, resp.Body)
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	flush(t, rt)
	mu.Lock()
	if got := logged.String(); !strings.Contains(got, ": 2 exchange(s) stored ahead of 2 earlier answer(s) ") {
		t.Errorf("the log does not say the 2 exchanges were stored ahead of 2 earlier answers:\n%s", got)
	}
	mu.Unlock()
	for _, b := range open {
		b.Close()
	}
	flush(t, rt)
	if got, want := storedAnswers(t, dir), []string{"200 1", "200 3", "200 0", "200 2", "200 4"}; !slices.Equal(got, want) {
		t.Errorf("stored %v, want %v", got, want)
	}
}

// An earlier answer of a cassette that the upstream breaks off, while a
// later one waits for it, is logged as not stored before the later one is
// logged as recorded, in the order they came: the later one was logged
// first, as the broken one was settled before its log line, and the log
// read as if the exchange recorded were the one then said not stored.
func TestAnAnswerBrokenOffIsLoggedBeforeTheOnesThatWaitedForIt(t *testing.T) {
	api := newOverlapAPI()
	api.breakFirst = true
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	t.Cleanup(api.free)
	var logged []string
	var mu sync.Mutex
	rt := recorder.NewTransport(t, filepath.Join(t.TempDir(), "lib"), recorder.OnBrokenBody(func(string, error) {}),
		recorder.Logf(func(format string, args ...any) {
			mu.Lock()
			defer mu.Unlock()
			logged = append(logged, fmt.Sprintf(format, args...))
		}))
	c := &http.Client{Transport: rt}
	first, err := c.Get(srv.URL + "/x")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(first.Body, make([]byte, len("first:"))); err != nil {
		t.Fatal(err)
	}
	second, err := c.Get(srv.URL + "/x")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, second.Body)
	second.Body.Close()
	api.free()
	io.Copy(io.Discard, first.Body)
	first.Body.Close()
	flush(t, rt)
	mu.Lock()
	defer mu.Unlock()
	broke, recorded := -1, -1
	for i, l := range logged {
		switch {
		case strings.Contains(l, "/x: response not stored: the upstream broke off"):
			broke = i
		case strings.HasPrefix(l, "recorded GET "+srv.URL+"/x "):
			recorded = i
		}
	}
	if broke < 0 || recorded < 0 || broke > recorded {
		t.Errorf("the first /x, broken off, is not logged before the second, recorded after it:\n%s", strings.Join(logged, "\n"))
	}
}

// A caller that cancels a request whose body it has not closed, then
// closes the RoundTripper of NewTransport to read the library, finds it
// stored as far as it came, and the later answers of its cassette after
// it, as endStopped promises. The request's detached context ends after
// the caller's, in a goroutine of its own: Close, right after the cancel,
// saw it still open, logged it so, and saved neither it nor the answer
// read whole after it, which waited for it.
func TestACanceledRequestIsStoredByTheCloseRightAfterIt(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%2 == 0 {
			io.WriteString(w, "second")
			return
		}
		io.WriteString(w, "first:")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	for i := range 20 {
		dir := filepath.Join(t.TempDir(), "lib")
		var logged []string
		var mu sync.Mutex
		rt := recorder.NewTransport(t, dir, recorder.Logf(func(format string, args ...any) {
			mu.Lock()
			defer mu.Unlock()
			logged = append(logged, fmt.Sprintf(format, args...))
		}))
		c := &http.Client{Transport: rt}
		ctx, cancel := context.WithCancel(context.Background())
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/x", nil)
		if err != nil {
			t.Fatal(err)
		}
		first, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(first.Body, make([]byte, len("first:"))); err != nil {
			t.Fatal(err)
		}
		second, err := c.Get(srv.URL + "/x")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, second.Body)
		second.Body.Close()
		cancel() // the first body is left as it is
		flush(t, rt)
		if got, want := storedAnswers(t, dir), []string{"200 first:", "200 second"}; !slices.Equal(got, want) {
			t.Fatalf("run %d: stored %v, want %v", i, got, want)
		}
		mu.Lock()
		for _, l := range logged {
			if strings.Contains(l, "still open") {
				t.Errorf("run %d: the log says a body canceled is still open: %s", i, l)
			}
		}
		mu.Unlock()
	}
}
