package replayserver_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// upstream is the "real API" of these tests: one route per kind of
// exchange a replay must reproduce byte-exact. It counts the requests it
// answers, so a test can prove that replay never reached it.
type upstream struct {
	*httptest.Server
	hits atomic.Int64
	poll atomic.Int64
}

func startUpstream(t *testing.T) *upstream {
	t.Helper()
	u := &upstream{}
	mux := http.NewServeMux()
	binary := make([]byte, 4096)
	rand.New(rand.NewSource(1)).Read(binary)
	big := bytes.Repeat([]byte("0123456789abcdef"), 5<<20/16)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(strings.Repeat("compressed bulletin text\n", 100)))
	zw.Close()

	mux.HandleFunc("GET /json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"cities":["Lyon","Paris"],"note":"<é> & ü"}`)
	})
	mux.HandleFunc("GET /binary", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(binary)
	})
	mux.HandleFunc("GET /gzip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gz.Bytes())
	})
	mux.HandleFunc("GET /empty", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("GET /big", func(w http.ResponseWriter, r *http.Request) { w.Write(big) })
	mux.HandleFunc("GET /status/{code}", func(w http.ResponseWriter, r *http.Request) {
		var code int
		fmt.Sscan(r.PathValue("code"), &code)
		if code == http.StatusMovedPermanently {
			w.Header().Set("Location", "/json")
		}
		w.WriteHeader(code)
		if code != http.StatusNoContent {
			fmt.Fprintf(w, "status %d", code)
		}
	})
	mux.HandleFunc("GET /cookies", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Set-Cookie", "session=abc; Path=/")
		w.Header().Add("Set-Cookie", "prefs=dark; Path=/")
		w.Header().Add("Set-Cookie", "tracking=no; Path=/")
	})
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "you sent %q", b)
	})
	mux.HandleFunc("GET /poll", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"attempt":%d}`, u.poll.Add(1))
	})
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.hits.Add(1)
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(u.Close)
	return u
}

// call is one request of the round trip and what its answer was.
type call struct {
	method, path, body string
}

var roundTrip = []call{
	{"GET", "/json", ""},
	{"GET", "/binary", ""},
	{"GET", "/gzip", ""},
	{"GET", "/empty", ""},
	{"GET", "/big", ""},
	{"GET", "/status/204", ""},
	{"GET", "/status/301", ""},
	{"GET", "/status/404", ""},
	{"GET", "/status/500", ""},
	{"GET", "/cookies", ""},
	{"POST", "/echo", `{"item":1}`},
	{"POST", "/echo", `{"item":2}`},
	{"GET", "/poll", ""},
	{"GET", "/poll", ""},
	{"GET", "/poll", ""},
}

// answer is what a client saw: the parts a replay must reproduce.
type answer struct {
	Status  int
	Body    []byte
	Headers map[string][]string
}

// rawClient sees responses as sent: no gzip decoding, no redirects.
func rawClient() *http.Client {
	return &http.Client{
		Transport:     &http.Transport{DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func do(t testing.TB, c *http.Client, base string, k call) answer {
	t.Helper()
	var body io.Reader
	if k.body != "" {
		body = strings.NewReader(k.body)
	}
	req, err := http.NewRequest(k.method, base+k.path, body)
	if err != nil {
		t.Fatalf("NewRequest(%s %s): %v", k.method, k.path, err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", k.method, k.path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", k.method, k.path, err)
	}
	a := answer{Status: resp.StatusCode, Body: b, Headers: map[string][]string{}}
	for _, h := range []string{"Content-Type", "Content-Encoding", "Location", "Set-Cookie"} {
		if v := resp.Header.Values(h); len(v) > 0 {
			a.Headers[h] = v
		}
	}
	return a
}

func exercise(t testing.TB, base string) []answer {
	c := rawClient()
	var out []answer
	for _, k := range roundTrip {
		out = append(out, do(t, c, base, k))
	}
	return out
}

// record runs the round trip through a replay server in record mode and
// returns what the client saw. A fake TB runs the cleanups that save.
func record(t *testing.T, up *upstream, path string, opts ...replayserver.Option) []answer {
	t.Helper()
	t.Setenv("CASSETTE_MODE", "")
	ft := newFakeTB(t)
	var got []answer
	ft.do(func() {
		opts = append(opts, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(up.URL))
		srv := replayserver.New(ft, path, opts...)
		got = exercise(t, srv.URL)
	})
	ft.finish()
	if ft.Failed() {
		t.Fatalf("recording into %s failed:\n%s", path, ft.errors())
	}
	return got
}

// libraryKinds are the four storage backends: file and directory, JSON and
// YAML.
var libraryKinds = []string{"lib.json", "lib.yaml", "libdir-json", "libdir-yaml"}

func libPath(t *testing.T, kind string) (string, []replayserver.Option) {
	p := filepath.Join(t.TempDir(), kind)
	if format, ok := strings.CutPrefix(kind, "libdir-"); ok {
		return p, []replayserver.Option{replayserver.Format(library.Format(format))}
	}
	return p, nil
}

func TestRecordThenReplayIsByteExact(t *testing.T) {
	for _, kind := range libraryKinds {
		t.Run(kind, func(t *testing.T) {
			up := startUpstream(t)
			path, opts := libPath(t, kind)
			// Set-Cookie values are redacted by default (see
			// TestSecretsAreNeverStored); here they must come back exact.
			recorded := record(t, up, path, append(opts, replayserver.NoDefaultRedaction())...)
			if n := up.poll.Load(); n != 3 {
				t.Fatalf("recording sent %d /poll requests upstream, want 3", n)
			}
			hitsBefore := up.hits.Load()
			up.Close()
			checkFormat(t, path, kind)

			srv := replayserver.New(t, path, replayserver.Strict(), replayserver.NoDefaultRedaction())
			replayed := exercise(t, srv.URL)
			for i, k := range roundTrip {
				if diff := diffAnswers(recorded[i], replayed[i]); diff != "" {
					t.Errorf("replay of %s %s differs from the recording (-recorded +replayed):\n%s", k.method, k.path, diff)
				}
			}
			if got := up.hits.Load(); got != hitsBefore {
				t.Errorf("replay reached the upstream %d times, want 0", got-hitsBefore)
			}
		})
	}
}

func TestReplayAnswersPollingInOrderThenRepeatsTheLast(t *testing.T) {
	up := startUpstream(t)
	path := filepath.Join(t.TempDir(), "lib.json")
	record(t, up, path)
	srv := replayserver.New(t, path)
	c := rawClient()
	var got []string
	for range 5 {
		got = append(got, string(do(t, c, srv.URL, call{"GET", "/poll", ""}).Body))
	}
	want := []string{`{"attempt":1}`, `{"attempt":2}`, `{"attempt":3}`, `{"attempt":3}`, `{"attempt":3}`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GET /poll five times (-want +got):\n%s", diff)
	}
}

// writeLibrary stores one exchange per path, recorded from host, and
// returns the library path.
func writeLibrary(t *testing.T, path, host string, paths ...string) string {
	t.Helper()
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		req := httptest.NewRequest("GET", "http://"+host+p, nil)
		ex := library.Exchange{
			Request:  library.Request{Method: "GET", URL: req.URL.String(), Header: http.Header{}},
			Response: library.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte("answer for " + p)},
		}
		if err := lib.Append(nameOf(req, nil), ex); err != nil {
			t.Fatal(err)
		}
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestMissIs404WithReportAndFailsTheTest(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/v1/users", "/v1/users/42", "/v1/orders")
	ft := newFakeTB(t)
	var status int
	var body string
	ft.do(func() {
		srv := replayserver.New(ft, path)
		resp, err := http.Get(srv.URL + "/v1/users/43?verbose=1")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		status, body = resp.StatusCode, string(b)
	})
	ft.finish()
	if status != http.StatusNotFound {
		t.Errorf("GET /v1/users/43 status = %d, want 404", status)
	}
	for _, want := range []string{
		"no cassette for GET http://127.0.0.1:", "/v1/users/43?verbose=1",
		"name:", "GET_127.0.0.1_",
		"nearest #1: GET_api.example.com_80_v1_users_42.json",
		"(-recorded +got)", "verbose",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("miss report lacks %q; report:\n%s", want, body)
		}
	}
	if got := ft.errors(); !strings.Contains(got, body) {
		t.Errorf("test failure = %q, want the report %q", got, body)
	}
}

func TestStrictFailsNamingEachUnusedCassette(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/used", "/stale", "/old")
	ft := newFakeTB(t)
	ft.do(func() {
		srv := replayserver.New(ft, path, replayserver.Strict())
		resp, err := http.Get(srv.URL + "/used")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	})
	if ft.Failed() {
		t.Fatalf("failed before cleanup: %s", ft.errors())
	}
	ft.finish()
	got := ft.errors()
	for _, want := range []string{"2 cassette(s)", "GET_api.example.com_80_stale.json", "GET_api.example.com_80_old.json"} {
		if !strings.Contains(got, want) {
			t.Errorf("strict failure %q lacks %q", got, want)
		}
	}
	if strings.Contains(got, "_used") {
		t.Errorf("strict failure %q names the used cassette", got)
	}
}

func TestWithoutStrictUnusedCassettesDoNotFail(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api.yaml"), "api.example.com", "/a", "/b")
	ft := newFakeTB(t)
	ft.do(func() { replayserver.New(ft, path) })
	ft.finish()
	if ft.Failed() {
		t.Errorf("a server without Strict failed the test: %s", ft.errors())
	}
}

func TestUnusedAndReportUnused(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	tests := []struct {
		name, lib  string
		wantReport string
	}{
		{"directory library lists files relative to the folder", "api",
			"GET_api.example.com_80_b.json\nGET_api.example.com_80_c.json\n"},
		{"file library lists names", "api.json",
			"GET_api.example.com_80_b\nGET_api.example.com_80_c\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeLibrary(t, filepath.Join(t.TempDir(), tc.lib), "api.example.com", "/c", "/a", "/b")
			srv := replayserver.New(t, path)
			resp, err := http.Get(srv.URL + "/a")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			want := []string{"GET_api.example.com_80_b", "GET_api.example.com_80_c"}
			if diff := cmp.Diff(want, srv.Unused()); diff != "" {
				t.Errorf("Unused() (-want +got):\n%s", diff)
			}
			var b bytes.Buffer
			if err := srv.ReportUnused(&b); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.wantReport {
				t.Errorf("ReportUnused wrote %q, want %q", b.String(), tc.wantReport)
			}
		})
	}
}

func TestUnusedReportPrunesExactlyTheUnusedFiles(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	dir := filepath.Join(t.TempDir(), "api")
	writeLibrary(t, dir, "api.example.com", "/keep", "/drop1", "/drop2")
	srv := replayserver.New(t, dir)
	resp, err := http.Get(srv.URL + "/keep")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var report bytes.Buffer
	srv.ReportUnused(&report)
	for _, f := range strings.Fields(report.String()) { // what `xargs rm` does
		if err := os.Remove(filepath.Join(dir, f)); err != nil {
			t.Fatalf("rm %s: %v", f, err)
		}
	}
	entries, _ := os.ReadDir(dir)
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if diff := cmp.Diff([]string{"GET_api.example.com_80_keep.json"}, left); diff != "" {
		t.Errorf("files left after pruning (-want +got):\n%s", diff)
	}
}

func TestMissingLibraryFailsAtOnceSayingHowToRecord(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	ft := newFakeTB(t)
	completed := ft.do(func() { replayserver.New(ft, filepath.Join(t.TempDir(), "missing")) })
	if completed || !ft.fatal {
		t.Fatalf("New on a missing library did not stop the test (completed=%v)", completed)
	}
	if got := ft.errors(); !strings.Contains(got, "CASSETTE_MODE=record") || !strings.Contains(got, "missing") {
		t.Errorf("failure %q does not name the library and how to record it", got)
	}
	// Without Upstream, it says how to record both ways requests come: to
	// the server's own address (Upstream needed), through srv.Client()
	// (not). It used to ask for Upstream only.
	if got := ft.errors(); !strings.Contains(got, "replayserver.Upstream(url)") || !strings.Contains(got, "through srv.Client() or srv.Transport() (their own URLs, another host) need only CASSETTE_MODE=record") {
		t.Errorf("failure %q does not say that requests through srv.Client() need no Upstream", got)
	}
}

// A handler of NewHandler has no srv.Client(): its error for a missing
// library says how to record it without pointing at one (cassette serve,
// which serves such a handler, refuses CASSETTE_MODE=record without
// -upstream, so "need only CASSETTE_MODE=record" sent its users into a
// usage error).
func TestNewHandlerMissingLibraryDoesNotPointAtSrvClient(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	t.Setenv("CI", "")
	path := filepath.Join(t.TempDir(), "missing")
	_, err := replayserver.NewHandler(path)
	if !errors.Is(err, replayserver.ErrNoLibrary) {
		t.Fatalf("NewHandler(%s) = %v, want ErrNoLibrary", path, err)
	}
	if got := err.Error(); !strings.Contains(got, "CASSETTE_MODE=record") || !strings.Contains(got, "Upstream") {
		t.Errorf("NewHandler(%s) error %q does not say how to record it", path, got)
	}
	if got := err.Error(); strings.Contains(got, "srv.Client()") || strings.Contains(got, "need only") {
		t.Errorf("NewHandler(%s) error %q points at srv.Client(), which a handler of NewHandler has not", path, got)
	}
}

func TestMalformedLibraryFailsNamingTheFile(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path := filepath.Join(t.TempDir(), "broken.json")
	if err := os.WriteFile(path, []byte("{\"version\": 1,\n\"cassettes\": [\n  {\"name\": \n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ft := newFakeTB(t)
	ft.do(func() { replayserver.New(ft, path) })
	ft.finish()
	if got := ft.errors(); !strings.Contains(got, "broken.json") {
		t.Errorf("failure %q does not name the malformed file", got)
	}
}

func TestRouterRoutesTakePrecedence(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/a", "/b")
	srv := replayserver.New(t, path)
	srv.Router().HandleFunc("/a", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hand-written")
	}).Methods("GET")
	c := rawClient()
	if got := string(do(t, c, srv.URL, call{"GET", "/a", ""}).Body); got != "hand-written" {
		t.Errorf("GET /a = %q, want the hand-written route", got)
	}
	if got := string(do(t, c, srv.URL, call{"GET", "/b", ""}).Body); got != "answer for /b" {
		t.Errorf("GET /b = %q, want the cassette", got)
	}
}

// The router's NotFoundHandler and MethodNotAllowedHandler do not keep
// requests from the cassettes: gorilla/mux reports a match for them, which
// sent every request no route matched to the handler, not a cassette.
func TestRouterFallbackHandlersLeaveRequestsToTheCassettes(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/a", "/b")
	srv := replayserver.New(t, path)
	fallback := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "fallback", http.StatusTeapot)
	})
	srv.Router().NotFoundHandler = fallback
	srv.Router().MethodNotAllowedHandler = fallback
	srv.Router().HandleFunc("/a", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hand-written")
	}).Methods("POST")
	c := rawClient()
	for _, p := range []string{"/a", "/b"} { // /a: a route of another method
		if got := string(do(t, c, srv.URL, call{"GET", p, ""}).Body); got != "answer for "+p {
			t.Errorf("GET %s = %q, want the cassette", p, got)
		}
	}
	if got := string(do(t, c, srv.URL, call{"POST", "/a", ""}).Body); got != "hand-written" {
		t.Errorf("POST /a = %q, want the hand-written route", got)
	}
}

func TestFiftyConcurrentClients(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	paths := make([]string, 20)
	for i := range paths {
		paths[i] = fmt.Sprintf("/item/%d", i)
	}
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", paths...)
	srv := replayserver.New(t, path, replayserver.Strict())
	var wg sync.WaitGroup
	errs := make(chan error, 50*len(paths))
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, p := range paths {
				resp, err := srv.Client().Get(srv.URL + p)
				if err != nil {
					errs <- err
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if string(b) != "answer for "+p {
					errs <- fmt.Errorf("GET %s = %q", p, b)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestEnvironmentOverridesTheMode(t *testing.T) {
	up := startUpstream(t)
	path := filepath.Join(t.TempDir(), "lib.json")
	t.Setenv("CASSETTE_MODE", " Record ") // in any case, spaces around aside
	ft := newFakeTB(t)
	ft.do(func() {
		srv := replayserver.New(ft, path, replayserver.WithMode(replayserver.ModeReplay), replayserver.Upstream(up.URL))
		do(t, rawClient(), srv.URL, call{"GET", "/json", ""})
	})
	ft.finish()
	if ft.Failed() {
		t.Fatalf("recording failed: %s", ft.errors())
	}
	if up.hits.Load() != 1 {
		t.Errorf("CASSETTE_MODE=record with WithMode(ModeReplay): upstream got %d requests, want 1", up.hits.Load())
	}
	t.Setenv("CASSETTE_MODE", "bogus")
	ft = newFakeTB(t)
	ft.do(func() { replayserver.New(ft, path) })
	if got := ft.errors(); !strings.Contains(got, "CASSETTE_MODE") || !strings.Contains(got, "bogus") {
		t.Errorf("CASSETTE_MODE=bogus: failure %q does not explain", got)
	}
}

func TestPassthroughStoresNothing(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	up := startUpstream(t)
	path := filepath.Join(t.TempDir(), "lib.json")
	// Strict must not fail: passthrough serves nothing from cassettes.
	srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModePassthrough), replayserver.Upstream(up.URL), replayserver.Strict())
	if got := string(do(t, rawClient(), srv.URL, call{"GET", "/json", ""}).Body); !strings.Contains(got, "Lyon") {
		t.Errorf("passthrough GET /json = %q", got)
	}
	srv.Close()
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("passthrough wrote %s (stat err %v)", path, err)
	}
}

func TestRerecordReplacesTheLibrary(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	up := startUpstream(t)
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/gone")
	ft := newFakeTB(t)
	ft.do(func() {
		srv := replayserver.New(ft, path, replayserver.WithMode(replayserver.ModeRerecord), replayserver.Upstream(up.URL))
		do(t, rawClient(), srv.URL, call{"GET", "/json", ""})
	})
	ft.finish()
	if ft.Failed() {
		t.Fatalf("rerecord failed: %s", ft.errors())
	}
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	names, err := lib.Names()
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 1 || !strings.HasSuffix(names[0], "_json") {
		t.Errorf("after rerecord the library holds %q, want only the /json cassette", names)
	}
}

// checkFormat checks that the library at path was written in the format
// its kind asks for.
func checkFormat(t *testing.T, path, kind string) {
	t.Helper()
	want := "json"
	if strings.Contains(kind, "yaml") {
		want = "yaml"
	}
	files := []string{path}
	if strings.HasPrefix(kind, "libdir-") {
		entries, err := os.ReadDir(path)
		if err != nil || len(entries) == 0 {
			t.Fatalf("directory library %s: %v entries, err %v", path, len(entries), err)
		}
		files = files[:0]
		for _, e := range entries {
			if e.IsDir() && e.Name() == "bodies" {
				continue // the body files of large bodies (/big)
			}
			files = append(files, filepath.Join(path, e.Name()))
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		isJSON := bytes.HasPrefix(bytes.TrimSpace(b), []byte("{"))
		if isJSON != (want == "json") || filepath.Ext(f) != "."+want {
			t.Errorf("%s is not a %s file", f, want)
		}
	}
}

// diffAnswers compares two answers; bodies are compared as bytes (cmp.Diff
// of a 5 MB slice takes minutes under the race detector).
func diffAnswers(a, b answer) string {
	diff := cmp.Diff(a.Status, b.Status) + cmp.Diff(a.Headers, b.Headers)
	if !bytes.Equal(a.Body, b.Body) {
		diff += fmt.Sprintf("body: %d bytes %q... != %d bytes %q...\n", len(a.Body), trim(a.Body), len(b.Body), trim(b.Body))
	}
	return diff
}

func trim(b []byte) []byte { return b[:min(len(b), 64)] }

// TestRepeatedRequestsKeepTheirOwnCassette: the server remembers the names
// of requests it has seen; a request that differs only in what the name
// reads (scheme, host, method, query) must still get its own cassette, the
// second time as the first.
func TestRepeatedRequestsKeepTheirOwnCassette(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "") // misses, as in replay mode, whatever mode the run sets
	path := filepath.Join(t.TempDir(), "api.json")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	urls := []string{
		"http://api.example.com/x",
		"https://api.example.com/x",
		"https://other.example.com/x",
		"https://api.example.com/x?page=2",
	}
	for _, u := range urls {
		for _, method := range []string{"GET", "DELETE"} {
			req := httptest.NewRequest(method, u, nil)
			ex := library.Exchange{
				Request:  library.Request{Method: method, URL: u},
				Response: library.Response{StatusCode: 200, Body: []byte(method + " " + u)},
			}
			if err := lib.Append(nameOf(req, nil), ex); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	srv := replayserver.New(t, path, replayserver.Strict())
	for range 2 {
		for _, u := range urls {
			for _, method := range []string{"GET", "DELETE"} {
				req, _ := http.NewRequest(method, u, nil)
				resp, err := srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if want := method + " " + u; string(body) != want {
					t.Errorf("%s %s answered %q, want %q", method, u, body, want)
				}
			}
		}
	}
}

// TestManyDistinctRequests walks more distinct requests than the server
// remembers the names of (past that it stops remembering): every answer
// stays right.
func TestManyDistinctRequests(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "") // misses, as in replay mode, whatever mode the run sets
	const n = 9000
	path := replayserver.ItemsLibrary(t, n)
	srv := replayserver.New(t, path, replayserver.Upstream("http://api.example.com"))
	c := rawClient()
	for _, i := range append(rand.Perm(n), 0, 1, n-1) {
		resp, err := c.Get(fmt.Sprintf("%s/items/%d", srv.URL, i))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != strconv.Itoa(i) {
			t.Fatalf("GET /items/%d answered %d %q", i, resp.StatusCode, body)
		}
	}
}
