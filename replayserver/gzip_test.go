package replayserver_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
	"github.com/cassette-go/cassette/replayserver"
)

func gz(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

// gzipAPI answers with gzip when asked for it, as most APIs do.
func gzipAPI(t *testing.T, plain []byte) *httptest.Server {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept-Encoding") != "gzip" {
			w.Write(plain)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gz(plain))
	}))
	t.Cleanup(up.Close)
	return up
}

// storedBody is the one response of the library at path.
func storedBody(t *testing.T, path string) library.Response {
	t.Helper()
	return storedExchange(t, path).Response
}

// A library moves between the recording paths and the replay paths: each
// stores the gzip the API sent, and each replay gives a Go client what
// http.Transport would have given it, the decoded body.
func TestGzipRecordedAnyWayReplaysAnyWay(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	plain := []byte(strings.Repeat("gzip me, ", 100))
	up := gzipAPI(t, plain)
	record := map[string]func(t *testing.T, lib string){
		"replayserver.New": func(t *testing.T, lib string) {
			srv := replayserver.New(t, lib, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(up.URL))
			fetchPlain(t, http.DefaultClient, srv.URL+"/news", plain)
		},
		"replayserver.NewTransport": func(t *testing.T, lib string) {
			rt := replayserver.NewTransport(t, lib, replayserver.WithMode(replayserver.ModeRecord))
			fetchPlain(t, &http.Client{Transport: rt}, up.URL+"/news", plain)
		},
		"recorder.NewTransport": func(t *testing.T, lib string) {
			fetchPlain(t, &http.Client{Transport: recorder.NewTransport(t, lib)}, up.URL+"/news", plain)
		},
		"recorder.New": func(t *testing.T, lib string) {
			fetchPlain(t, http.DefaultClient, recorder.New(t, up.URL, lib).URL+"/news", plain)
		},
	}
	for rname, rec := range record {
		t.Run(rname, func(t *testing.T) {
			lib := filepath.Join(t.TempDir(), "api")
			t.Run("record", func(t *testing.T) { rec(t, lib) })
			if r := storedBody(t, lib); !bytes.Equal(r.Body, gz(plain)) || r.Header.Get("Content-Encoding") != "gzip" {
				t.Errorf("stored %d bytes, Content-Encoding %q; want the API's %d gzip bytes", len(r.Body), r.Header.Get("Content-Encoding"), len(gz(plain)))
			}
			t.Run("replay through New", func(t *testing.T) {
				srv := replayserver.New(t, lib, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict())
				fetchPlain(t, http.DefaultClient, srv.URL+"/news", plain)
			})
			t.Run("replay through NewTransport", func(t *testing.T) {
				rt := replayserver.NewTransport(t, lib, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict())
				resp := fetchPlain(t, &http.Client{Transport: rt}, up.URL+"/news", plain)
				if !resp.Uncompressed || resp.ContentLength != -1 || resp.Header.Get("Content-Encoding") != "" {
					t.Errorf("Uncompressed %v, ContentLength %d, Content-Encoding %q; want them as http.Transport sets them", resp.Uncompressed, resp.ContentLength, resp.Header.Get("Content-Encoding"))
				}
			})
		})
	}
}

// A client that asks for gzip itself gets it as stored, from either path.
func TestGzipAskedForIsReplayedEncoded(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	plain := []byte(strings.Repeat("raw, ", 100))
	up := gzipAPI(t, plain)
	lib := filepath.Join(t.TempDir(), "api.json")
	t.Run("record", func(t *testing.T) {
		fetchPlain(t, &http.Client{Transport: recorder.NewTransport(t, lib)}, up.URL+"/raw", plain)
	})
	rt := replayserver.NewTransport(t, lib, replayserver.WithMode(replayserver.ModeReplay))
	req, _ := http.NewRequest("GET", up.URL+"/raw", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := (&http.Client{Transport: rt}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(b, gz(plain)) || resp.Header.Get("Content-Encoding") != "gzip" || resp.Uncompressed {
		t.Errorf("a client asking for gzip got %d bytes, Content-Encoding %q, Uncompressed %v; want the gzip as stored", len(b), resp.Header.Get("Content-Encoding"), resp.Uncompressed)
	}
}

// fetchPlain GETs url with c and checks that the body read is plain.
func fetchPlain(t *testing.T, c *http.Client, url string, plain []byte) *http.Response {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || !bytes.Equal(b, plain) {
		t.Errorf("GET %s: %d bytes (%q...), %v; want the %d plain bytes", url, len(b), b[:min(len(b), 20)], err, len(plain))
	}
	return resp
}

// storedRequest is the request of the one exchange of the library at path.
func storedRequest(t *testing.T, path string) library.Request {
	t.Helper()
	return storedExchange(t, path).Request
}

// storedExchange is the one exchange of the library at path.
func storedExchange(t *testing.T, path string) library.Exchange {
	t.Helper()
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	names, err := lib.Names()
	if err != nil || len(names) != 1 {
		t.Fatalf("library %s holds %v, %v; want one cassette", path, names, err)
	}
	c, ok, err := lib.Get(names[0])
	if err != nil || !ok || len(c.Exchanges) != 1 {
		t.Fatalf("cassette %s: %v", names[0], err)
	}
	return c.Exchanges[0]
}

// A client that refuses gzip (identity, as Python's urllib asks) gets the
// body decoded, as the API answered it, from either path, though the
// library holds the gzip a Go client recorded; one that takes gzip gets
// the gzip as stored, and so does one that says nothing (what an API
// sends it is what it sent the recording's client, which may have been
// gzip: see TestRecordThenReplayIsByteExact). The server used to send the
// gzip to anyone.
func TestGzipToAClientThatDoesNotTakeIt(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	plain := []byte(strings.Repeat("decode me, ", 100))
	up := gzipAPI(t, plain)
	lib := filepath.Join(t.TempDir(), "api.json")
	t.Run("record", func(t *testing.T) {
		fetchPlain(t, &http.Client{Transport: recorder.NewTransport(t, lib)}, up.URL+"/news", plain)
	})
	srv := replayserver.New(t, lib, replayserver.WithMode(replayserver.ModeReplay))
	rt := replayserver.NewTransport(t, lib, replayserver.WithMode(replayserver.ModeReplay))
	raw := &http.Client{Transport: &http.Transport{DisableCompression: true}} // sends what the request says, decodes nothing
	defer raw.CloseIdleConnections()
	for _, tc := range []struct {
		accept string // "-" for none
		gzip   bool
	}{
		{"-", true},
		{"identity", false},
		{"gzip;q=0, deflate", false},
		{"br, gzip", true},
		{"*", true},
		{"gzip;q=0, *", false},
	} {
		for _, via := range []struct {
			name string
			c    *http.Client
			url  string
		}{{"New", raw, srv.URL + "/news"}, {"NewTransport", &http.Client{Transport: rt}, up.URL + "/news"}} {
			if via.name == "NewTransport" && tc.accept == "-" {
				continue // http.Transport's own case: TestGzipRecordedAnyWayReplaysAnyWay
			}
			req, _ := http.NewRequest("GET", via.url, nil)
			if tc.accept != "-" {
				req.Header.Set("Accept-Encoding", tc.accept)
			}
			resp, err := via.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			want, ce := plain, ""
			if tc.gzip {
				want, ce = gz(plain), "gzip"
			}
			if !bytes.Equal(b, want) || resp.Header.Get("Content-Encoding") != ce {
				t.Errorf("%s, Accept-Encoding %q: %d bytes, Content-Encoding %q; want %d bytes, %q", via.name, tc.accept, len(b), resp.Header.Get("Content-Encoding"), len(want), ce)
			}
			if cl := resp.Header.Get("Content-Length"); cl != "" && cl != strconv.Itoa(len(b)) {
				t.Errorf("%s, Accept-Encoding %q: Content-Length %s for %d bytes", via.name, tc.accept, cl, len(b))
			}
		}
	}
}

// The same for the other shapes of a gzip answer: streamed (recorded in
// chunks, as an API compressing on the fly sends it), labelled x-gzip, or
// of a known length; each decoded whole, with its true Content-Length,
// from either path, for a client that refuses gzip.
func TestGzipOfEveryShapeToAClientThatRefusesIt(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	plain := []byte(strings.Repeat("decode me too, ", 100))
	zipped := gz(plain)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		switch r.URL.Path {
		case "/stream":
			w.Write(zipped[:10])
			w.(http.Flusher).Flush()
			w.Write(zipped[10:])
		case "/xgzip":
			w.Header().Set("Content-Encoding", "x-gzip")
			w.Write(zipped)
		default:
			w.Write(zipped)
		}
	}))
	defer up.Close()
	lib := filepath.Join(t.TempDir(), "api.json")
	raw := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	defer raw.CloseIdleConnections()
	get := func(c *http.Client, url, accept string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", url, nil)
		req.Header.Set("Accept-Encoding", accept)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, b
	}
	paths := []string{"/stream", "/xgzip", "/sized"}
	t.Run("record", func(t *testing.T) {
		srv := replayserver.New(t, lib, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(up.URL))
		for _, p := range paths {
			if _, b := get(raw, srv.URL+p, "gzip"); !bytes.Equal(b, zipped) {
				t.Fatalf("recording %s: got %d bytes, want the gzip", p, len(b))
			}
		}
	})
	if lib, err := library.Open(lib); err == nil {
		if c, ok, _ := lib.Get(nameOfPath(t, lib, "/stream")); !ok || len(c.Exchanges[0].Response.Chunks) == 0 {
			t.Fatalf("/stream was not recorded in chunks: the case is not tested")
		}
	}
	srv := replayserver.New(t, lib, replayserver.WithMode(replayserver.ModeReplay))
	rt := &http.Client{Transport: replayserver.NewTransport(t, lib, replayserver.WithMode(replayserver.ModeReplay))}
	for _, p := range paths {
		for _, via := range []struct {
			name string
			c    *http.Client
			base string
		}{{"New", raw, srv.URL}, {"NewTransport", rt, up.URL}} {
			resp, b := get(via.c, via.base+p, "identity")
			// A stream (recorded in chunks) is decoded as a stream, of no
			// length; other bodies have theirs.
			wantLen, wantCL := strconv.Itoa(len(plain)), int64(len(plain))
			if p == "/stream" {
				wantLen, wantCL = "", -1
			}
			if !bytes.Equal(b, plain) || resp.Header.Get("Content-Encoding") != "" ||
				resp.Header.Get("Content-Length") != wantLen || resp.ContentLength != wantCL {
				t.Errorf("%s %s for identity: %d bytes, Content-Encoding %q, Content-Length %q (%d); want the %d plain bytes, Content-Length %q (%d)",
					via.name, p, len(b), resp.Header.Get("Content-Encoding"), resp.Header.Get("Content-Length"), resp.ContentLength, len(plain), wantLen, wantCL)
			}
			if _, b := get(via.c, via.base+p, "gzip"); !bytes.Equal(b, zipped) {
				t.Errorf("%s %s for gzip: %d bytes; want the gzip as recorded", via.name, p, len(b))
			}
		}
	}
}

// nameOfPath returns the name of the one cassette of lib whose name ends
// in the path's last segment.
func nameOfPath(t *testing.T, lib *library.Library, path string) string {
	t.Helper()
	names, err := lib.Names()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if strings.HasSuffix(n, "_"+strings.TrimPrefix(path, "/")) {
			return n
		}
	}
	t.Fatalf("no cassette for %s in %q", path, names)
	return ""
}

// A recording whose request set an empty Accept-Encoding (a Go caller of
// the in-process recorder, whose http.Transport then asked for gzip on
// the wire, the recorder storing the caller's header) did not refuse
// gzip: a client that refuses it gets the body decoded.
func TestARecordingWithAnEmptyAcceptEncodingTookGzip(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	plain := []byte(strings.Repeat("asked for all the same, ", 40))
	path := filepath.Join(t.TempDir(), "api.json")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ex := library.Exchange{
		Request:  library.Request{Method: "GET", URL: "https://api.example.com/news", Header: http.Header{"Accept-Encoding": {""}}},
		Response: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/plain"}}, Body: gz(plain)},
	}
	if err := lib.Append("GET_api.example.com_443_news", ex); err != nil {
		t.Fatal(err)
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeReplay), replayserver.Upstream("https://api.example.com"))
	raw := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	defer raw.CloseIdleConnections()
	req, _ := http.NewRequest("GET", srv.URL+"/news", nil)
	req.Header.Set("Accept-Encoding", "identity")
	resp, err := raw.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(b, plain) || resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("an identity client got %d bytes, Content-Encoding %q; want the %d plain bytes", len(b), resp.Header.Get("Content-Encoding"), len(plain))
	}
}

// A client refusing gzip gets a body that expands a thousandfold decoded
// as it is sent, on both paths, never whole in memory: the server decoded
// all of it for each request (found by a reviewer).
func TestGzipDecodedForARefusingClientIsStreamed(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	const size = 16 << 20
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	w.Write(make([]byte, size))
	w.Close()
	path := filepath.Join(t.TempDir(), "api")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	const url = "http://api.example/export"
	req, _ := http.NewRequest("GET", url, nil)
	if err := lib.Append(nameOf(req, nil), library.Exchange{
		Request:  library.Request{Method: "GET", URL: url},
		Response: library.Response{StatusCode: 200, Header: http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"text/csv"}}, Body: b.Bytes()},
	}); err != nil {
		t.Fatal(err)
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeReplay))
	for name, c := range map[string]*http.Client{
		"New":          srv.Client(),
		"NewTransport": {Transport: replayserver.NewTransport(t, path, replayserver.WithMode(replayserver.ModeReplay))},
	} {
		get := func() (int64, int64, uint64) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			req, _ := http.NewRequest("GET", url, nil)
			req.Header.Set("Accept-Encoding", "identity")
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			n, err := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			runtime.ReadMemStats(&after)
			return n, resp.ContentLength, after.TotalAlloc - before.TotalAlloc
		}
		get() // the cassette read and its reply made ready
		n, length, alloc := get()
		if n != size || length != size {
			t.Errorf("%s: %d bytes of Content-Length %d; want %d", name, n, length, size)
		}
		if alloc > 8<<20 {
			t.Errorf("%s: a request allocated %d MiB for a body of %d KiB decoding to %d MiB; want it decoded as it is sent", name, alloc>>20, b.Len()>>10, size>>20)
		}
	}
}
