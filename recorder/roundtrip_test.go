package recorder_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/iotest"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

// A recording is one way of recording: through the reverse proxy, or
// through the RoundTripper. Every storage test runs both.
type recording struct {
	name string
	// start starts recording the upstream into the library at path. The
	// client sends requests to base; stored is called with the name of
	// each stored exchange; wait returns once every exchange whose
	// response the client has read is stored. opts come after the
	// recording's own options.
	start func(t *testing.T, upstream, path string, stored func(string), opts ...recorder.Option) (client *http.Client, base string, wait func())
}

var recordings = []recording{
	{"proxy", func(t *testing.T, upstream, path string, stored func(string), opts ...recorder.Option) (*http.Client, string, func()) {
		rec := recorder.New(t, upstream, path, append([]recorder.Option{onRecord(stored)}, opts...)...)
		tr := &http.Transport{DisableCompression: true}
		t.Cleanup(tr.CloseIdleConnections)
		// The proxy stores an exchange before its handler returns, Close
		// waits for the handlers, and Save for the library on disk.
		return &http.Client{Transport: tr, CheckRedirect: noRedirect}, rec.URL, func() {
			rec.Close()
			if err := rec.Save(); err != nil {
				t.Error(err)
			}
		}
	}},
	{"transport", func(t *testing.T, upstream, path string, stored func(string), opts ...recorder.Option) (*http.Client, string, func()) {
		rt := recorder.NewTransport(t, path, append([]recorder.Option{onRecord(stored)}, opts...)...)
		// The transport stores an exchange before the body's last Read or
		// Close returns; Close waits for the library on disk.
		return &http.Client{Transport: rt, CheckRedirect: noRedirect}, upstream, func() {
			if err := rt.(io.Closer).Close(); err != nil {
				t.Error(err)
			}
		}
	}},
}

func onRecord(stored func(string)) recorder.Option {
	return recorder.OnRecord(func(name string, _ library.Exchange) { stored(name) })
}

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// names collects the names OnRecord reports, safe for concurrent use.
type names struct {
	mu  sync.Mutex // guards all
	all []string
}

func (n *names) add(name string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.all = append(n.all, name)
}

func (n *names) list() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.all)
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func randomBytes(n int) []byte {
	r := rand.New(rand.NewChaCha8([32]byte{1}))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	b[0], b[1] = 0xff, 0xfe // never valid UTF-8
	return b
}

// A responseCase is a request and the response the upstream answers it
// with; both client and library must get the response byte for byte.
type responseCase struct {
	name      string // the outcome
	method    string
	reqHeader http.Header
	reqBody   []byte
	status    int
	header    [][2]string // response headers, added in order
	stored    [][2]string // response headers as stored, when redaction changes them
	body      []byte
}

var responseCases = []responseCase{
	{name: "JSON body kept as text", status: 200,
		header: [][2]string{{"Content-Type", "application/json"}},
		body:   []byte(`{"id":1,"name":"Besançon","tags":["a","b"]}`)},
	{name: "binary body that is not UTF-8 kept byte-exact", status: 200,
		header: [][2]string{{"Content-Type", "application/octet-stream"}},
		body:   randomBytes(4096)},
	{name: "gzip body stored compressed and not decoded", status: 200,
		reqHeader: http.Header{"Accept-Encoding": {"gzip"}},
		header:    [][2]string{{"Content-Type", "application/json"}, {"Content-Encoding", "gzip"}},
		body:      gzipped([]byte(strings.Repeat(`{"news":"all the news"}`, 50)))},
	{name: "empty body", status: 200},
	{name: "5 MB body", status: 200,
		header: [][2]string{{"Content-Type", "text/plain"}},
		body:   bytes.Repeat([]byte("0123456789abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ\n"), 5<<20/64)},
	{name: "204 without body", status: 204},
	{name: "301 stored and not followed", status: 301,
		header: [][2]string{{"Location", "/elsewhere"}, {"Content-Type", "text/plain"}},
		body:   []byte("moved\n")},
	{name: "404 stored", status: 404, body: []byte("no such thing\n")},
	{name: "500 stored", status: 500, body: []byte("boom\n")},
	{name: "three Set-Cookie values kept in order, redacted when stored", status: 200,
		header: [][2]string{{"Set-Cookie", "b=2; Path=/"}, {"Set-Cookie", "a=1"}, {"Set-Cookie", "c=3; HttpOnly"}},
		stored: [][2]string{{"Set-Cookie", "b=REDACTED; Path=/"}, {"Set-Cookie", "a=REDACTED"}, {"Set-Cookie", "c=REDACTED; HttpOnly"}},
		body:   []byte("cookies")},
	{name: "POST request body stored", method: "POST", status: 201,
		reqHeader: http.Header{"Content-Type": {"application/json"}},
		reqBody:   []byte(`{"item":2,"qty":3}`),
		body:      []byte(`{"order":77}`)},
}

// serveCase answers as tc says, after checking the request body arrived.
func serveCase(t *testing.T, tc responseCase) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, err := io.ReadAll(r.Body)
		if err != nil || !bytes.Equal(got, tc.reqBody) {
			t.Errorf("upstream got request body %q, %v; want %q", got, err, tc.reqBody)
		}
		for _, kv := range tc.header {
			w.Header().Add(kv[0], kv[1])
		}
		w.WriteHeader(tc.status)
		w.Write(tc.body)
	})
}

func TestRecordsByteExact(t *testing.T) {
	for _, rc := range recordings {
		for _, kind := range libraryKinds {
			for _, tc := range responseCases {
				t.Run(rc.name+"/"+kind.name+"/"+tc.name, func(t *testing.T) {
					api := httptest.NewServer(serveCase(t, tc))
					defer api.Close()
					path := t.TempDir() + "/" + kind.file
					var got names
					client, base, wait := rc.start(t, api.URL, path, got.add)

					method := cmpOr(tc.method, "GET")
					req, err := http.NewRequest(method, base+"/v1/case?x=1", bytes.NewReader(tc.reqBody))
					if err != nil {
						t.Fatal(err)
					}
					for k, v := range tc.reqHeader {
						req.Header[k] = v
					}
					req.Header.Set("X-Case", tc.name)
					resp, err := client.Do(req)
					if err != nil {
						t.Fatalf("%s %s: %v", method, req.URL, err)
					}
					body, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					if err != nil {
						t.Fatalf("reading the response: %v", err)
					}
					checkResponse(t, "client got", tc, tc.header, resp.StatusCode, resp.Header, body)

					wait()
					name, ex := onlyExchange(t, path)
					if !slices.Equal(got.list(), []string{name}) {
						t.Errorf("OnRecord reported %q, want [%q]", got.list(), name)
					}
					stored := tc.stored
					if stored == nil {
						stored = tc.header
					}
					storedBody, err := ex.Response.ReadBody()
					if err != nil {
						t.Fatalf("reading the stored body: %v", err)
					}
					checkResponse(t, "stored", tc, stored, ex.Response.StatusCode, ex.Response.Header, storedBody)
					// Past spillSize a body is in a body file, never in the
					// cassette.
					if inFile := ex.Response.BodyFile != ""; inFile != (len(tc.body) > recorder.SpillSize) {
						t.Errorf("stored a body of %d bytes in a body file: %v, want %v (above %d bytes)", len(tc.body), inFile, !inFile, recorder.SpillSize)
					}
					if ex.Request.Method != method || ex.Request.URL != api.URL+"/v1/case?x=1" {
						t.Errorf("stored request %s %s, want %s %s", ex.Request.Method, ex.Request.URL, method, api.URL+"/v1/case?x=1")
					}
					if !bytes.Equal(ex.Request.Body, tc.reqBody) {
						t.Errorf("stored request body %q, want %q", ex.Request.Body, tc.reqBody)
					}
					if got := ex.Request.Header.Get("X-Case"); got != tc.name {
						t.Errorf("stored request header X-Case = %q, want %q", got, tc.name)
					}
					if ex.Latency < 0 || ex.RecordedAt.IsZero() {
						t.Errorf("stored Latency %v, RecordedAt %v; want >= 0 and set", ex.Latency, ex.RecordedAt)
					}
				})
			}
		}
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func checkResponse(t *testing.T, what string, tc responseCase, wantHeader [][2]string, status int, header http.Header, body []byte) {
	t.Helper()
	if status != tc.status {
		t.Errorf("%s status %d, want %d", what, status, tc.status)
	}
	if !bytes.Equal(body, tc.body) {
		t.Errorf("%s a body of %d bytes that differs from the %d bytes sent (first bytes %q, want %q)",
			what, len(body), len(tc.body), body[:min(len(body), 20)], tc.body[:min(len(tc.body), 20)])
	}
	want := http.Header{}
	for _, kv := range wantHeader {
		want.Add(kv[0], kv[1])
	}
	for k, v := range want {
		if !slices.Equal(header[k], v) {
			t.Errorf("%s header %s: %q, want %q", what, k, header[k], v)
		}
	}
}

func TestRecordsTrailers(t *testing.T) {
	for _, rc := range recordings {
		t.Run(rc.name, func(t *testing.T) {
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Trailer", "X-Checksum")
				w.Write([]byte("data"))
				w.Header().Set("X-Checksum", "abc123")
			}))
			defer api.Close()
			path := t.TempDir()
			client, base, wait := rc.start(t, api.URL, path, func(string) {})
			resp, err := client.Get(base + "/t")
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if got := resp.Trailer.Get("X-Checksum"); got != "abc123" {
				t.Errorf("client got trailer X-Checksum %q, want %q", got, "abc123")
			}
			wait()
			_, ex := onlyExchange(t, path)
			if got := ex.Response.Trailer.Get("X-Checksum"); got != "abc123" || string(ex.Response.Body) != "data" {
				t.Errorf("stored trailer X-Checksum %q and body %q, want %q and %q", got, ex.Response.Body, "abc123", "data")
			}
		})
	}
}

func TestPostsWithDifferentBodiesGetDifferentNames(t *testing.T) {
	for _, rc := range recordings {
		t.Run(rc.name, func(t *testing.T) {
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(w, r.Body) // echo
			}))
			defer api.Close()
			path := t.TempDir()
			client, base, wait := rc.start(t, api.URL, path, func(string) {})
			bodies := []string{`{"q":"a"}`, `{"q":"b"}`}
			for _, b := range bodies {
				resp, err := client.Post(base+"/search", "application/json", strings.NewReader(b))
				if err != nil {
					t.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			wait()
			lib := readLibrary(t, path)
			var stored []string
			for name, exs := range lib {
				if len(exs) != 1 || string(exs[0].Request.Body) != string(exs[0].Response.Body) {
					t.Errorf("cassette %s: %d exchanges, want 1 whose response echoes the request", name, len(exs))
					continue
				}
				stored = append(stored, string(exs[0].Request.Body))
			}
			slices.Sort(stored)
			if !slices.Equal(stored, bodies) {
				t.Errorf("cassettes hold request bodies %q, want %q, one each", stored, bodies)
			}
		})
	}
}

func TestSameRequestThreeTimesIsOneCassetteInOrder(t *testing.T) {
	for _, rc := range recordings {
		for _, kind := range libraryKinds {
			t.Run(rc.name+"/"+kind.name, func(t *testing.T) {
				var n atomic.Int32
				api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					fmt.Fprintf(w, `{"status":"pending","poll":%d}`, n.Add(1))
				}))
				defer api.Close()
				path := t.TempDir() + "/" + kind.file
				recorded := make(chan string, 3)
				client, base, wait := rc.start(t, api.URL, path, func(name string) { recorded <- name })
				for range 3 {
					resp, err := client.Get(base + "/v1/job/7")
					if err != nil {
						t.Fatal(err)
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					<-recorded // the next poll is sent after this one is stored
				}
				wait()
				lib := readLibrary(t, path)
				if len(lib) != 1 {
					t.Fatalf("library holds %d cassettes, want 1", len(lib))
				}
				for name, exs := range lib {
					var got []string
					for _, ex := range exs {
						got = append(got, string(ex.Response.Body))
					}
					want := []string{`{"status":"pending","poll":1}`, `{"status":"pending","poll":2}`, `{"status":"pending","poll":3}`}
					if !slices.Equal(got, want) {
						t.Errorf("cassette %s holds %q, want %q", name, got, want)
					}
				}
			})
		}
	}
}

func TestStreamsTheResponse(t *testing.T) {
	for _, rc := range recordings {
		t.Run(rc.name, func(t *testing.T) {
			release := make(chan struct{})
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/event-stream")
				fmt.Fprint(w, "data: first\n\n")
				w.(http.Flusher).Flush()
				// Blocks until the client has read the first event through
				// the recorder: a recorder that waited for the whole body
				// would never get there.
				select {
				case <-release:
				case <-r.Context().Done():
					return
				}
				fmt.Fprint(w, "data: second\n\n")
			}))
			defer api.Close()
			releaseOnce := sync.OnceFunc(func() { close(release) })
			defer releaseOnce()
			path := t.TempDir()
			client, base, wait := rc.start(t, api.URL, path, func(string) {})
			resp, err := client.Get(base + "/events")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			first := make([]byte, len("data: first\n\n"))
			if _, err := io.ReadFull(resp.Body, first); err != nil || string(first) != "data: first\n\n" {
				t.Fatalf("first event %q, %v; want %q", first, err, "data: first\n\n")
			}
			releaseOnce()
			rest, err := io.ReadAll(resp.Body)
			if err != nil || string(rest) != "data: second\n\n" {
				t.Fatalf("rest %q, %v; want %q", rest, err, "data: second\n\n")
			}
			resp.Body.Close()
			wait()
			_, ex := onlyExchange(t, path)
			if want := "data: first\n\ndata: second\n\n"; string(ex.Response.Body) != want {
				t.Errorf("stored body %q, want %q", ex.Response.Body, want)
			}
		})
	}
}

func TestStoresNothingWhenTheUpstreamBreaksOffMidBody(t *testing.T) {
	for _, rc := range recordings {
		t.Run(rc.name, func(t *testing.T) {
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				conn, buf, err := http.NewResponseController(w).Hijack()
				if err != nil {
					t.Error(err)
					return
				}
				buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nContent-Type: text/plain\r\n\r\n0123456789")
				buf.Flush()
				conn.Close()
			}))
			defer api.Close()
			path := t.TempDir()
			var got names
			var broken errs
			// Told when the recording ends: for the transport, at the
			// end of the test, after this check's cleanup was registered.
			t.Cleanup(func() {
				if b := broken.list(); len(b) != 1 || !strings.Contains(b[0], "after 10 of its 1000 bytes") {
					t.Errorf("OnBrokenBody got %q; want the broken body once", b)
				}
			})
			client, base, wait := rc.start(t, api.URL, path, got.add, recorder.OnBrokenBody(broken.addNamed))
			resp, err := client.Get(base + "/broken")
			if err == nil {
				_, err = io.ReadAll(resp.Body)
				resp.Body.Close()
				resp.Body.Close()
			}
			if err == nil {
				t.Errorf("GET /broken read to the end without error, want an error")
			}
			wait()
			if lib := readLibrary(t, path); len(lib) != 0 || len(got.list()) != 0 {
				t.Errorf("library holds %d cassettes, OnRecord got %q; want nothing stored", len(lib), got.list())
			}
		})
	}
}

func TestConcurrentClientsAreEachStoredOnce(t *testing.T) {
	const clients = 32
	for _, rc := range recordings {
		for _, kind := range libraryKinds {
			t.Run(rc.name+"/"+kind.name, func(t *testing.T) {
				var n atomic.Int32
				api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					fmt.Fprintf(w, "response %d to %s", n.Add(1), r.URL.Path)
				}))
				defer api.Close()
				path := t.TempDir() + "/" + kind.file
				var recorded names
				client, base, wait := rc.start(t, api.URL, path, recorded.add)

				var mu sync.Mutex
				seen := map[string][]string{} // path -> bodies the clients got
				var wg sync.WaitGroup
				for i := range clients {
					for _, p := range []string{fmt.Sprintf("/distinct/%d", i), "/same"} {
						wg.Go(func() {
							resp, err := client.Get(base + p)
							if err != nil {
								t.Error(err)
								return
							}
							b, err := io.ReadAll(resp.Body)
							resp.Body.Close()
							if err != nil {
								t.Error(err)
								return
							}
							mu.Lock()
							seen[p] = append(seen[p], string(b))
							mu.Unlock()
						})
					}
				}
				wg.Wait()
				wait()

				stored := map[string][]string{}
				total := 0
				for name, exs := range readLibrary(t, path) {
					for _, ex := range exs {
						u, err := url.Parse(ex.Request.URL)
						if err != nil {
							t.Fatalf("cassette %s: %v", name, err)
						}
						stored[u.Path] = append(stored[u.Path], string(ex.Response.Body))
						total++
					}
				}
				if total != 2*clients || len(recorded.list()) != 2*clients {
					t.Errorf("library holds %d exchanges, OnRecord was called %d times; want %d", total, len(recorded.list()), 2*clients)
				}
				if len(stored) != clients+1 {
					t.Errorf("library holds exchanges for %d paths, want %d", len(stored), clients+1)
				}
				for p, bodies := range seen {
					slices.Sort(bodies)
					got := slices.Sorted(slices.Values(stored[p]))
					if !slices.Equal(got, bodies) {
						t.Errorf("stored for %s: %q, want what the clients got: %q", p, got, bodies)
					}
				}
			})
		}
	}
}

func TestRoundTripperStoresEachBodyOnce(t *testing.T) {
	body := strings.Repeat("x", 100<<10)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, body)
	}))
	defer api.Close()
	for _, tc := range []struct {
		name string
		read int // bytes read before closing; -1 for all
	}{
		{"closed twice after a few bytes, the rest is read and stored", 10},
		{"read to the end then closed twice", -1},
		{"closed twice without reading", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := t.TempDir()
			lib, err := library.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			var recorded names
			rt := recorder.NewRoundTripper(lib, onRecord(recorded.add))
			client := &http.Client{Transport: rt}
			resp, err := client.Get(api.URL + "/big")
			if err != nil {
				t.Fatal(err)
			}
			if tc.read < 0 {
				io.Copy(io.Discard, resp.Body)
			} else {
				io.ReadFull(resp.Body, make([]byte, tc.read))
			}
			resp.Body.Close()
			resp.Body.Close()
			flush(t, rt)
			_, ex := onlyExchange(t, path)
			if string(ex.Response.Body) != body || len(recorded.list()) != 1 {
				t.Errorf("stored a body of %d bytes, OnRecord called %d times; want %d bytes, once",
					len(ex.Response.Body), len(recorded.list()), len(body))
			}
		})
	}
}

func TestRoundTripperStoresNothingWhenTheConnectionIsRefused(t *testing.T) {
	addr := refusedAddr(t)
	path := t.TempDir()
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: recorder.NewRoundTripper(lib)}
	if resp, err := client.Get("http://" + addr + "/x"); err == nil {
		resp.Body.Close()
		t.Fatalf("GET from a closed port succeeded, want an error")
	}
	if got := readLibrary(t, path); len(got) != 0 {
		t.Errorf("library holds %d cassettes, want none", len(got))
	}
}

// refusedAddr returns a loopback address nobody listens on.
func refusedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestRoundTripperSendsTheRequestBodyAndClosesIt(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(w, r.Body)
	}))
	defer api.Close()
	path := t.TempDir()
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	body := &closeTracker{Reader: strings.NewReader("hello upstream")}
	req, _ := http.NewRequest("PUT", api.URL+"/echo", body)
	rt := recorder.NewRoundTripper(lib)
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(got) != "hello upstream" || !body.closed {
		t.Errorf("upstream echoed %q, request body closed %v; want %q, true", got, body.closed, "hello upstream")
	}
	flush(t, rt)
	_, ex := onlyExchange(t, path)
	if string(ex.Request.Body) != "hello upstream" {
		t.Errorf("stored request body %q, want %q", ex.Request.Body, "hello upstream")
	}
}

type closeTracker struct {
	io.Reader
	closed bool
}

func (c *closeTracker) Close() error { c.closed = true; return nil }

func TestNewTransportStoresGzipAsSentAndDecodesItForTheClient(t *testing.T) {
	plain := []byte(strings.Repeat("all the news ", 50))
	var asked []string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = append(asked, r.Header.Get("Accept-Encoding"))
		if r.Header.Get("Accept-Encoding") != "gzip" {
			w.Write(plain)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gzipped(plain))
	}))
	defer api.Close()
	for _, c := range []struct {
		name          string
		acceptEnc     string // set by the caller
		wantUncompr   bool   // the client gets the decoded body, as from http.Transport
		wantClientEnc string // Content-Encoding the client sees
	}{
		{"caller sets no Accept-Encoding", "", true, ""},
		{"caller asks for gzip itself", "gzip", false, "gzip"},
	} {
		t.Run(c.name, func(t *testing.T) {
			asked = nil
			path := t.TempDir()
			rt := recorder.NewTransport(t, path)
			req, _ := http.NewRequest("GET", api.URL+"/news", nil)
			if c.acceptEnc != "" {
				req.Header.Set("Accept-Encoding", c.acceptEnc)
			}
			resp, err := (&http.Client{Transport: rt}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if c.wantUncompr {
				if !bytes.Equal(got, plain) || !resp.Uncompressed || resp.Header.Get("Content-Encoding") != "" || resp.ContentLength != -1 {
					t.Errorf("client got %d bytes, Uncompressed %v, Content-Encoding %q, ContentLength %d; want the %d decoded bytes as http.Transport gives them",
						len(got), resp.Uncompressed, resp.Header.Get("Content-Encoding"), resp.ContentLength, len(plain))
				}
			} else if !bytes.Equal(got, gzipped(plain)) || resp.Header.Get("Content-Encoding") != c.wantClientEnc {
				t.Errorf("client that asked for gzip got %d bytes, Content-Encoding %q; want the gzip as sent", len(got), resp.Header.Get("Content-Encoding"))
			}
			if len(asked) != 1 || asked[0] != "gzip" {
				t.Errorf("the API was asked Accept-Encoding %q, want gzip", asked)
			}
			flush(t, rt)
			_, ex := onlyExchange(t, path)
			if !bytes.Equal(ex.Response.Body, gzipped(plain)) || ex.Response.Header.Get("Content-Encoding") != "gzip" {
				t.Errorf("stored %d bytes with Content-Encoding %q; want the %d gzip bytes the API sent, with Content-Encoding gzip",
					len(ex.Response.Body), ex.Response.Header.Get("Content-Encoding"), len(gzipped(plain)))
			}
			if got := ex.Request.Header.Get("Accept-Encoding"); got != c.acceptEnc {
				t.Errorf("stored request Accept-Encoding %q, want the caller's %q", got, c.acceptEnc)
			}
		})
	}
}

func TestNewTransportDoesNotAskGzipForHEADOrRange(t *testing.T) {
	var asked []string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = append(asked, r.Header.Get("Accept-Encoding"))
		io.WriteString(w, "0123456789")
	}))
	defer api.Close()
	rt := recorder.NewTransport(t, t.TempDir())
	c := &http.Client{Transport: rt}
	head, _ := http.NewRequest("HEAD", api.URL+"/h", nil)
	rng, _ := http.NewRequest("GET", api.URL+"/r", nil)
	rng.Header.Set("Range", "bytes=0-3")
	for _, req := range []*http.Request{head, rng} {
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if len(asked) != 2 || asked[0] != "" || asked[1] != "" {
		t.Errorf("Accept-Encoding sent for HEAD and Range requests: %q, want none", asked)
	}
}

func TestNewTransportStoresABodilessAnswerNeverClosed(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/nocontent":
			w.WriteHeader(http.StatusNoContent)
		case "/empty":
			w.Header().Set("Content-Length", "0")
		default:
			io.WriteString(w, "a body")
		}
	}))
	defer api.Close()
	path := t.TempDir()
	rt := recorder.NewTransport(t, path)
	c := &http.Client{Transport: rt}
	for _, req := range []struct{ method, path string }{{"GET", "/nocontent"}, {"GET", "/empty"}, {"HEAD", "/head"}} {
		r, _ := http.NewRequest(req.method, api.URL+req.path, nil)
		if _, err := c.Do(r); err != nil { // the body is never closed
			t.Fatal(err)
		}
	}
	flush(t, rt)
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	names, _ := lib.Names()
	if len(names) != 3 {
		t.Errorf("stored %v; want the 204, the empty 200 and the HEAD, all three never closed", names)
	}
}

// flush waits until what rt recorded is saved: the library is saved in the
// background, and these tests read it from disk.
func flush(t *testing.T, rt http.RoundTripper) {
	t.Helper()
	if err := rt.(io.Closer).Close(); err != nil {
		t.Fatal(err)
	}
}

// cutAfter is a transport whose answer announces length bytes, delivers
// them, and then fails as an HTTP/2 stream does when the client hung up
// before the stream's end: the request's context is canceled.
type cutAfter struct{ body string }

func (c cutAfter) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode:    200,
		Header:        http.Header{"Content-Length": {strconv.Itoa(len(c.body))}},
		ContentLength: int64(len(c.body)),
		Body:          io.NopCloser(io.MultiReader(strings.NewReader(c.body), iotest.ErrReader(context.Canceled))),
		Request:       r,
	}, nil
}

func TestABodyReadToItsLengthIsStoredWhateverComesAfter(t *testing.T) {
	for _, closeEarly := range []bool{false, true} {
		t.Run(fmt.Sprintf("close early %v", closeEarly), func(t *testing.T) {
			path := t.TempDir()
			lib, err := library.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			rt := recorder.NewRoundTripper(lib, recorder.Transport(cutAfter{"all 15 of them."}))
			resp, err := rt.RoundTrip(httptest.NewRequest("GET", "http://api.example.com/v1/cut", nil))
			if err != nil {
				t.Fatal(err)
			}
			if closeEarly {
				resp.Body.Close() // the recorder reads the rest itself
			} else {
				b, _ := io.ReadAll(resp.Body) // ends in context.Canceled
				resp.Body.Close()
				if string(b) != "all 15 of them." {
					t.Fatalf("body %q", b)
				}
			}
			flush(t, rt)
			if _, ex := onlyExchange(t, path); string(ex.Response.Body) != "all 15 of them." {
				t.Errorf("stored body %q", ex.Response.Body)
			}
		})
	}
}

// TestOnRecordExchangeInLibrary pins what OnRecord promises: the exchange
// is in the library when it is called, and on disk once Close returns
// (not at the call: the library is saved in the background).
func TestOnRecordExchangeInLibrary(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "answer")
	}))
	defer api.Close()
	path := t.TempDir()
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var inLibrary []bool
	rt := recorder.NewRoundTripper(lib, recorder.OnRecord(func(name string, _ library.Exchange) {
		c, ok, err := lib.Get(name)
		inLibrary = append(inLibrary, ok && err == nil && len(c.Exchanges) == 1)
	}))
	resp, err := (&http.Client{Transport: rt}).Get(api.URL + "/x")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if !slices.Equal(inLibrary, []bool{true}) {
		t.Errorf("OnRecord found the exchange in the library: %v, want [true]", inLibrary)
	}
	if err := rt.(io.Closer).Close(); err != nil {
		t.Fatal(err)
	}
	if got := readLibrary(t, path); len(got) != 1 {
		t.Errorf("after Close the library on disk holds %d cassettes, want 1", len(got))
	}
}
