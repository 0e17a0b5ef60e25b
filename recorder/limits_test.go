package recorder_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

// errs collects the errors OnError reports, safe for concurrent use.
type errs struct{ names }

func (e *errs) add(err error) { e.names.add(err.Error()) }

// addNamed adds err, for OnBrokenBody.
func (e *errs) addNamed(_ string, err error) { e.add(err) }

// sizedUpstream answers GET /size/N with N bytes, with a Content-Length
// unless the query has chunked=1, and POST /echo with the length and
// SHA-256 of the body it got. Bodies are generated, not held in memory.
func sizedUpstream(t *testing.T) *httptest.Server {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			h := sha256.New()
			n, err := io.Copy(h, r.Body)
			if err != nil {
				t.Errorf("upstream reading the request body: %v", err)
			}
			fmt.Fprintf(w, "%d %x", n, h.Sum(nil))
			return
		}
		n, err := strconv.ParseInt(strings.TrimPrefix(r.URL.Path, "/size/"), 10, 64)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if r.URL.Query().Get("chunked") == "" {
			w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
		}
		io.Copy(w, io.LimitReader(pattern{}, n))
	}))
	t.Cleanup(api.Close)
	return api
}

// pattern is an endless reader of a repeated byte pattern, so big bodies
// need no memory.
type pattern struct{}

func (pattern) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = "0123456789abcdef"[i%16]
	}
	return len(p), nil
}

// patternBody returns the first n bytes of pattern.
func patternBody(n int64) []byte {
	b, _ := io.ReadAll(io.LimitReader(pattern{}, n))
	return b
}

func TestMaxBodySizeResponses(t *testing.T) {
	const limit = 64 << 10
	api := sizedUpstream(t)
	for _, rc := range recordings {
		for _, tc := range []struct {
			name   string
			size   int64
			query  string
			stored bool
		}{
			{"a body at the limit is stored", limit, "", true},
			{"a streamed body at the limit is stored", limit, "?chunked=1", true},
			{"a body one byte over the limit is not stored", limit + 1, "", false},
			{"a streamed body over the limit is not stored", 5 * limit, "?chunked=1", false},
		} {
			t.Run(rc.name+"/"+tc.name, func(t *testing.T) {
				path := t.TempDir()
				var recorded names
				var reported errs
				client, base, wait := rc.start(t, api.URL, path, recorded.add,
					recorder.MaxBodySize(limit), recorder.OnError(reported.add))
				url := fmt.Sprintf("/size/%d%s", tc.size, tc.query)
				resp, err := client.Get(base + url)
				if err != nil {
					t.Fatal(err)
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || !bytes.Equal(body, patternBody(tc.size)) {
					t.Fatalf("GET %s: client got %d bytes, %v; want all %d bytes", url, len(body), err, tc.size)
				}
				wait()
				lib := readLibrary(t, path)
				if tc.stored {
					if len(lib) != 1 || len(reported.list()) != 0 {
						t.Errorf("library holds %d cassettes, OnError got %q; want 1 cassette, no error", len(lib), reported.list())
					}
					return
				}
				want := fmt.Sprintf("recorder: GET %s%s: response body is larger than the 64 KiB limit, so it was not stored; raise it with recorder.MaxBodySize (or replayserver.MaxBodySize)", api.URL, url)
				if got := reported.list(); len(got) != 1 || got[0] != want {
					t.Errorf("OnError got %q, want once:\n%s", got, want)
				}
				if len(lib) != 0 || len(recorded.list()) != 0 {
					t.Errorf("library holds %d cassettes, OnRecord got %q; want nothing stored", len(lib), recorded.list())
				}
			})
		}
	}
}

func TestMaxBodySizeErrorWrapsErrBodyTooLarge(t *testing.T) {
	api := sizedUpstream(t)
	lib, err := library.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var got error
	client := &http.Client{Transport: recorder.NewRoundTripper(lib, recorder.MaxBodySize(1000),
		recorder.OnError(func(err error) { got = err }))}
	resp, err := client.Get(api.URL + "/size/1001?token=s3cr3t")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if !errors.Is(got, recorder.ErrBodyTooLarge) {
		t.Errorf("OnError got %v, want an error wrapping ErrBodyTooLarge", got)
	}
	if got == nil || !strings.Contains(got.Error(), "the 1000 B limit") || strings.Contains(got.Error(), "s3cr3t") {
		t.Errorf("OnError got %v, want it to name the 1000 B limit and no secret", got)
	}
}

func TestMaxBodySizeRequests(t *testing.T) {
	const limit = 1 << 10
	api := sizedUpstream(t)
	for _, rc := range recordings {
		for _, tc := range []struct {
			name    string
			size    int64
			chunked bool // the client sends no Content-Length
			stored  bool
		}{
			{"a body at the limit is stored", limit, false, true},
			{"a body over the limit is sent whole, not stored", 3 * limit, false, false},
			{"a body of unknown length over the limit is sent whole, not stored", 3 * limit, true, false},
		} {
			t.Run(rc.name+"/"+tc.name, func(t *testing.T) {
				path := t.TempDir()
				var recorded names
				var reported errs
				client, base, wait := rc.start(t, api.URL, path, recorded.add,
					recorder.MaxBodySize(limit), recorder.OnError(reported.add))
				sent := patternBody(tc.size)
				var body io.Reader = bytes.NewReader(sent)
				if tc.chunked {
					body = io.MultiReader(body) // hides the length
				}
				resp, err := client.Post(base+"/echo", "text/plain", body)
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if want := fmt.Sprintf("%d %x", len(sent), sha256.Sum256(sent)); err != nil || string(got) != want {
					t.Fatalf("POST /echo: upstream answered %q, %v; want %q (the whole body)", got, err, want)
				}
				wait()
				lib := readLibrary(t, path)
				if tc.stored {
					if _, ex := onlyExchange(t, path); !bytes.Equal(ex.Request.Body, sent) || len(reported.list()) != 0 {
						t.Errorf("stored a request body of %d bytes, OnError got %q; want %d bytes, no error", len(ex.Request.Body), reported.list(), len(sent))
					}
					return
				}
				want := fmt.Sprintf("recorder: POST %s/echo: request body is larger than the 1 KiB limit, so it was not stored; raise it with recorder.MaxBodySize (or replayserver.MaxBodySize)", api.URL)
				if got := reported.list(); len(got) != 1 || got[0] != want {
					t.Errorf("OnError got %q, want once:\n%s", got, want)
				}
				if len(lib) != 0 || len(recorded.list()) != 0 {
					t.Errorf("library holds %d cassettes, OnRecord got %q; want nothing stored", len(lib), recorded.list())
				}
			})
		}
	}
}

func TestMaxBodySizeZeroIsNoLimit(t *testing.T) {
	api := sizedUpstream(t)
	path := t.TempDir()
	rt := recorder.NewTransport(t, path, recorder.MaxBodySize(0))
	resp, err := (&http.Client{Transport: rt}).Get(api.URL + "/size/100000")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	flush(t, rt)
	if _, ex := onlyExchange(t, path); len(ex.Response.Body) != 100000 {
		t.Errorf("stored %d bytes, want 100000", len(ex.Response.Body))
	}
}

// TestMaxBodySizeKeepsNoCopyPastTheLimit streams 64 MiB through a
// recording RoundTripper limited to 1 MiB and checks that the process
// allocated far less than the body: the copy is dropped at the limit.
func TestMaxBodySizeKeepsNoCopyPastTheLimit(t *testing.T) {
	const size = 64 << 20
	api := sizedUpstream(t)
	for _, query := range []string{"", "?chunked=1"} {
		t.Run("query="+query, func(t *testing.T) {
			lib, err := library.Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			var reported errs
			client := &http.Client{Transport: recorder.NewRoundTripper(lib, recorder.MaxBodySize(1<<20), recorder.OnError(reported.add))}
			defer client.CloseIdleConnections()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			resp, err := client.Get(fmt.Sprintf("%s/size/%d%s", api.URL, size, query))
			if err != nil {
				t.Fatal(err)
			}
			n, err := io.CopyBuffer(io.Discard, resp.Body, make([]byte, 32<<10))
			resp.Body.Close()
			runtime.ReadMemStats(&after)
			if err != nil || n != size {
				t.Fatalf("read %d bytes, %v; want %d", n, err, size)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
				t.Errorf("allocated %d MiB while streaming %d MiB with a 1 MiB limit, want less than 16 MiB", alloc>>20, size>>20)
			}
			if len(reported.list()) != 1 {
				t.Errorf("OnError got %q, want one error", reported.list())
			}
		})
	}
}

// TestCloseStopsReadingAtTheLimit closes an endless response early: Close
// reads the rest only up to the limit, finds the body too large to store
// and returns.
func TestCloseStopsReadingAtTheLimit(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(w, pattern{}) // until the client goes away
	}))
	defer api.Close()
	lib, err := library.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var reported errs
	client := &http.Client{Transport: recorder.NewRoundTripper(lib, recorder.MaxBodySize(1<<20), recorder.OnError(reported.add))}
	defer client.CloseIdleConnections()
	resp, err := client.Get(api.URL + "/endless")
	if err != nil {
		t.Fatal(err)
	}
	io.ReadFull(resp.Body, make([]byte, 100))
	resp.Body.Close() // would never return if it read the whole body
	if got := reported.list(); len(got) != 1 || !strings.Contains(got[0], "response body is larger than the 1 MiB limit") {
		t.Errorf("OnError got %q, want one error about the 1 MiB limit", got)
	}
	if names, err := lib.Names(); err != nil || len(names) != 0 {
		t.Errorf("library holds %q, %v; want nothing", names, err)
	}
}

// hangingUpstream accepts requests and never answers them until the test
// ends.
func hangingUpstream(t *testing.T) *httptest.Server {
	release := make(chan struct{})
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(api.Close)
	t.Cleanup(func() { close(release) }) // runs first
	return api
}

func TestUpstreamTimeoutProxyAnswers504(t *testing.T) {
	api := hangingUpstream(t)
	path := t.TempDir()
	var recorded names
	rec := recorder.New(t, api.URL, path, onRecord(recorded.add), recorder.UpstreamTimeout(time.Millisecond))
	resp, err := http.Get(rec.URL + "/slow?token=s3cr3t")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	rec.Close()
	msg := string(body)
	if resp.StatusCode != http.StatusGatewayTimeout || !strings.Contains(msg, "timeout awaiting response headers") ||
		!strings.Contains(msg, "recorder.UpstreamTimeout") || strings.Contains(msg, "s3cr3t") {
		t.Errorf("GET through the proxy to an upstream that never answers = %d %q; want 504 naming the timeout and recorder.UpstreamTimeout, no secret", resp.StatusCode, msg)
	}
	if lib := readLibrary(t, path); len(lib) != 0 || len(recorded.list()) != 0 {
		t.Errorf("library holds %d cassettes, OnRecord got %q; want nothing stored", len(lib), recorded.list())
	}
}

func TestUpstreamTimeoutRoundTripperFails(t *testing.T) {
	api := hangingUpstream(t)
	path := t.TempDir()
	var recorded names
	client := &http.Client{Transport: recorder.NewTransport(t, path, onRecord(recorded.add), recorder.UpstreamTimeout(time.Millisecond))}
	resp, err := client.Get(api.URL + "/slow")
	if err == nil {
		resp.Body.Close()
		t.Fatalf("GET from an upstream that never answers succeeded, want a timeout")
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("GET = %v, want a timeout error", err)
	}
	if lib := readLibrary(t, path); len(lib) != 0 || len(recorded.list()) != 0 {
		t.Errorf("library holds %d cassettes, OnRecord got %q; want nothing stored", len(lib), recorded.list())
	}
}

func TestUpstreamTimeoutLeavesAGivenTransportAlone(t *testing.T) {
	lib, err := library.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{}
	if _, err := recorder.NewProxy("http://127.0.0.1:1", lib, recorder.Transport(tr), recorder.UpstreamTimeout(time.Second)); err != nil {
		t.Fatal(err)
	}
	recorder.NewRoundTripper(lib, recorder.Transport(tr), recorder.UpstreamTimeout(time.Second))
	if tr.ResponseHeaderTimeout != 0 {
		t.Errorf("the given transport's ResponseHeaderTimeout became %v, want it left at 0", tr.ResponseHeaderTimeout)
	}
}
