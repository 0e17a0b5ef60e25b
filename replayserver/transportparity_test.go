package replayserver_test

import (
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// parityURL is the URL of the one cassette of a parity library.
const parityURL = "https://api.example.com/v1/x"

// A clientView is what a Go client gets from a replay path.
type clientView struct {
	Status        int
	Header        http.Header // without Date, which only the server path sets
	Body          string
	ContentLength int64
	Chunked       bool
	Uncompressed  bool
	Trailer       http.Header
	Err           string // of the round trip or of reading the body
}

// parityLibrary writes a library of one cassette answering method
// parityURL with resp, its body in a body file when bodyFile is set, and
// returns its path and the cassette's file name.
func parityLibrary(t *testing.T, method string, recHdr http.Header, resp library.Response, bodyFile bool) (path, file string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "api")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if bodyFile {
		toBodyFile(t, lib, &resp)
	}
	req, _ := http.NewRequest(method, parityURL, nil)
	name := nameOf(req, nil)
	if err := lib.Append(name, library.Exchange{
		Request:  library.Request{Method: method, URL: parityURL, Header: recHdr},
		Response: resp,
	}); err != nil {
		t.Fatal(err)
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	return path, lib.File(name)
}

// replayPaths are the ways a Go client replays: through the replay
// server (srv.Client()) and in process (NewTransport); each with
// RecordedTiming too, which takes the exchange from the library for each
// request rather than the answer the handler made ready once (see reply).
// Each returns the client for a fake test, whose cleanups close it.
var replayPaths = map[string]func(ft *fakeTB, path string, opts ...replayserver.Option) *http.Client{
	"New": func(ft *fakeTB, path string, opts ...replayserver.Option) *http.Client {
		srv := replayserver.New(ft, path, append(opts, replayserver.WithMode(replayserver.ModeReplay))...)
		c := srv.Client()
		c.Timeout = 5 * time.Second // a 101 would leave the body hanging
		return c
	},
	"NewTransport": func(ft *fakeTB, path string, opts ...replayserver.Option) *http.Client {
		return &http.Client{Transport: replayserver.NewTransport(ft, path, append(opts, replayserver.WithMode(replayserver.ModeReplay))...)}
	},
}

// paths are the names of the ways replayOn replays, the server's first.
var paths = []string{"New", "NewTransport", "New/RecordedTiming", "NewTransport/RecordedTiming"}

// replayOn sends method parityURL, with header hdr, twice (the second
// from the handler's memory of the cassette) through the replay path
// called via, and returns what the client got the second time, and the
// failures of the test (which the paths word alike, not the same).
func replayOn(t *testing.T, via, path, method string, hdr http.Header) (a clientView, failures string) {
	t.Helper()
	ft := newFakeTB(t)
	ft.do(func() {
		var opts []replayserver.Option
		if v, timed := strings.CutSuffix(via, "/RecordedTiming"); timed {
			via, opts = v, []replayserver.Option{replayserver.RecordedTiming()}
		}
		c := replayPaths[via](ft, path, opts...)
		for range 2 {
			a = clientView{}
			req, _ := http.NewRequest(method, parityURL, nil)
			for k, v := range hdr {
				req.Header[k] = v
			}
			resp, err := c.Do(req)
			if err != nil {
				a.Err = err.Error()
				continue
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				a.Err = err.Error()
			}
			a.Status, a.Body, a.ContentLength, a.Uncompressed = resp.StatusCode, string(b), resp.ContentLength, resp.Uncompressed
			a.Chunked = len(resp.TransferEncoding) > 0
			a.Header = resp.Header.Clone()
			delete(a.Header, "Date")
			if len(resp.Trailer) > 0 {
				a.Trailer = resp.Trailer
			}
		}
	})
	ft.finish()
	return a, ft.errors()
}

// A parityCase is a recorded response, as hand-edited or imported, that
// both replay paths must answer alike.
type parityCase struct {
	name     string
	method   string      // "" for GET
	reqHdr   http.Header // of the request; by default none, so NewTransport and http.Transport ask for gzip
	recHdr   http.Header // of the recorded request; by default none
	resp     library.Response
	bodyFile bool
	wantFail string // what the test's failure says; "" for no failure
	check    func(t *testing.T, a clientView)
}

// runParity replays each case on both paths, checks each answer and that
// both paths answer alike.
func runParity(t *testing.T, cases []parityCase) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(replayserver.EnvMode, "")
			method := tc.method
			if method == "" {
				method = http.MethodGet
			}
			path, file := parityLibrary(t, method, tc.recHdr, tc.resp, tc.bodyFile)
			got := map[string]clientView{}
			for _, via := range paths {
				a, failures := replayOn(t, via, path, method, tc.reqHdr)
				got[via] = a
				t.Run(via, func(t *testing.T) {
					want := strings.ReplaceAll(tc.wantFail, "FILE", file)
					switch {
					case want == "" && failures != "":
						t.Errorf("the test failed: %q; want no failure", failures)
					case want != "" && !strings.Contains(failures, want):
						t.Errorf("failures = %q; want one saying %q", failures, want)
					}
					if tc.check != nil {
						tc.check(t, a)
					}
				})
			}
			for _, via := range paths[1:] {
				if diff := cmp.Diff(got[paths[0]], got[via]); diff != "" {
					t.Errorf("%s %s: %s answers otherwise than %s (-%[4]s +%[3]s):\n%[5]s", method, parityURL, via, paths[0], diff)
				}
			}
		})
	}
}

// wantLength checks that the answer's Content-Length header is want ("" for
// none) and its ContentLength n.
func wantLength(want string, n int64) func(t *testing.T, a clientView) {
	return func(t *testing.T, a clientView) {
		t.Helper()
		if a.Err != "" {
			t.Fatalf("the client could not read the answer: %s", a.Err)
		}
		got := strings.Join(a.Header["Content-Length"], ", ")
		if got != want || a.ContentLength != n {
			t.Errorf("Content-Length %q, ContentLength %d; want %q and %d", got, a.ContentLength, want, n)
		}
	}
}

// TestTransportContentLengthIsTheBodys: whatever length a cassette
// claims, a client is told the length of the body it gets, and none for
// an answer without a body, on both paths.
func TestTransportContentLengthIsTheBodys(t *testing.T) {
	plain := []byte(strings.Repeat("gzip me, ", 100))
	zipped := gz(plain)
	runParity(t, []parityCase{
		{
			name:  "hand-edited body shorter than its header",
			resp:  library.Response{StatusCode: 200, Header: http.Header{"Content-Length": {"999"}, "Content-Type": {"text/plain"}}, Body: []byte("hello")},
			check: wantLength("5", 5),
		},
		{
			name:     "body file longer than its header",
			resp:     library.Response{StatusCode: 200, Header: http.Header{"Content-Length": {"5"}, "Content-Type": {"application/octet-stream"}}, Body: bigBody(1000)},
			bodyFile: true,
			check:    wantLength("1000", 1000),
		},
		{
			name:  "204 with a recorded length",
			resp:  library.Response{StatusCode: 204, Header: http.Header{"Content-Length": {"12"}}},
			check: wantLength("", 0),
		},
		{
			name:  "304 with a recorded length and type",
			resp:  library.Response{StatusCode: 304, Header: http.Header{"Content-Length": {"12"}, "Content-Type": {"text/plain"}, "Etag": {`"x"`}}},
			check: wantLength("", 0),
		},
		{
			name:  "two recorded values",
			resp:  library.Response{StatusCode: 200, Header: http.Header{"Content-Length": {"3", "3"}, "Content-Type": {"text/plain"}}, Body: []byte("abc")},
			check: wantLength("3", 3),
		},
		{
			name:   "HEAD keeps the recorded length of the body it does not send",
			method: http.MethodHead,
			resp:   library.Response{StatusCode: 200, Header: http.Header{"Content-Length": {"17"}, "Content-Type": {"text/plain"}}},
			check:  wantLength("17", 17),
		},
		{
			name: "gzip decoded for a client that did not ask for it",
			resp: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Length": {"12"}, "Content-Type": {"text/plain"}}, Body: zipped},
			check: func(t *testing.T, a clientView) {
				wantLength("", -1)(t, a)
				if a.Body != string(plain) || !a.Uncompressed {
					t.Errorf("body %.20q…, Uncompressed %v; want it decoded", a.Body, a.Uncompressed)
				}
			},
		},
		{
			name:   "gzip kept for a client that asked for it",
			reqHdr: http.Header{"Accept-Encoding": {"gzip"}},
			resp:   library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Length": {"12"}, "Content-Type": {"text/plain"}}, Body: zipped},
			check:  wantLength(strconv.Itoa(len(zipped)), int64(len(zipped))),
		},
		{
			name:   "gzip decoded for a client that refuses it, with its length, without the gzip's digests",
			reqHdr: http.Header{"Accept-Encoding": {"identity"}},
			resp: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/plain"},
				"Content-Digest": {"sha-256=:AAAA:"}, "Repr-Digest": {"sha-256=:BBBB:"}, "Content-Md5": {"CCCC"}, "Digest": {"SHA-256=DDDD"}, "Etag": {`"e1"`}},
				Body: zipped},
			check: func(t *testing.T, a clientView) {
				wantLength(strconv.Itoa(len(plain)), int64(len(plain)))(t, a)
				for _, k := range []string{"Content-Digest", "Repr-Digest", "Content-Md5", "Digest"} {
					wantHeader(k)(t, a)
				}
				wantHeader("Etag", `"e1"`)(t, a)
				if a.Body != string(plain) || a.Uncompressed || a.Header.Get("Content-Encoding") != "" {
					t.Errorf("body %.20q…, Uncompressed %v, Content-Encoding %q; want it decoded by the API", a.Body, a.Uncompressed, a.Header.Get("Content-Encoding"))
				}
			},
		},
		{
			name:   "a gzip stream decoded for a client that refuses it, as a stream",
			reqHdr: http.Header{"Accept-Encoding": {"identity"}},
			resp: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/plain"}}, Body: zipped,
				Chunks: []library.Chunk{{Size: 10}, {Size: len(zipped) - 10}}},
			check: func(t *testing.T, a clientView) {
				wantLength("", -1)(t, a)
				if a.Body != string(plain) || !a.Chunked || a.Header.Get("Content-Encoding") != "" {
					t.Errorf("body %.20q…, chunked %v, Content-Encoding %q; want it decoded by the API, streamed", a.Body, a.Chunked, a.Header.Get("Content-Encoding"))
				}
			},
		},
		{
			name:   "gzip with trailers decoded for a client that refuses it, chunked, the trailers kept",
			reqHdr: http.Header{"Accept-Encoding": {"identity"}},
			resp:   library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/plain"}}, Trailer: http.Header{"X-Checksum": {"abc"}}, Body: zipped},
			check: func(t *testing.T, a clientView) {
				wantLength("", -1)(t, a)
				if a.Body != string(plain) || a.Trailer.Get("X-Checksum") != "abc" {
					t.Errorf("body %.20q…, trailer %v; want it decoded, its trailer kept", a.Body, a.Trailer)
				}
			},
		},
		{
			name:   "HEAD of an answer with trailers keeps its Trailer header, and has no trailers",
			method: http.MethodHead,
			resp:   library.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/plain"}}, Trailer: http.Header{"X-Checksum": {"abc"}}, Body: []byte("hello")},
			check: func(t *testing.T, a clientView) {
				if a.Trailer != nil || a.Header.Get("Trailer") != "X-Checksum" {
					t.Errorf("Trailer header %q, trailers %v; want the header, no trailers", a.Header.Get("Trailer"), a.Trailer)
				}
			},
		},
		{
			name:   "gzip kept for a client that refuses it when the recorded request (in lower case) refused it too",
			reqHdr: http.Header{"Accept-Encoding": {"identity"}},
			recHdr: http.Header{"accept-encoding": {"identity"}},
			resp:   library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/plain"}}, Body: zipped},
			check: func(t *testing.T, a clientView) {
				wantLength(strconv.Itoa(len(zipped)), int64(len(zipped)))(t, a)
				if a.Body != string(zipped) {
					t.Errorf("body %.20q…; want the gzip as recorded: the API sent it to a client refusing it", a.Body)
				}
			},
		},
		{
			name: "gzip-labelled empty body with trailers: http.Transport decodes it (no label left)",
			resp: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/plain"}}, Trailer: http.Header{"X-Checksum": {"abc"}}},
			check: func(t *testing.T, a clientView) {
				if !a.Uncompressed || a.Header["Content-Encoding"] != nil {
					t.Errorf("Uncompressed %v, header %v; want it decoded by the transport", a.Uncompressed, a.Header)
				}
			},
		},
		{
			name:   "HEAD: the Trailer header names the trailers in one order on every replay",
			method: http.MethodHead,
			resp:   library.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/plain"}}, Trailer: http.Header{"X-C": {"3"}, "X-A": {"1"}, "X-B": {"2"}, "X-D": {"4"}}, Body: []byte("hello")},
			check:  wantHeader("Trailer", "X-A", "X-B", "X-C", "X-D"),
		},
		{
			name:   "an empty Accept-Encoding is http.Transport's own case",
			reqHdr: http.Header{"Accept-Encoding": {""}},
			resp:   library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/plain"}}, Body: zipped},
			check: func(t *testing.T, a clientView) {
				wantLength("", -1)(t, a)
				if a.Body != string(plain) || !a.Uncompressed {
					t.Errorf("body %.20q…, Uncompressed %v; want it decoded by the transport", a.Body, a.Uncompressed)
				}
			},
		},
	})
}

// wantHeader checks that the answer's header k is want (nil for none).
func wantHeader(k string, want ...string) func(t *testing.T, a clientView) {
	return func(t *testing.T, a clientView) {
		t.Helper()
		if a.Err != "" {
			t.Fatalf("the client could not read the answer: %s", a.Err)
		}
		if got := a.Header[k]; !slices.Equal(got, want) {
			t.Errorf("header %s = %q; want %q (header %v)", k, got, want, a.Header)
		}
	}
}

// TestTransportMendsForbiddenFieldsAndFails: a header field HTTP forbids,
// hand-edited into a cassette, is sent mended or left out, and fails the
// test naming it, on both paths.
func TestTransportMendsForbiddenFieldsAndFails(t *testing.T) {
	ok := func(hdr http.Header) http.Header {
		hdr["Content-Type"] = []string{"text/plain"}
		return hdr
	}
	runParity(t, []parityCase{
		{
			name:     "a NUL in a value is sent as a space",
			resp:     library.Response{StatusCode: 200, Header: ok(http.Header{"X-Note": {"a\x00b"}}), Body: []byte("fine")},
			wantFail: "has a control character in header X-Note, which HTTP does not allow: it was sent as a space; edit the cassette",
			check:    wantHeader("X-Note", "a b"),
		},
		{
			name:     "a CR LF in a value is sent as spaces",
			resp:     library.Response{StatusCode: 200, Header: ok(http.Header{"X-Note": {"a\r\nb"}}), Body: []byte("fine")},
			wantFail: "has a control character in header X-Note",
			check:    wantHeader("X-Note", "a  b"),
		},
		{
			name:     "a name that is not a token is left out",
			resp:     library.Response{StatusCode: 200, Header: ok(http.Header{"X Bad": {"1"}}), Body: []byte("fine")},
			wantFail: `has a header named "X Bad", which HTTP does not allow`,
			check:    wantHeader("X Bad"),
		},
		{
			name:     "Content-Length as a trailer is left out",
			resp:     library.Response{StatusCode: 200, Header: ok(http.Header{}), Trailer: http.Header{"Content-Length": {"4"}, "X-Checksum": {"abc"}}, Body: []byte("fine")},
			wantFail: "has a trailer Content-Length, which HTTP does not allow as a trailer: it was left out",
			check: func(t *testing.T, a clientView) {
				if want := (http.Header{"X-Checksum": {"abc"}}); !cmp.Equal(a.Trailer, want) {
					t.Errorf("trailers %v; want %v", a.Trailer, want)
				}
			},
		},
		{
			name:     "Content-Length as the only trailer: none is announced, the body has its length",
			resp:     library.Response{StatusCode: 200, Header: ok(http.Header{}), Trailer: http.Header{"Content-Length": {"4"}}, Body: []byte("fine")},
			wantFail: "has a trailer Content-Length",
			check: func(t *testing.T, a clientView) {
				wantLength("4", 4)(t, a)
				if a.Chunked || a.Trailer != nil {
					t.Errorf("chunked %v, trailers %v; want neither", a.Chunked, a.Trailer)
				}
			},
		},
		{
			name:     "the same, gzip decoded for a client that refuses it",
			reqHdr:   http.Header{"Accept-Encoding": {"identity"}},
			resp:     library.Response{StatusCode: 200, Header: ok(http.Header{"Content-Encoding": {"gzip"}}), Trailer: http.Header{"Content-Length": {"4"}}, Body: gz([]byte(strings.Repeat("gzip me, ", 100)))},
			wantFail: "has a trailer Content-Length",
			check:    wantLength("900", 900),
		},
		{
			name:     "a control character in a trailer is sent as a space",
			resp:     library.Response{StatusCode: 200, Header: ok(http.Header{}), Trailer: http.Header{"X-Checksum": {"a\x01b"}}, Body: []byte("fine")},
			wantFail: "has a control character in trailer X-Checksum",
			check: func(t *testing.T, a clientView) {
				if want := (http.Header{"X-Checksum": {"a b"}}); !cmp.Equal(a.Trailer, want) {
					t.Errorf("trailers %v; want %v", a.Trailer, want)
				}
			},
		},
	})
}

// TestTransportCanonicalisesHandWrittenNames: names written in lower case
// by hand mean the fields Go's net/http knows under their canonical
// names, on both paths; the values of names that differ only in case are
// merged, the canonical name's first, then the others' in the order of
// their names.
func TestTransportCanonicalisesHandWrittenNames(t *testing.T) {
	plain := []byte(strings.Repeat("gzip me, ", 100))
	runParity(t, []parityCase{
		{
			name:  "content-length is the one Content-Length",
			resp:  library.Response{StatusCode: 200, Header: http.Header{"content-length": {"999"}, "Content-Type": {"text/plain"}}, Body: []byte("hello")},
			check: wantLength("5", 5),
		},
		{
			name: "content-type text/event-stream is an event stream",
			resp: library.Response{StatusCode: 200, Header: http.Header{"content-type": {"text/event-stream"}}, Body: []byte("data: 1\n\ndata: 2\n\n")},
			check: func(t *testing.T, a clientView) {
				wantHeader("Content-Type", "text/event-stream")(t, a)
				if !a.Chunked || a.ContentLength != -1 || a.Body != "data: 1\n\ndata: 2\n\n" {
					t.Errorf("chunked %v, ContentLength %d, body %q; want a stream of the whole body", a.Chunked, a.ContentLength, a.Body)
				}
			},
		},
		{
			name: "content-encoding gzip is decoded for a client that did not ask for it",
			resp: library.Response{StatusCode: 200, Header: http.Header{"content-encoding": {"gzip"}, "content-type": {"text/plain"}}, Body: gz(plain)},
			check: func(t *testing.T, a clientView) {
				wantLength("", -1)(t, a)
				if a.Body != string(plain) || !a.Uncompressed || a.Header["Content-Encoding"] != nil {
					t.Errorf("body %.20q…, Uncompressed %v, header %v; want it decoded", a.Body, a.Uncompressed, a.Header)
				}
			},
		},
		{
			name: "spaces around a value are trimmed, as on the wire: content-encoding \"gzip \" is decoded",
			resp: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip "}, "Content-Type": {"text/plain"}, "X-Note": {"  a b\t"}}, Body: gz(plain)},
			check: func(t *testing.T, a clientView) {
				wantHeader("X-Note", "a b")(t, a)
				if a.Body != string(plain) || !a.Uncompressed {
					t.Errorf("body %.20q…, Uncompressed %v; want it decoded by the transport", a.Body, a.Uncompressed)
				}
			},
		},
		{
			name:  "the values of one name in several cases are merged",
			resp:  library.Response{StatusCode: 200, Header: http.Header{"X-Tag": {"a"}, "x-tag": {"b"}, "X-TAG": {"c"}, "Content-Type": {"text/plain"}}, Body: []byte("fine")},
			check: wantHeader("X-Tag", "a", "c", "b"),
		},
		{
			name: "a trailer's name",
			resp: library.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/plain"}}, Trailer: http.Header{"x-checksum": {"abc"}}, Body: []byte("fine")},
			check: func(t *testing.T, a clientView) {
				if want := (http.Header{"X-Checksum": {"abc"}}); !cmp.Equal(a.Trailer, want) {
					t.Errorf("trailers %v; want %v", a.Trailer, want)
				}
			},
		},
	})
}

// TestInterimStatusIsRefused: a cassette whose status is an interim one
// (1xx, only there by hand-editing) cannot answer a request: both paths
// answer 502 saying so, and fail the test naming the cassette (the server
// sent it as an interim answer then a 200, or, for a 101, left the client
// hanging; NewTransport returned it as final).
func TestInterimStatusIsRefused(t *testing.T) {
	var cases []parityCase
	for _, status := range []int{100, 101, 103} {
		cases = append(cases, parityCase{
			name:     strconv.Itoa(status),
			resp:     library.Response{StatusCode: status, Header: http.Header{"Link": {"</a.css>; rel=preload"}}},
			wantFail: "cassette FILE holds status " + strconv.Itoa(status),
			check: func(t *testing.T, a clientView) {
				if a.Err != "" {
					t.Fatalf("the client could not read the answer: %s", a.Err)
				}
				if a.Status != http.StatusBadGateway || !strings.Contains(a.Body, "a cassette must hold a final status (200-599)") {
					t.Errorf("answer %d %q; want 502 saying a cassette must hold a final status", a.Status, a.Body)
				}
				if a.Header["Link"] != nil {
					t.Errorf("the 502 has the recorded header: %v", a.Header)
				}
			},
		})
	}
	runParity(t, cases)
}

// TestConnectionFieldsAreNotReplayed: the fields that describe the API's
// connection (Connection, Keep-Alive and those Connection names, as a
// Node server sends them) are not the replay server's, and the recording
// proxy did not pass them on: neither path replays them (found by a probe
// with Node's fetch).
func TestConnectionFieldsAreNotReplayed(t *testing.T) {
	runParity(t, []parityCase{{
		name: "keep-alive",
		resp: library.Response{StatusCode: 200, Header: http.Header{
			"Connection":       {"keep-alive, X-Hop"},
			"Keep-Alive":       {"timeout=5"},
			"Proxy-Connection": {"keep-alive"},
			"X-Hop":            {"1"},
			"X-Kept":           {"2"},
			"Content-Type":     {"text/plain"},
		}, Body: []byte("fine")},
		check: func(t *testing.T, a clientView) {
			for _, k := range []string{"Connection", "Keep-Alive", "Proxy-Connection", "X-Hop"} {
				wantHeader(k)(t, a)
			}
			wantHeader("X-Kept", "2")(t, a)
			if a.Body != "fine" {
				t.Errorf("body %q; want %q", a.Body, "fine")
			}
		},
	}, {
		// Apache's "Upgrade: h2,h2c" without Connection: ReverseProxy
		// drops it, and over HTTP/2 it makes the answer malformed (found
		// by a reviewer: curl --http2 reset the stream).
		name: "a lone Upgrade, and TE",
		resp: library.Response{StatusCode: 200, Header: http.Header{"Upgrade": {"h2,h2c"}, "Te": {"trailers"}, "Content-Type": {"text/plain"}}, Body: []byte("fine")},
		check: func(t *testing.T, a clientView) {
			wantHeader("Upgrade")(t, a)
			wantHeader("Te")(t, a)
		},
	}, {
		name: "close",
		resp: library.Response{StatusCode: 200, Header: http.Header{"Connection": {"close"}, "Content-Type": {"text/plain"}}, Body: []byte("fine")},
		check: func(t *testing.T, a clientView) {
			wantHeader("Connection")(t, a)
		},
	}})
}
