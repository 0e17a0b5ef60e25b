package replayserver_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/replayserver"
	"github.com/gorilla/mux"
)

// The library in testdata/example holds two cassettes recorded from
// https://api.example.com: GET /v1/cities and GET /v1/cities/lyon.

func ExampleNew() {
	t := newExampleT() // in a test: the test's *testing.T
	defer t.finish()

	srv := replayserver.New(t, "testdata/example")
	// Point the client's base URL at the server: the host the cassettes
	// were recorded from does not matter.
	resp, err := http.Get(srv.URL + "/v1/cities")
	if err != nil {
		t.Fatalf("%v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, resp.Header.Get("Content-Type"))
	fmt.Print(string(body))
	// Output:
	// 200 application/json
	// ["Lyon","Paris"]
}

func ExampleServer_Router() {
	t := newExampleT()
	defer t.finish()

	srv := replayserver.New(t, "testdata/example")
	// A hand-written answer the real API would not give on demand, served
	// before the recorded cassettes. Add routes before sending requests.
	srv.Router().HandleFunc("/v1/cities/{city}", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no such city: "+mux.Vars(r)["city"], http.StatusNotFound)
	}).Methods("GET").Queries("strict", "1")

	for _, path := range []string{"/v1/cities/atlantis?strict=1", "/v1/cities"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatalf("%v", err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Printf("%s: %d %s", path, resp.StatusCode, body)
		if !strings.HasSuffix(string(body), "\n") {
			fmt.Println()
		}
	}
	// Output:
	// /v1/cities/atlantis?strict=1: 404 no such city: atlantis
	// /v1/cities: 200 ["Lyon","Paris"]
}

func ExampleStrict() {
	t := newExampleT()
	// In a test: replayserver.New(t, "testdata/example", replayserver.Strict()).
	// The test uses every cassette of the library, so Strict is satisfied;
	// one it never used would fail the test when it ends (see
	// ExampleNew_strict), so stale cassettes do not stay in the library.
	srv := replayserver.New(t, "testdata/example", replayserver.Strict())
	for _, path := range []string{"/v1/cities", "/v1/cities/lyon"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatalf("%v", err)
		}
		resp.Body.Close()
		fmt.Println(path, resp.StatusCode)
	}
	t.finish()
	fmt.Println("unused:", len(srv.Unused()), "failed:", t.failed)
	// Output:
	// /v1/cities 200
	// /v1/cities/lyon 200
	// unused: 0 failed: false
}

func ExampleNew_strict() {
	t := newExampleT()
	srv := replayserver.New(t, "testdata/example", replayserver.Strict())
	resp, err := http.Get(srv.URL + "/v1/cities")
	if err != nil {
		t.Fatalf("%v", err)
	}
	resp.Body.Close()

	// When the test ends, every cassette it never used fails it.
	t.finish()
	// Output:
	// FAIL: replayserver: strict mode: 1 cassette(s) in testdata/example never used:
	// 	GET_api.example.com_443_v1_cities_lyon.json
	// if no test needs them, delete them (cassette prune, or xargs rm on Server.ReportUnused's list; see README "Unused cassettes")
}

func ExampleNew_miss() {
	t := newExampleT()
	defer t.finish()
	t.quiet = true // the test failure repeats the report printed below

	srv := replayserver.New(t, "testdata/example")
	resp, err := http.Get(srv.URL + "/v1/cities/paris")
	if err != nil {
		t.Fatalf("%v", err)
	}
	defer resp.Body.Close()
	report, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, "failed:", t.failed)
	// The report starts with the request and names the nearest cassettes.
	for _, line := range strings.Split(string(report), "\n") {
		if strings.HasPrefix(line, "cassette:") || strings.HasPrefix(line, "nearest") {
			fmt.Println(strings.ReplaceAll(line, srv.URL, "http://127.0.0.1:PORT"))
		}
	}
	// Output:
	// 404 failed: true
	// cassette: no cassette for GET http://127.0.0.1:PORT/v1/cities/paris
	// nearest #1: GET_api.example.com_443_v1_cities_lyon.json
	// nearest #2: GET_api.example.com_443_v1_cities.json
}

func ExampleServer_ReportUnused() {
	t := newExampleT()
	defer t.finish()

	srv := replayserver.New(t, "testdata/example")
	resp, err := http.Get(srv.URL + "/v1/cities/lyon")
	if err != nil {
		t.Fatalf("%v", err)
	}
	resp.Body.Close()

	// One file per line, relative to the library folder: in that folder,
	// `xargs rm < unused.log` prunes them.
	srv.ReportUnused(os.Stdout)
	// Output:
	// GET_api.example.com_443_v1_cities.json
}

// A polled endpoint recorded with three answers, asked once: the
// cassette is used, so it is not unused, but two of its exchanges are
// stale. Strict logs the same lines at the end of a test.
func ExampleServer_ReportUnreplayed() {
	t := newExampleT()
	defer t.finish()

	srv := replayserver.New(t, "testdata/poll")
	resp, err := http.Get(srv.URL + "/v1/jobs/7")
	if err != nil {
		t.Fatalf("%v", err)
	}
	resp.Body.Close()

	srv.ReportUnreplayed(os.Stdout)
	// Output:
	// GET_api.example.com_443_v1_jobs_7.json: exchanges 2-3 of 3 never replayed
}

func ExampleNewTransport() {
	t := newExampleT()
	defer t.finish()

	client := &http.Client{Transport: replayserver.NewTransport(t, "testdata/example")}
	resp, err := client.Get("https://api.example.com/v1/cities/lyon")
	if err != nil {
		t.Fatalf("%v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Print(string(body))
	// Output:
	// {"name":"Lyon","population":522250}
}

// Outside a test (a development server, a demo, the Python library's
// insert and eject), the handler is served by a server of one's own, and
// Close ends it: it saves what was recorded.
func ExampleNewHandler() {
	defer newExampleT().finish() // CASSETTE_MODE cleared until the end (see newExampleT)

	h, err := replayserver.NewHandler("testdata/example")
	if err != nil {
		fmt.Println(err)
		return
	}
	server := httptest.NewServer(h) // or &http.Server{Addr: ":8080", Handler: h}
	resp, err := http.Get(server.URL + "/v1/cities")
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	server.Close()
	if err := h.Close(); err != nil {
		fmt.Println(err)
	}
	fmt.Print(string(body))
	fmt.Println(h.Unused())
	// Output:
	// ["Lyon","Paris"]
	// [GET_api.example.com_443_v1_cities_lyon]
}

// An API that a test stands in for with an httptest TLS server is trusted
// only by that server's own client: record through its transport.
func ExampleUpstreamTransport() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	api := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "hello from ", r.URL.Path)
	}))
	defer api.Close()
	t := newExampleT()
	defer t.finish()                   // the library is saved here
	t.Setenv(replayserver.EnvMode, "") // CASSETTE_MODE would override WithMode

	srv := replayserver.New(t, filepath.Join(dir, "api"),
		replayserver.WithMode(replayserver.ModeRecord),
		replayserver.Upstream(api.URL),
		replayserver.UpstreamTransport(api.Client().Transport))
	resp, err := http.Get(srv.URL + "/v1/hello")
	if err != nil {
		t.Fatalf("%v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(string(body))
	fmt.Println(srv.Unused()) // recorded, and used by the request that recorded it
	// Output:
	// hello from /v1/hello
	// []
}

// A bot API takes its token in the path: RedactPath keeps it out of the
// cassette, its name and its file name, and another token replays it.
func ExampleRedactPath() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"ok":true}`)
	}))
	defer api.Close()
	botToken := regexp.MustCompile(`^/bot([^/]+)/`)
	t := newExampleT()
	t.Setenv(replayserver.EnvMode, "") // CASSETTE_MODE would override WithMode
	srv := replayserver.New(t, filepath.Join(dir, "telegram"),
		replayserver.WithMode(replayserver.ModeRecord),
		replayserver.Upstream(api.URL),
		replayserver.RedactPath(botToken))
	resp, err := http.Get(srv.URL + "/bot123456:SECRET/getMe")
	if err != nil {
		t.Fatalf("%v", err)
	}
	resp.Body.Close()
	t.finish() // the library is saved here

	lib, _ := library.Open(filepath.Join(dir, "telegram"))
	names, _ := lib.Names()
	c, _, _ := lib.Get(names[0])
	fmt.Println(strings.Contains(names[0], "_botredacted_getme"), strings.Contains(names[0], "secret"))
	fmt.Println(strings.TrimPrefix(c.Exchanges[0].Request.URL, api.URL))
	// Output:
	// true false
	// /botREDACTED/getMe
}

// exampleT stands in for a test's *testing.T in the examples: it prints
// failures and runs cleanups at finish.
type exampleT struct {
	testing.TB
	cleanups []func()
	failed   bool
	quiet    bool // do not print failures
}

// newExampleT returns a stand-in that, until finish, clears CASSETTE_MODE:
// the examples answer from libraries committed in testdata with no API
// behind them, so a mode set for a whole run (CASSETTE_MODE=rerecord go
// test ./...) is not theirs, as a test of the modes clears it with
// t.Setenv.
func newExampleT() *exampleT {
	t := &exampleT{}
	t.Setenv(replayserver.EnvMode, "")
	return t
}

func (t *exampleT) Helper()                   {}
func (t *exampleT) Name() string              { return "Example" }
func (t *exampleT) Logf(string, ...any)       {}
func (t *exampleT) Cleanup(f func())          { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) Fatalf(f string, a ...any) { t.Errorf(f, a...); panic("fatal") }

// Setenv sets an environment variable until finish, as a test's does: the
// examples that record clear CASSETTE_MODE with it, so that a mode set for
// the whole run (CASSETTE_MODE=replay go test ./...) does not override
// theirs.
func (t *exampleT) Setenv(key, value string) {
	old, had := os.LookupEnv(key)
	os.Setenv(key, value)
	t.Cleanup(func() {
		if had {
			os.Setenv(key, old)
		} else {
			os.Unsetenv(key)
		}
	})
}

func (t *exampleT) Errorf(format string, args ...any) {
	t.failed = true
	if !t.quiet {
		fmt.Printf("FAIL: "+format+"\n", args...)
	}
}

func (t *exampleT) finish() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// In the package's TestMain, once its tests ran: the cassettes of a
// library that the package's tests share and none of them used. (Not run
// here: its output depends on the tests of the run.)
func ExampleReportUnusedIn() {
	testMain := func(m *testing.M) { // func TestMain(m *testing.M)
		code := m.Run()
		f, err := os.Create("unused.log")
		if err == nil {
			err = replayserver.ReportUnusedIn("testdata/api", f)
			f.Close()
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = max(code, 1)
		}
		os.Exit(code) // then: cd testdata/api && xargs rm < ../../unused.log
	}
	_ = testMain
}

// UnusedIn gives the names, for a TestMain that fails the run on stale
// cassettes rather than writing a report. (Not run here: its output
// depends on the tests of the run.)
func ExampleUnusedIn() {
	testMain := func(m *testing.M) { // func TestMain(m *testing.M)
		code := m.Run()
		unused, err := replayserver.UnusedIn("testdata/api")
		switch {
		case err != nil:
			fmt.Fprintln(os.Stderr, err)
			code = max(code, 1)
		case len(unused) > 0 && code == 0:
			fmt.Fprintf(os.Stderr, "%d cassette(s) of testdata/api no test used: %v\n", len(unused), unused)
			code = 1
		}
		os.Exit(code)
	}
	_ = testMain
}

// fetchEx sends a GET with the headers given as name, value pairs through
// client and returns the status and body.
func fetchEx(t *exampleT, client *http.Client, url string, header ...string) (int, string) {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatalf("%v", err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// printRecorded prints the cassettes of the library at path: each name
// without the upstream's port, the request's URL path and query and the
// headers named.
func printRecorded(path string, headers ...string) {
	lib, err := library.Open(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	names, _ := lib.Names()
	for _, name := range names {
		c, _, _ := lib.Get(name)
		fmt.Println(naming.WithoutHost(name))
		for _, ex := range c.Exchanges {
			u, _ := url.Parse(ex.Request.URL)
			fmt.Println(" ", ex.Request.Method, u.RequestURI())
			for _, h := range headers {
				fmt.Printf("    %s: %q\n", h, ex.Request.Header.Get(h))
			}
		}
	}
}

// Record from a local server standing in for the API, then replay: the
// API is gone, and the cassette answers.
func ExampleWithMode() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "hello from the API")
	}))

	t := newExampleT()
	t.Setenv(replayserver.EnvMode, "") // CASSETTE_MODE would override WithMode
	srv := replayserver.New(t, filepath.Join(dir, "api"),
		replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(api.URL))
	status, body := fetchEx(t, http.DefaultClient, srv.URL+"/v1/hello")
	fmt.Print("record: ", status, " ", body)
	t.finish() // the library is saved here
	api.Close()

	t = newExampleT()
	defer t.finish()
	srv = replayserver.New(t, filepath.Join(dir, "api"), replayserver.WithMode(replayserver.ModeReplay))
	status, body = fetchEx(t, http.DefaultClient, srv.URL+"/v1/hello")
	fmt.Print("replay: ", status, " ", body)
	// Output:
	// record: 200 hello from the API
	// replay: 200 hello from the API
}

// Upstream is where requests are recorded from; a path in it prefixes
// the requests' paths.
func ExampleUpstream() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "the API got", r.URL.Path)
	}))
	defer api.Close()
	t := newExampleT()
	t.Setenv(replayserver.EnvMode, "")
	srv := replayserver.New(t, filepath.Join(dir, "api"),
		replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(api.URL+"/api"))
	_, body := fetchEx(t, http.DefaultClient, srv.URL+"/v1/users")
	fmt.Print(body)
	t.finish()
	printRecorded(filepath.Join(dir, "api"))
	// Output:
	// the API got /api/v1/users
	// GET_api_v1_users
	//   GET /api/v1/users
}

// After the first request, the cassette has no exchange left to serve:
// the second is a miss, which fails the test.
func ExampleNoRepeat() {
	t := newExampleT()
	t.quiet = true // the miss report is long
	srv := replayserver.New(t, "testdata/example", replayserver.NoRepeat())
	for range 2 {
		status, _ := fetchEx(t, http.DefaultClient, srv.URL+"/v1/cities")
		fmt.Println(status)
	}
	t.finish()
	fmt.Println("failed:", t.failed)
	// Output:
	// 200
	// 404
	// failed: true
}

// The cassette was recorded with a latency of 42ms: RecordedTiming
// answers after it, for a test of timeouts or of a progress display.
func ExampleRecordedTiming() {
	t := newExampleT()
	defer t.finish()
	srv := replayserver.New(t, "testdata/example", replayserver.RecordedTiming())
	status, body := fetchEx(t, http.DefaultClient, srv.URL+"/v1/cities")
	fmt.Print(status, " ", body)
	// Output:
	// 200 ["Lyon","Paris"]
}

// Logf gets one line per request: here hits, which New does not log by
// default.
func ExampleLogf() {
	t := newExampleT()
	defer t.finish()
	var srv *replayserver.Server
	srv = replayserver.New(t, "testdata/example", replayserver.Logf(func(format string, args ...any) {
		fmt.Println(strings.ReplaceAll(fmt.Sprintf(format, args...), srv.URL, "http://127.0.0.1:PORT"))
	}))
	fetchEx(t, http.DefaultClient, srv.URL+"/v1/cities/lyon")
	// Output:
	// hit  GET /v1/cities/lyon -> 200 from GET_api.example.com_443_v1_cities_lyon
}

// TLS serves HTTPS (and HTTP/2): srv.Client() trusts it.
func ExampleTLS() {
	t := newExampleT()
	defer t.finish()
	srv := replayserver.New(t, "testdata/example", replayserver.TLS())
	resp, err := srv.Client().Get(srv.URL + "/v1/cities")
	if err != nil {
		t.Fatalf("%v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(strings.HasPrefix(srv.URL, "https://"), resp.Proto)
	fmt.Print(string(body))
	// Output:
	// true HTTP/2.0
	// ["Lyon","Paris"]
}

// A header that selects what the API answers tells cassettes apart when
// the naming rules name it; the same rules then replay them.
func ExampleNaming() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "version", r.Header.Get("X-Api-Version"))
	}))
	rules := replayserver.Naming(naming.Rules{Headers: []string{"X-Api-Version"}})
	t := newExampleT()
	t.Setenv(replayserver.EnvMode, "")
	srv := replayserver.New(t, filepath.Join(dir, "api"),
		replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(api.URL), rules)
	fetchEx(t, http.DefaultClient, srv.URL+"/v1/users", "X-Api-Version", "1")
	fetchEx(t, http.DefaultClient, srv.URL+"/v1/users", "X-Api-Version", "2")
	t.finish()
	api.Close()
	printRecorded(filepath.Join(dir, "api"))

	t = newExampleT()
	defer t.finish()
	srv = replayserver.New(t, filepath.Join(dir, "api"), replayserver.WithMode(replayserver.ModeReplay), rules)
	_, body := fetchEx(t, http.DefaultClient, srv.URL+"/v1/users", "X-Api-Version", "2")
	fmt.Print("replay: ", body)
	// Output:
	// GET_v1_users~h0795296d
	//   GET /v1/users
	// GET_v1_users~h50a6e73e
	//   GET /v1/users
	// replay: version 2
}

// Authorization is redacted by default; RedactHeaders adds a header of
// the API's own.
func ExampleRedactHeaders() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer api.Close()
	t := newExampleT()
	t.Setenv(replayserver.EnvMode, "")
	srv := replayserver.New(t, filepath.Join(dir, "api"),
		replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(api.URL),
		replayserver.RedactHeaders("X-Session"))
	fetchEx(t, http.DefaultClient, srv.URL+"/v1/me", "Authorization", "Bearer s3cr3t", "X-Session", "abc123")
	t.finish()
	printRecorded(filepath.Join(dir, "api"), "Authorization", "X-Session")
	// Output:
	// GET_v1_me
	//   GET /v1/me
	//     Authorization: "Bearer REDACTED"
	//     X-Session: "REDACTED"
}

// api_key is redacted by default; RedactQuery adds a parameter of the
// API's own. The name is made from the redacted URL, so another key
// replays the same cassette.
func ExampleRedactQuery() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer api.Close()
	t := newExampleT()
	t.Setenv(replayserver.EnvMode, "")
	srv := replayserver.New(t, filepath.Join(dir, "api"),
		replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(api.URL),
		replayserver.RedactQuery("sig"))
	fetchEx(t, http.DefaultClient, srv.URL+"/v1/search?q=go&api_key=k-123&sig=abcdef")
	t.finish()
	printRecorded(filepath.Join(dir, "api"))
	// Output:
	// GET_v1_search__api-key=redacted,q=go,sig=redacted~u00d4567e
	//   GET /v1/search?q=go&api_key=REDACTED&sig=REDACTED
}

// Without the defaults, only the names given are redacted: a test
// account's Authorization header is kept.
func ExampleNoDefaultRedaction() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer api.Close()
	t := newExampleT()
	t.Setenv(replayserver.EnvMode, "")
	srv := replayserver.New(t, filepath.Join(dir, "api"),
		replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(api.URL),
		replayserver.NoDefaultRedaction(), replayserver.RedactHeaders("X-Session"))
	fetchEx(t, http.DefaultClient, srv.URL+"/v1/me", "Authorization", "Basic dGVzdDp0ZXN0", "X-Session", "abc123")
	t.finish()
	printRecorded(filepath.Join(dir, "api"), "Authorization", "X-Session")
	// Output:
	// GET_v1_me
	//   GET /v1/me
	//     Authorization: "Basic dGVzdDp0ZXN0"
	//     X-Session: "REDACTED"
}

// A hook that changes what is stored: a token in the response body.
func ExampleBeforeSave() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"access_token":"tok-8f1e"}`)
	}))
	defer api.Close()
	token := regexp.MustCompile(`"access_token":"[^"]*"`)
	t := newExampleT()
	t.Setenv(replayserver.EnvMode, "")
	srv := replayserver.New(t, filepath.Join(dir, "api"),
		replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(api.URL),
		replayserver.BeforeSave(func(ex *library.Exchange) error {
			ex.Response.Body = token.ReplaceAll(ex.Response.Body, []byte(`"access_token":"REDACTED"`))
			return nil
		}))
	_, body := fetchEx(t, http.DefaultClient, srv.URL+"/v1/token")
	fmt.Println("client got:", body)
	t.finish()
	lib, _ := library.Open(filepath.Join(dir, "api"))
	names, _ := lib.Names()
	c, _, _ := lib.Get(names[0])
	fmt.Println("stored:", string(c.Exchanges[0].Response.Body))
	// Output:
	// client got: {"access_token":"tok-8f1e"}
	// stored: {"access_token":"REDACTED"}
}

// New cassettes are written in YAML.
func ExampleFormat() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer api.Close()
	t := newExampleT()
	t.Setenv(replayserver.EnvMode, "")
	srv := replayserver.New(t, filepath.Join(dir, "api"),
		replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(api.URL),
		replayserver.Format(library.YAML))
	fetchEx(t, http.DefaultClient, srv.URL+"/v1/ping")
	t.finish()
	files, _ := os.ReadDir(filepath.Join(dir, "api"))
	for _, f := range files {
		fmt.Println(naming.WithoutHost(strings.TrimSuffix(f.Name(), ".yaml")), filepath.Ext(f.Name()))
	}
	// Output:
	// GET_v1_ping .yaml
}

// In replay mode, a request body over the limit is a miss that says so:
// give the same limit when recording and replaying.
func ExampleMaxBodySize() {
	t := newExampleT()
	t.quiet = true // the miss fails the test
	srv := replayserver.New(t, "testdata/example", replayserver.MaxBodySize(16))
	resp, err := http.Post(srv.URL+"/v1/cities", "application/json", strings.NewReader(`{"name":"Marseille","population":873076}`))
	if err != nil {
		t.Fatalf("%v", err)
	}
	report, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	t.finish()
	fmt.Println(resp.StatusCode, "failed:", t.failed)
	fmt.Println(strings.Contains(string(report), "MaxBodySize"))
	// Output:
	// 404 failed: true
	// true
}

// An upstream that never answers: the request gets 504 once
// UpstreamTimeout has passed, and nothing is stored.
func ExampleUpstreamTimeout() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // no answer until the request is given up
	}))
	defer api.Close()
	t := newExampleT()
	t.Setenv(replayserver.EnvMode, "")
	srv := replayserver.New(t, filepath.Join(dir, "api"),
		replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(api.URL),
		replayserver.UpstreamTimeout(100*time.Millisecond))
	status, _ := fetchEx(t, http.DefaultClient, srv.URL+"/v1/slow")
	t.finish()
	fmt.Println(status, "failed:", t.failed)
	printRecorded(filepath.Join(dir, "api"))
	// Output:
	// 504 failed: false
}
