package replayserver_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/replayserver"
)

// bodyLimit is the MaxBodySize of the tests of request bodies over it.
const bodyLimit = 1 << 10

// ignoreUpload names POST /upload without its body; other requests are
// named by theirs.
var ignoreUpload = naming.Rules{}.Route("POST /upload", naming.Rules{Bodies: map[string]naming.BodyRule{"": naming.IgnoreBody}})

// Record mode reads no more of a request body than MaxBodySize to name the
// request: an exchange with a larger body is never stored, so one is
// forwarded as it comes, and the test fails saying it was not stored, as
// for a body the recorder sees over the limit (found by a review: the
// server and NewTransport read it whole into memory first, a 256 MiB
// upload allocating some 730 MiB, to store nothing). The upstream gets the
// first bytes of the body before the client has given the last, whether
// the body is part of the name or not.
func TestRecordStreamsARequestBodyOverTheLimit(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	const size = 64 << 20                 // more than the sockets between client and upstream hold
	var body atomic.Pointer[countingBody] // the body being sent
	var givenAtFirstRead atomic.Int64
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [1]byte
		if _, err := io.ReadFull(r.Body, b[:]); err == nil {
			givenAtFirstRead.Store(body.Load().read.Load())
		}
		n, _ := io.Copy(io.Discard, r.Body)
		fmt.Fprintf(w, "got %d", n+1)
	}))
	defer up.Close()
	for _, tc := range []struct {
		name   string
		client func(t testing.TB, path string, opts ...replayserver.Option) (*http.Client, string)
	}{
		{"replay server", func(t testing.TB, path string, opts ...replayserver.Option) (*http.Client, string) {
			srv := replayserver.New(t, path, append(opts, replayserver.Upstream(up.URL))...)
			return srv.Client(), srv.URL
		}},
		{"NewTransport", func(t testing.TB, path string, opts ...replayserver.Option) (*http.Client, string) {
			return &http.Client{Transport: replayserver.NewTransport(t, path, opts...)}, up.URL
		}},
	} {
		for _, rc := range []struct {
			why   string
			rules naming.Rules
		}{
			{"the body is part of the name", naming.Rules{}},
			{"the name leaves the body out", ignoreUpload},
		} {
			t.Run(tc.name+"/"+rc.why, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "api")
				ft := newFakeTB(t)
				ft.do(func() {
					client, base := tc.client(ft, path, replayserver.WithMode(replayserver.ModeRecord),
						replayserver.MaxBodySize(bodyLimit), replayserver.Naming(rc.rules))
					b := &countingBody{size: size}
					body.Store(b)
					givenAtFirstRead.Store(-1)
					resp, err := client.Post(base+"/upload", "application/octet-stream", b)
					if err != nil {
						t.Errorf("POST /upload of %d bytes in record mode: %v", size, err)
						return
					}
					got, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if want := fmt.Sprintf("got %d", size); string(got) != want {
						t.Errorf("POST /upload of %d bytes in record mode: upstream answered %q, want %q (the whole body)", size, got, want)
					}
				})
				ft.finish()
				if got := givenAtFirstRead.Load(); got < 0 || got >= size {
					t.Errorf("POST of %d bytes in record mode, MaxBodySize(%d): the client had given %d when the upstream read the first, want fewer (the body streamed)", size, bodyLimit, got)
				}
				want := "request body is larger than the 1 KiB limit, so it was not stored; raise it with recorder.MaxBodySize (or replayserver.MaxBodySize)"
				if got := ft.errors(); strings.Count(got, want) != 1 {
					t.Errorf("the test failed with:\n%s\nwant one failure saying:\n%s", got, want)
				}
				if got := storedNames(t, path); len(got) != 0 {
					t.Errorf("library holds %q, want nothing stored", got)
				}
			})
		}
	}
}

// Replay mode reads no more of a request body than MaxBodySize either. A
// request whose name leaves its body out is named without it, and gets its
// cassette; one named by its body gets a miss saying that no cassette
// holds a request with a body over the limit, and what to do (found by a
// review: the body was read whole into memory, to report a plain miss).
func TestReplayARequestBodyOverTheLimit(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path := filepath.Join(t.TempDir(), "api")
	writeRequests(t, path, ignoreUpload, [][3]string{{"POST", "http://api.example.com/upload", `{"small":true}`}})
	const size = 1 << 20
	tests := []struct {
		why    string
		target string
		hit    bool
		report []string // what a miss report says
	}{
		{"the name leaves the body out: its cassette answers", "/upload", true, nil},
		{"the body is part of the name: a miss says why", "/other", false, []string{
			"name:    unknown: its body is part of it, and over the limit",
			"the request body is larger than the 1 KiB limit (replayserver.MaxBodySize)",
			"no cassette recorded with\nthis limit holds this request",
			"replay it with the limit it was recorded with",
			"raise the\nlimit with replayserver.MaxBodySize (cassette serve: -max-body-size)",
			"naming.IgnoreBody",
		}},
		{"the name leaves the body out, but no cassette has it: a miss says the body is over the limit too", "/upload?v=2", false, []string{
			"name:    POST_",
			"the request body is larger than the 1 KiB limit (replayserver.MaxBodySize)",
			"recording stores no exchange with a body over the limit",
			"nearest #1: POST_api.example.com_80_upload",
		}},
	}
	// post sends a POST of size bytes to url through client, with a
	// Content-Length if known.
	post := func(client *http.Client, url string, known bool) (*http.Response, *countingBody, error) {
		b := &countingBody{size: size}
		req, err := http.NewRequest("POST", url, b)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/octet-stream")
		if known {
			req.ContentLength = size
		}
		resp, err := client.Do(req)
		return resp, b, err
	}
	// bodyLine is what a miss report says of the body.
	bodyLine := map[bool]string{
		false: "request body (more than the 1 KiB limit; 1025 bytes read with control characters, quoted; first 512 shown)",
		true:  "request body: 1048576 bytes (its Content-Length), over the 1 KiB limit, not read",
	}
	t.Run("replay server", func(t *testing.T) {
		for _, tt := range tests {
			for _, known := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/Content-Length known %v", tt.why, known), func(t *testing.T) {
					ft := newFakeTB(t)
					var status int
					var got string
					var missHeader []string
					ft.do(func() {
						srv := replayserver.New(ft, path, replayserver.MaxBodySize(bodyLimit), replayserver.Naming(ignoreUpload))
						resp, _, err := post(srv.Client(), srv.URL+tt.target, known)
						if err != nil {
							t.Errorf("POST %s of %d bytes: %v", tt.target, size, err)
							return
						}
						b, _ := io.ReadAll(resp.Body)
						resp.Body.Close()
						status, got = resp.StatusCode, string(b)
						missHeader = resp.Header.Values("X-Cassette-Miss")
					})
					ft.finish()
					if tt.hit {
						if status != http.StatusOK || got != "ok" || ft.errors() != "" {
							t.Errorf("POST %s of %d bytes, MaxBodySize(%d) = %d %q, test failed with %q; want 200 %q from the cassette",
								tt.target, size, bodyLimit, status, got, ft.errors(), "ok")
						}
						return
					}
					if status != http.StatusNotFound {
						t.Errorf("POST %s of %d bytes, MaxBodySize(%d) = %d, want 404", tt.target, size, bodyLimit, status)
					}
					if slices.Contains(missHeader, "") {
						t.Errorf("the 404 has an empty X-Cassette-Miss: %q", missHeader)
					}
					for _, want := range append(tt.report, bodyLine[known]) {
						if !strings.Contains(got, want) || !strings.Contains(ft.errors(), want) {
							t.Errorf("the 404 body, or the test's failure, lacks %q:\n%s\nthe test failed with:\n%s", want, got, ft.errors())
						}
					}
				})
			}
		}
	})
	t.Run("NewTransport", func(t *testing.T) {
		for _, tt := range tests {
			for _, known := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/Content-Length known %v", tt.why, known), func(t *testing.T) {
					client := &http.Client{Transport: replayserver.NewTransport(t, path, replayserver.MaxBodySize(bodyLimit), replayserver.Naming(ignoreUpload))}
					resp, b, err := post(client, "http://api.example.com"+tt.target, known)
					most := int64(bodyLimit + 1)
					if known {
						most = 0 // its length says it is over
					}
					if read := b.read.Load(); read > most {
						t.Errorf("POST %s of %d bytes, MaxBodySize(%d): the transport read %d bytes of the body, want no more than %d", tt.target, size, bodyLimit, read, most)
					}
					if tt.hit {
						if err != nil {
							t.Fatalf("POST %s of %d bytes, MaxBodySize(%d): %v; want the cassette's answer", tt.target, size, bodyLimit, err)
						}
						got, _ := io.ReadAll(resp.Body)
						resp.Body.Close()
						if resp.StatusCode != http.StatusOK || string(got) != "ok" {
							t.Errorf("POST %s of %d bytes, MaxBodySize(%d) = %d %q, want 200 %q from the cassette", tt.target, size, bodyLimit, resp.StatusCode, got, "ok")
						}
						return
					}
					var miss *replayserver.MissError
					if !errors.As(err, &miss) || !errors.Is(err, replayserver.ErrNoMatch) {
						if err == nil {
							resp.Body.Close()
						}
						t.Fatalf("POST %s of %d bytes, MaxBodySize(%d) = %v, want a *MissError", tt.target, size, bodyLimit, err)
					}
					for _, want := range append(tt.report, bodyLine[known]) {
						if !strings.Contains(miss.Report, want) {
							t.Errorf("the miss report lacks %q:\n%s", want, miss.Report)
						}
					}
				})
			}
		}
	})
}

// A request whose body is over MaxBodySize, named without it, is answered
// once its body has ended; a body that breaks off before (its client
// gone) gets no answer, and takes none of the cassette's exchanges: the
// client's next try gets the first, as when the body was read whole
// before the request was looked up (found by a review: the exchange was
// taken before the body was read to its end, so the retry got the second
// answer, or with NoRepeat a miss, and the cassette counted as used).
func TestARequestBodyOverTheLimitThatBreaksOffTakesNoExchange(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	for _, mode := range []replayserver.Mode{replayserver.ModeReplay, replayserver.ModeRecord} {
		t.Run(string(mode), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "api")
			lib, err := library.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest("POST", "http://api.example.com/upload", nil)
			for _, answer := range []string{"first", "second"} {
				ex := library.Exchange{
					Request:  library.Request{Method: "POST", URL: req.URL.String(), Header: http.Header{}},
					Response: library.Response{StatusCode: 200, Body: []byte(answer)},
				}
				if err := lib.Append(naming.Name(req, nil, ignoreUpload), ex); err != nil {
					t.Fatal(err)
				}
			}
			if err := lib.Save(); err != nil {
				t.Fatal(err)
			}
			ft := newFakeTB(t)
			ft.do(func() {
				// No upstream is reached: the cassette answers.
				srv := replayserver.New(ft, path, replayserver.WithMode(mode), replayserver.Upstream("http://127.0.0.1:1"),
					replayserver.MaxBodySize(bodyLimit), replayserver.Naming(ignoreUpload), replayserver.NoRepeat())
				// A body that breaks off: its length says more than the
				// client sends before it stops sending.
				conn, err := net.Dial("tcp", srv.Listener.Addr().String())
				if err != nil {
					t.Error(err)
					return
				}
				defer conn.Close()
				fmt.Fprintf(conn, "POST /upload HTTP/1.1\r\nHost: %s\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n%s",
					srv.Listener.Addr(), 4*bodyLimit, strings.Repeat("x", 2*bodyLimit))
				conn.(*net.TCPConn).CloseWrite()
				// Whatever the server answers it, once it has seen the
				// body end.
				resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
				if err == nil {
					got, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.StatusCode == http.StatusOK {
						t.Errorf("a request whose body broke off was answered %d %q", resp.StatusCode, got)
					}
				}
				// The client tries again, with its whole body.
				r, _ := http.NewRequest("POST", srv.URL+"/upload", strings.NewReader(strings.Repeat("x", 4*bodyLimit)))
				r.Header.Set("Content-Type", "application/octet-stream")
				resp, err = srv.Client().Do(r)
				if err != nil {
					t.Error(err)
					return
				}
				got, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || string(got) != "first" {
					t.Errorf("the retry of a request whose body broke off = %d %q, want 200 %q", resp.StatusCode, got, "first")
				}
			})
			ft.finish()
		})
	}
}

// Two requests of one cassette over MaxBodySize, named without their body,
// the first breaking off after the second was answered: the first's
// exchange, given back, is the next one served, and no exchange is served
// twice while another is never served. The give-back used to count the
// cassette's place back by one, so that the next request got the second
// exchange again and the first was never served. The handler reads the
// first request's body from a pipe: a write returns once the handler has
// read it, so the order is certain, with no wait.
func TestRequestsOverTheLimitGiveBackTheirOwnExchange(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path := filepath.Join(t.TempDir(), "api")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	const url = "http://api.example.com/upload"
	name := naming.Name(httptest.NewRequest("POST", url, nil), nil, ignoreUpload)
	for _, answer := range []string{"first", "second", "third"} {
		ex := library.Exchange{
			Request:  library.Request{Method: "POST", URL: url, Header: http.Header{}},
			Response: library.Response{StatusCode: 200, Body: []byte(answer)},
		}
		if err := lib.Append(name, ex); err != nil {
			t.Fatal(err)
		}
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		why    string
		breaks []int    // which of the two requests break off: 0, the first; 1, the second
		then   []string // what requests sent after get, in order ("": a miss)
	}{
		{"the first breaks off: its exchange is the next served", []int{0}, []string{"first", "third", ""}},
		{"the second breaks off: its exchange is the next served", []int{1}, []string{"second", "third", ""}},
		{"both break off, the first first: the cassette is served from its start", []int{0, 1}, []string{"first", "second", "third", ""}},
		{"both break off, the second first: the cassette is served from its start", []int{1, 0}, []string{"first", "second", "third", ""}},
	} {
		t.Run(tc.why, func(t *testing.T) {
			h, err := replayserver.NewHandler(path, replayserver.MaxBodySize(bodyLimit), replayserver.Naming(ignoreUpload),
				replayserver.NoRepeat(), replayserver.Logf(func(string, ...any) {}))
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			// Two requests whose bodies, of unknown length, come through
			// pipes: each has been looked up, and has taken its exchange,
			// once the handler reads past the limit.
			var pws [2]*io.PipeWriter
			var recs [2]*httptest.ResponseRecorder
			var done [2]chan struct{}
			for i := range pws {
				pr, pw := io.Pipe()
				req := httptest.NewRequest("POST", url, pr)
				req.ContentLength = -1
				pws[i], recs[i], done[i] = pw, httptest.NewRecorder(), make(chan struct{})
				go func() {
					defer close(done[i])
					h.ServeHTTP(recs[i], req)
				}()
				// The limit, then one byte past it read by the handler
				// once it has taken the exchange and reads the rest.
				if _, err := pw.Write(bytes.Repeat([]byte("x"), bodyLimit+1)); err != nil {
					t.Fatal(err)
				}
				if _, err := pw.Write([]byte("x")); err != nil {
					t.Fatal(err)
				}
			}
			answered := map[int]bool{0: true, 1: true}
			for _, i := range tc.breaks {
				pws[i].CloseWithError(errors.New("client gone"))
				<-done[i]
				delete(answered, i)
			}
			got := map[int]string{}
			for i := range answered {
				pws[i].Close()
				<-done[i]
				got[i] = recs[i].Body.String()
			}
			for i, want := range map[int]string{0: "first", 1: "second"} {
				if answered[i] && got[i] != want {
					t.Errorf("request %d = %d %q, want %q", i+1, recs[i].Code, got[i], want)
				}
			}
			for k, w := range tc.then {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("POST", url, strings.NewReader(strings.Repeat("x", 2*bodyLimit))))
				if w == "" {
					if rec.Code != http.StatusNotFound {
						t.Errorf("request %d after = %d %q, want a miss (NoRepeat: every exchange served)", k+1, rec.Code, rec.Body.String())
					}
					continue
				}
				if rec.Code != http.StatusOK || rec.Body.String() != w {
					t.Errorf("request %d after = %d %q, want 200 %q", k+1, rec.Code, rec.Body.String(), w)
				}
			}
		})
	}
	// The cassette no request was answered from stays unused.
	h, err := replayserver.NewHandler(path, replayserver.MaxBodySize(bodyLimit), replayserver.Naming(ignoreUpload), replayserver.Logf(func(string, ...any) {}))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	var pws [2]*io.PipeWriter
	var done [2]chan struct{}
	for i := range pws {
		pr, pw := io.Pipe()
		req := httptest.NewRequest("POST", url, pr)
		req.ContentLength = -1
		pws[i], done[i] = pw, make(chan struct{})
		go func() {
			defer close(done[i])
			h.ServeHTTP(httptest.NewRecorder(), req)
		}()
		pw.Write(bytes.Repeat([]byte("x"), bodyLimit+2))
	}
	for _, i := range []int{0, 1} {
		pws[i].CloseWithError(errors.New("client gone"))
		<-done[i]
	}
	if got := h.Unused(); !slices.Equal(got, []string{name}) {
		t.Errorf("Unused() after two requests that broke off = %q, want [%s]", got, name)
	}
}
