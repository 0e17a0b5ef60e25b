package interop

// Acceptance probes written from DESIGN.md, the issue texts and README.md
// only, through the public API as a user calls it: each test names the
// promise it checks.

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/recorder"
	"github.com/cassette-go/cassette/replayserver"
	"github.com/go-resty/resty/v2"
	"github.com/hashicorp/go-retryablehttp"
	"github.com/labstack/echo/v4"
)

// probeTB is a testing.TB whose failures are observed, not reported;
// its cleanups run when finish is called.
type probeTB struct {
	testing.TB
	mu       sync.Mutex // guards the fields below
	errs     []string
	cleanups []func()
}

func (f *probeTB) Helper() {}
func (f *probeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}
func (f *probeTB) Error(args ...any) { f.Errorf("%s", fmt.Sprint(args...)) }
func (f *probeTB) Fatalf(format string, args ...any) {
	f.Errorf(format, args...)
	panic("probeTB: Fatalf: " + fmt.Sprintf(format, args...))
}
func (f *probeTB) Fatal(args ...any) { f.Fatalf("%s", fmt.Sprint(args...)) }
func (f *probeTB) Fail()             { f.Errorf("Fail") }
func (f *probeTB) FailNow()          { f.Fatalf("FailNow") }
func (f *probeTB) Failed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.errs) > 0
}
func (f *probeTB) Skipped() bool { return false }
func (f *probeTB) Cleanup(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cleanups = append(f.cleanups, fn)
}
func (f *probeTB) finish() string {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.errs, "\n")
}

var (
	probeBinary = func() []byte {
		b := make([]byte, 512)
		for i := range b {
			b[i] = byte(i * 7)
		}
		return b
	}()
	probeLatin1 = []byte("caf\xe9 cr\xe8me \xff\xfe")
	probeText   = "day,sales\nmon,3\n"
	probeGzip   = func() []byte {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		io.WriteString(zw, probeText)
		zw.Close()
		return buf.Bytes()
	}()
)

// probeAPI is the "real API", served by echo: bodies of every kind, three
// cookies, a polled job and an echo of POST bodies. version is put in
// /v1/version so that a rerecord can tell old answers from new.
func probeAPI(calls *atomic.Int64, version *atomic.Int64) http.Handler {
	e := echo.New()
	e.HideBanner = true
	var poll atomic.Int64
	e.Pre(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error { calls.Add(1); return next(c) }
	})
	e.GET("/v1/binary", func(c echo.Context) error { return c.Blob(200, "application/octet-stream", probeBinary) })
	e.GET("/v1/latin1", func(c echo.Context) error {
		return c.Blob(200, "text/plain; charset=iso-8859-1", probeLatin1)
	})
	e.GET("/v1/report", func(c echo.Context) error {
		c.Response().Header().Set("Content-Encoding", "gzip")
		return c.Blob(200, "text/csv", probeGzip)
	})
	e.GET("/v1/empty", func(c echo.Context) error { return c.NoContent(200) })
	e.GET("/v1/cookies", func(c echo.Context) error {
		for _, kv := range [][2]string{{"b", "2"}, {"a", "1"}, {"c", "3"}} {
			c.SetCookie(&http.Cookie{Name: kv[0], Value: kv[1], Path: "/"})
		}
		return c.String(200, "ok")
	})
	e.GET("/v1/job", func(c echo.Context) error {
		return c.String(200, fmt.Sprintf("state %d", poll.Add(1)))
	})
	e.GET("/v1/version", func(c echo.Context) error {
		return c.String(200, fmt.Sprintf("v%d", version.Load()))
	})
	e.POST("/v1/echo", func(c echo.Context) error {
		b, _ := io.ReadAll(c.Request().Body)
		return c.Blob(201, "application/json", b)
	})
	return e
}

type probeResult struct {
	status  int
	body    []byte
	cookies []string
}

func (r probeResult) String() string {
	return fmt.Sprintf("%d %q %q", r.status, r.body, r.cookies)
}

// probeSession makes the requests of a session with client against base
// (no transparent decompression: Accept-Encoding is set by hand).
func probeSession(t *testing.T, client *http.Client, base string) []probeResult {
	t.Helper()
	var out []probeResult
	do := func(method, path, body string) {
		req, err := http.NewRequest(method, base+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("%s %s: read body: %v", method, path, err)
		}
		out = append(out, probeResult{resp.StatusCode, b, resp.Header.Values("Set-Cookie")})
	}
	for _, p := range []string{"/v1/binary", "/v1/latin1", "/v1/report", "/v1/empty", "/v1/cookies", "/v1/job", "/v1/job", "/v1/job"} {
		do("GET", p, "")
	}
	do("POST", "/v1/echo", `{"n":1}`)
	do("POST", "/v1/echo", `{"n":2}`)
	return out
}

func wantSession(cookies []string) []probeResult {
	return []probeResult{
		{200, probeBinary, nil},
		{200, probeLatin1, nil},
		{200, probeGzip, nil},
		{200, []byte{}, nil},
		{200, []byte("ok"), cookies},
		{200, []byte("state 1"), nil},
		{200, []byte("state 2"), nil},
		{200, []byte("state 3"), nil},
		{201, []byte(`{"n":1}`), nil},
		{201, []byte(`{"n":2}`), nil},
	}
}

func sameResults(t *testing.T, phase string, got, want []probeResult) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d results, want %d", phase, len(got), len(want))
	}
	for i := range got {
		if got[i].String() != want[i].String() {
			t.Errorf("%s: request %d = %v, want %v", phase, i, got[i], want[i])
		}
	}
}

// forbidden is an upstream that fails the test if anything reaches it.
func forbidden(t *testing.T) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the network was touched in replay mode: %s %s", r.Method, r.URL)
		http.Error(w, "forbidden", 500)
	}))
	t.Cleanup(s.Close)
	return s
}

// TestAcceptCycleEveryLibraryKind: DESIGN "Bodies are stored and replayed
// byte-exact", "Multi-valued headers keep every value in order", "the same
// request recorded several times is replayed in order, then the last one
// repeats", with echo as the upstream, in a directory library and in single
// files of each extension, and Strict passing when every cassette was used.
func TestAcceptCycleEveryLibraryKind(t *testing.T) {
	for _, kind := range []string{"dir", "lib.json", "lib.yaml", "lib.yml"} {
		t.Run(kind, func(t *testing.T) {
			var calls, version atomic.Int64
			api := httptest.NewServer(probeAPI(&calls, &version))
			path := filepath.Join(t.TempDir(), kind)
			upstream := api.URL
			t.Run("record", func(t *testing.T) {
				t.Setenv(replayserver.EnvMode, "record")
				srv := replayserver.New(t, path, replayserver.Upstream(upstream), replayserver.NoDefaultRedaction())
				sameResults(t, "record", probeSession(t, &http.Client{}, srv.URL), wantSession([]string{"b=2; Path=/", "a=1; Path=/", "c=3; Path=/"}))
			})
			api.Close()
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatalf("library not written: %v", err)
			}
			if fi.IsDir() != (kind == "dir") {
				t.Fatalf("%s: IsDir = %v", path, fi.IsDir())
			}
			live := calls.Load()
			t.Run("replay", func(t *testing.T) {
				t.Setenv(replayserver.EnvMode, "replay")
				srv := replayserver.New(t, path, replayserver.Strict(), replayserver.Upstream(forbidden(t).URL), replayserver.NoDefaultRedaction())
				got := probeSession(t, &http.Client{}, srv.URL)
				// The polled job repeats its last answer.
				got = append(got, probeSession(t, &http.Client{}, srv.URL)[5])
				want := append(wantSession([]string{"b=2; Path=/", "a=1; Path=/", "c=3; Path=/"}), probeResult{200, []byte("state 3"), nil})
				sameResults(t, "replay", got, want)
				if u := srv.Unused(); len(u) != 0 {
					t.Errorf("Unused() = %q after using all", u)
				}
			})
			if calls.Load() != live {
				t.Errorf("replay reached the upstream")
			}
		})
	}
}

// TestAcceptSetCookieRedactedByDefault: README says Set-Cookie values read
// REDACTED on disk and in replay by default, names, attributes and order kept.
func TestAcceptSetCookieRedactedByDefault(t *testing.T) {
	var calls, version atomic.Int64
	api := httptest.NewServer(probeAPI(&calls, &version))
	defer api.Close()
	path := filepath.Join(t.TempDir(), "api")
	t.Setenv(replayserver.EnvMode, "record")
	srv := replayserver.New(t, path, replayserver.Upstream(api.URL))
	want := []string{"b=REDACTED; Path=/", "a=REDACTED; Path=/", "c=REDACTED; Path=/"}
	got := probeSession(t, &http.Client{}, srv.URL)
	if g := got[4].cookies; !slices.Equal(g, []string{"b=2; Path=/", "a=1; Path=/", "c=3; Path=/"}) {
		t.Errorf("while recording the client got Set-Cookie %q, want the upstream's values", g)
	}
	srv.Close()
	t.Setenv(replayserver.EnvMode, "replay")
	srv = replayserver.New(t, path)
	got = probeSession(t, &http.Client{}, srv.URL)
	if g := got[4].cookies; !slices.Equal(g, want) {
		t.Errorf("replayed Set-Cookie = %q, want %q", g, want)
	}
}

// TestAcceptHTTP2RestyOverTLS: a resty v2 client, over HTTP/2 with TLS to a
// TLS() replay server, records from an HTTPS echo upstream speaking HTTP/2
// and replays byte-exact.
func TestAcceptHTTP2RestyOverTLS(t *testing.T) {
	var calls, version atomic.Int64
	api := httptest.NewUnstartedServer(probeAPI(&calls, &version))
	api.EnableHTTP2 = true
	api.StartTLS()
	path := filepath.Join(t.TempDir(), "api.yaml")
	session := func(t *testing.T, srv *replayserver.Server) []probeResult {
		client := resty.New().SetBaseURL(srv.URL).SetTransport(srv.Client().Transport)
		var out []probeResult
		for _, p := range []string{"/v1/binary", "/v1/report", "/v1/job", "/v1/job"} {
			resp, err := client.R().SetHeader("Accept-Encoding", "gzip").SetDoNotParseResponse(true).Get(p)
			if err != nil {
				t.Fatal(err)
			}
			if resp.RawResponse.ProtoMajor != 2 {
				t.Errorf("GET %s over %s, want HTTP/2", p, resp.RawResponse.Proto)
			}
			b, err := io.ReadAll(resp.RawBody())
			resp.RawBody().Close()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, probeResult{resp.StatusCode(), b, nil})
		}
		return out
	}
	want := []probeResult{{200, probeBinary, nil}, {200, probeGzip, nil}, {200, []byte("state 1"), nil}, {200, []byte("state 2"), nil}}
	t.Run("record", func(t *testing.T) {
		t.Setenv(replayserver.EnvMode, "record")
		srv := replayserver.New(t, path, replayserver.TLS(), replayserver.Upstream(api.URL), replayserver.UpstreamTransport(api.Client().Transport))
		sameResults(t, "record", session(t, srv), want)
	})
	api.Close()
	live := calls.Load()
	t.Run("replay", func(t *testing.T) {
		t.Setenv(replayserver.EnvMode, "replay")
		srv := replayserver.New(t, path, replayserver.TLS(), replayserver.Strict())
		sameResults(t, "replay", session(t, srv), want)
	})
	if calls.Load() != live {
		t.Error("replay reached the upstream")
	}
}

// recordAll records a probe session into path from an upstream of its own,
// closed when it returns.
func recordAll(t *testing.T, path string) {
	t.Helper()
	var calls, version atomic.Int64
	api := httptest.NewServer(probeAPI(&calls, &version))
	defer api.Close()
	t.Setenv(replayserver.EnvMode, "record")
	ft := &probeTB{TB: t}
	srv := replayserver.New(ft, path, replayserver.Upstream(api.URL))
	probeSession(t, &http.Client{}, srv.URL)
	if errs := ft.finish(); errs != "" {
		t.Fatalf("recording failed: %s", errs)
	}
}

// TestAcceptUnusedReports: Unused() sorted; ReportUnused one line per unused
// cassette, sorted, file paths relative to a directory library so that
// `cd lib && xargs rm < unused.log` prunes them; names for a file library;
// Strict fails naming each unused cassette.
func TestAcceptUnusedReports(t *testing.T) {
	for _, kind := range []string{"dir", "lib.json", "lib.yml"} {
		t.Run(kind, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), kind)
			recordAll(t, path)
			t.Setenv(replayserver.EnvMode, "replay")
			ft := &probeTB{TB: t}
			srv := replayserver.New(ft, path, replayserver.Strict())
			resp, err := http.Get(srv.URL + "/v1/binary")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			unused := srv.Unused()
			if len(unused) != 7 { // 8 cassettes: binary, latin1, report, empty, cookies, job, 2 echo bodies
				t.Errorf("Unused() = %d names %q, want 7", len(unused), unused)
			}
			if !slices.IsSorted(unused) {
				t.Errorf("Unused() not sorted: %q", unused)
			}
			var buf bytes.Buffer
			if err := srv.ReportUnused(&buf); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
			if !slices.IsSorted(lines) || len(lines) != len(unused) {
				t.Errorf("ReportUnused lines not sorted or not one per unused cassette:\n%s", buf.String())
			}
			errs := ft.finish()
			for _, name := range unused {
				if !strings.Contains(errs, name) {
					t.Errorf("Strict failure does not name %s:\n%s", name, errs)
				}
			}
			if kind != "dir" {
				if !slices.Equal(lines, unused) {
					t.Errorf("file library: ReportUnused = %q, want the names %q", lines, unused)
				}
				return
			}
			log := filepath.Join(t.TempDir(), "unused.log")
			if err := os.WriteFile(log, buf.Bytes(), 0o666); err != nil {
				t.Fatal(err)
			}
			sh, err := exec.LookPath("sh")
			if err != nil {
				t.Skip("no sh")
			}
			cmd := exec.Command(sh, "-c", "cd \"$1\" && xargs rm < \"$2\"", "sh", path, log)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("xargs rm < unused.log: %v\n%s", err, out)
			}
			entries, _ := os.ReadDir(path)
			if len(entries) != 1 {
				t.Errorf("after pruning, %d files left, want the one used", len(entries))
			}
			t.Setenv(replayserver.EnvMode, "replay")
			ft = &probeTB{TB: t}
			srv = replayserver.New(ft, path, replayserver.Strict())
			resp, err = http.Get(srv.URL + "/v1/binary")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !bytes.Equal(b, probeBinary) {
				t.Errorf("pruned library replays %q", b)
			}
			if errs := ft.finish(); errs != "" {
				t.Errorf("pruned library fails strict: %s", errs)
			}
		})
	}
}

// TestAcceptMissReport: a miss in replay mode is a 404 with a plain-text
// report (request, computed name, nearest cassettes with a diff) that also
// fails the test, and never reaches the network.
func TestAcceptMissReport(t *testing.T) {
	path := filepath.Join(t.TempDir(), "api")
	recordAll(t, path)
	t.Setenv(replayserver.EnvMode, "replay")
	ft := &probeTB{TB: t}
	srv := replayserver.New(ft, path, replayserver.Upstream(forbidden(t).URL))
	resp, err := http.Post(srv.URL+"/v1/echo", "application/json", strings.NewReader(`{"n":3}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	report := string(body)
	if resp.StatusCode != 404 {
		t.Errorf("miss status %d, want 404", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("miss Content-Type %q, want text/plain", ct)
	}
	for _, want := range []string{"POST", "/v1/echo", "POST_127.0.0.1_", "-recorded +got", `"n":3`} {
		if !strings.Contains(report, want) {
			t.Errorf("miss report lacks %q:\n%s", want, report)
		}
	}
	errs := ft.finish()
	// The test failure carries the same report.
	first := strings.SplitN(strings.TrimSpace(report), "\n", 2)[0]
	if !strings.Contains(errs, first) || !strings.Contains(errs, "-recorded +got") {
		t.Errorf("test failure does not carry the report:\nfailure: %s\nreport: %s", errs, report)
	}
}

// TestAcceptModes: CASSETTE_MODE wins over WithMode; passthrough stores
// nothing; rerecord replaces the library.
func TestAcceptModes(t *testing.T) {
	var calls, version atomic.Int64
	version.Store(1)
	api := httptest.NewServer(probeAPI(&calls, &version))
	defer api.Close()
	get := func(t *testing.T, srv *replayserver.Server, p string) (int, string) {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	t.Run("passthrough env over record option stores nothing", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "api")
		t.Setenv(replayserver.EnvMode, "passthrough")
		srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(api.URL))
		if _, b := get(t, srv, "/v1/version"); b != "v1" {
			t.Errorf("passthrough answered %q", b)
		}
		srv.Close()
		if entries, err := os.ReadDir(path); err == nil && len(entries) > 0 {
			t.Errorf("passthrough stored %d files", len(entries))
		}
	})
	t.Run("replay env over record option misses", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "api")
		recordAll(t, path)
		t.Setenv(replayserver.EnvMode, "REPLAY")
		ft := &probeTB{TB: t}
		srv := replayserver.New(ft, path, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(forbidden(t).URL))
		if s, _ := get(t, srv, "/v1/version"); s != 404 {
			t.Errorf("status %d, want 404", s)
		}
		if ft.finish() == "" {
			t.Error("a miss did not fail the test")
		}
	})
	t.Run("record env over replay option records", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "api")
		t.Setenv(replayserver.EnvMode, "record")
		srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeReplay), replayserver.Upstream(api.URL))
		get(t, srv, "/v1/version")
		srv.Close()
		if entries, _ := os.ReadDir(path); len(entries) != 1 {
			t.Errorf("record stored %d files, want 1", len(entries))
		}
	})
	t.Run("rerecord replaces", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "api")
		version.Store(1)
		recordAll(t, path)
		version.Store(2)
		t.Setenv(replayserver.EnvMode, "rerecord")
		ft := &probeTB{TB: t}
		srv := replayserver.New(ft, path, replayserver.Upstream(api.URL))
		if _, b := get(t, srv, "/v1/version"); b != "v2" {
			t.Errorf("rerecord answered %q, want v2", b)
		}
		if errs := ft.finish(); errs != "" {
			t.Fatalf("rerecord failed: %s", errs)
		}
		t.Setenv(replayserver.EnvMode, "replay")
		srv = replayserver.New(t, path, replayserver.Strict())
		if _, b := get(t, srv, "/v1/version"); b != "v2" {
			t.Errorf("after rerecord replay answered %q, want v2", b)
		}
	})
}

// TestAcceptRouterFirstAndHandEdit: routes added to srv.Router() are served
// before recorded ones; a hand-edited cassette replays as edited.
func TestAcceptRouterFirstAndHandEdit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "api")
	recordAll(t, path)
	matches, _ := filepath.Glob(filepath.Join(path, "GET_*_v1_job*"))
	if len(matches) != 1 {
		t.Fatalf("job cassette files: %q", matches)
	}
	b, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	edited := bytes.ReplaceAll(b, []byte("state 3"), []byte("state done"))
	if bytes.Equal(edited, b) {
		t.Fatalf("state 3 not stored as text:\n%s", b)
	}
	if err := os.WriteFile(matches[0], edited, 0o666); err != nil {
		t.Fatal(err)
	}
	t.Setenv(replayserver.EnvMode, "replay")
	srv := replayserver.New(t, path)
	srv.Router().HandleFunc("/v1/version", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "by hand")
	})
	srv.Router().HandleFunc("/v1/empty", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "rate limited", http.StatusTooManyRequests)
	})
	get := func(p string) (int, string) {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if s, b := get("/v1/empty"); s != 429 {
		t.Errorf("recorded cassette served before the hand-written route: %d %q", s, b)
	}
	if _, b := get("/v1/version"); b != "by hand" {
		t.Errorf("hand-written route for an unrecorded path answered %q", b)
	}
	var got []string
	for range 4 {
		_, b := get("/v1/job")
		got = append(got, b)
	}
	if want := []string{"state 1", "state 2", "state done", "state done"}; !slices.Equal(got, want) {
		t.Errorf("hand-edited polled cassette replayed %q, want %q", got, want)
	}
}

// TestAcceptNames: readable, deterministic, file-name safe; long names cut
// and ending in a hash, never shared by two requests.
func TestAcceptNames(t *testing.T) {
	safe := regexp.MustCompile(`^[A-Za-z0-9.\-_=,~%+]+$`)
	name := func(method, raw, body string) string {
		req, err := http.NewRequest(method, raw, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		return naming.Name(req, []byte(body), naming.Default())
	}
	n := name("GET", "https://api.example.com/v1/users?sort=name&page=2", "")
	if n != "GET_api.example.com_443_v1_users__page=2,sort=name" {
		t.Errorf("Name(GET /v1/users?sort=name&page=2) = %q, not the documented readable form", n)
	}
	if again := name("GET", "https://api.example.com/v1/users?page=2&sort=name", ""); again != n {
		t.Errorf("query order changes the name: %q vs %q", again, n)
	}
	long := strings.Repeat("segment/", 60)
	for _, raw := range []string{
		"https://api.example.com/" + long + "a",
		"https://api.example.com/" + long + "b",
		"https://api.example.com/a/../../etc/passwd?x=<>|:*\"",
		"https://api.example.com/CON/nul.txt",
		"http://[::1]:8080/caf%C3%A9/%2F..%5C",
	} {
		got := name("GET", raw, "")
		if !safe.MatchString(got) || len(got) > 200 {
			t.Errorf("Name(GET %s) = %q: not file-name safe or over 200 bytes", raw, got)
		}
		for _, dev := range []string{"CON", "NUL", "PRN", "AUX"} {
			if strings.EqualFold(strings.SplitN(got, ".", 2)[0], dev) {
				t.Errorf("Name(GET %s) = %q is a Windows device name", raw, got)
			}
		}
	}
	a, b := name("GET", "https://api.example.com/"+long+"a", ""), name("GET", "https://api.example.com/"+long+"b", "")
	if a == b {
		t.Errorf("two long URLs share the name %q", a)
	}
	if !regexp.MustCompile(`~[a-z][0-9a-f]{8}$`).MatchString(a) {
		t.Errorf("long name %q does not end in a hash", a)
	}
	p1, p2 := name("POST", "https://api.example.com/v1/orders", `{"n":1}`), name("POST", "https://api.example.com/v1/orders", `{"n":2}`)
	if p1 == p2 || !strings.HasPrefix(p1, "POST_api.example.com_443_v1_orders~b") {
		t.Errorf("POST bodies: %q, %q", p1, p2)
	}
	u, _ := url.Parse("https://api.example.com/v1/users")
	req := &http.Request{Method: "GET", URL: u, Host: u.Host, Header: http.Header{"User-Agent": {"x/1"}, "Date": {"now"}, "X-Request-Id": {"1"}}}
	if got := naming.Name(req, nil, naming.Default()); got != "GET_api.example.com_443_v1_users" {
		t.Errorf("volatile headers are part of the name: %q", got)
	}
}

// trickyBodies are response bodies that text formats find hard to keep
// byte for byte.
var trickyBodies = []string{
	"",
	" ",
	"\n",
	"no trailing newline",
	"trailing spaces   \nand tab\t",
	"crlf\r\nlines\r\n",
	"lone\rcr",
	"---\nlooks: like yaml\n...\n",
	"\ufeffbom first",
	"nul\x00inside",
	"\x1b[31mansi\x1b[0m",
	"aGVsbG8=",
	"null",
	"~",
	"  leading\n    indented\n",
	"\"quoted\"",
	"line1\n\n\n",
	"\u2028\u2029 separators \u0085 nel",
	"\xc3\x28 invalid utf8",
	"\xef\xbf\xbd replacement char",
	"\x7f del",
}

// TestAcceptTrickyBodiesByteExact: DESIGN "Bodies are stored and replayed
// byte-exact", in each library kind, for bodies of text that JSON and YAML
// encoders tend to normalise, in responses and in POST requests told apart
// by body.
func TestAcceptTrickyBodiesByteExact(t *testing.T) {
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var i int
		fmt.Sscanf(r.URL.Query().Get("i"), "%d", &i)
		w.Header().Set("Content-Type", "text/plain")
		if r.Method == "POST" {
			b, _ := io.ReadAll(r.Body)
			w.Write(b)
			return
		}
		io.WriteString(w, trickyBodies[i])
	})
	for _, kind := range []string{"dir", "lib.json", "lib.yaml"} {
		t.Run(kind, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), kind)
			session := func(t *testing.T, base string) []string {
				var out []string
				for i, body := range trickyBodies {
					resp, err := http.Get(fmt.Sprintf("%s/get?i=%d", base, i))
					if err != nil {
						t.Fatal(err)
					}
					b, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					out = append(out, fmt.Sprintf("GET %d: %d %q", i, resp.StatusCode, b))
					resp, err = http.Post(base+"/post", "text/plain", strings.NewReader(body))
					if err != nil {
						t.Fatal(err)
					}
					b, _ = io.ReadAll(resp.Body)
					resp.Body.Close()
					out = append(out, fmt.Sprintf("POST %d: %d %q", i, resp.StatusCode, b))
				}
				return out
			}
			var want []string
			for i, body := range trickyBodies {
				want = append(want, fmt.Sprintf("GET %d: 200 %q", i, body), fmt.Sprintf("POST %d: 200 %q", i, body))
			}
			recordReplay(t, api, int64(2*len(trickyBodies)), want,
				func(t *testing.T, upstream string) []string {
					t.Setenv(replayserver.EnvMode, "record")
					srv := replayserver.New(t, path, replayserver.Upstream(upstream))
					return session(t, srv.URL)
				},
				func(t *testing.T, upstream string) []string {
					t.Setenv(replayserver.EnvMode, "replay")
					srv := replayserver.New(t, path, replayserver.Strict())
					return session(t, srv.URL)
				})
		})
	}
}

// TestAcceptHandWrittenLibrary: a library written by hand from the format
// in the library package doc replays, to a client pointed at srv.URL and to
// one sending the API's own URLs through srv.Client().
func TestAcceptHandWrittenLibrary(t *testing.T) {
	dir := t.TempDir()
	yamlLib := filepath.Join(dir, "api.yaml")
	err := os.WriteFile(yamlLib, []byte(`version: 1
cassettes:
  - name: GET_api.example.com_443_v1_users
    exchanges:
      - request:
          method: GET
          url: https://api.example.com/v1/users
        response:
          status: 200
          headers:
            Content-Type: [application/json]
            Link: ["<a>; rel=next", "<b>; rel=last"]
          body: |
            [{"id": 1, "name": "ada"}]
      - request:
          method: GET
          url: https://api.example.com/v1/users
        response:
          status: 503
          body: down
  - name: GET_api.example.com_443_v1_logo.png
    exchanges:
      - request:
          method: GET
          url: https://api.example.com/v1/logo.png
        response:
          status: 200
          body_encoding: base64
          body: "iVBORw0KGgo"
`), 0o666)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(replayserver.EnvMode, "replay")
	for _, via := range []string{"srv.URL", "srv.Client()"} {
		t.Run(via, func(t *testing.T) {
			srv := replayserver.New(t, yamlLib, replayserver.Strict())
			base, client := srv.URL, &http.Client{}
			if via == "srv.Client()" {
				base, client = "https://api.example.com", srv.Client()
			}
			var got []string
			for _, p := range []string{"/v1/users", "/v1/users", "/v1/users", "/v1/logo.png"} {
				resp, err := client.Get(base + p)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				got = append(got, fmt.Sprintf("%d %q %q", resp.StatusCode, b, resp.Header.Values("Link")))
			}
			want := []string{
				`200 "[{\"id\": 1, \"name\": \"ada\"}]\n" ["<a>; rel=next" "<b>; rel=last"]`,
				`503 "down" []`,
				`503 "down" []`,
				`200 "\x89PNG\r\n\x1a\n" []`,
			}
			if !slices.Equal(got, want) {
				t.Errorf("hand-written library replayed\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// TestAcceptTransports: recorder.NewTransport records each request at its
// own URL; recorder.New keeps what it forwarded even when the test fails;
// replayserver.NewTransport replays in process with Strict and a miss is an
// error from RoundTrip carrying the report and unwrapping to ErrNoMatch.
// Clients: go-resty and a plain http.Client.
func TestAcceptTransports(t *testing.T) {
	var calls, version atomic.Int64
	api := httptest.NewServer(probeAPI(&calls, &version))
	defer api.Close()
	dir := t.TempDir()
	viaTransport := filepath.Join(dir, "transport.json")
	viaProxy := filepath.Join(dir, "proxy")

	ft := &probeTB{TB: t}
	rt := recorder.NewTransport(ft, viaTransport)
	sameResults(t, "recorder.NewTransport", probeSession(t, &http.Client{Transport: rt}, api.URL), wantSession([]string{"b=2; Path=/", "a=1; Path=/", "c=3; Path=/"}))
	if errs := ft.finish(); errs != "" {
		t.Fatalf("recorder.NewTransport: %s", errs)
	}

	ft = &probeTB{TB: t}
	rec := recorder.New(ft, api.URL, viaProxy)
	probeSession(t, &http.Client{}, rec.URL)
	ft.Errorf("the test fails after recording")
	ft.finish()
	if entries, _ := os.ReadDir(viaProxy); len(entries) != 8 {
		t.Errorf("recorder.New of a failed test left %d cassette files, want 8", len(entries))
	}
	live := calls.Load()

	t.Setenv(replayserver.EnvMode, "replay")
	for _, path := range []string{viaTransport, viaProxy} {
		ft = &probeTB{TB: t}
		rt := replayserver.NewTransport(ft, path, replayserver.Strict())
		client := resty.New().SetTransport(rt).SetBaseURL(api.URL)
		resp, err := client.R().SetDoNotParseResponse(true).Get("/v1/binary")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.RawBody())
		resp.RawBody().Close()
		if !bytes.Equal(b, probeBinary) {
			t.Errorf("%s: replayed binary %q", path, b)
		}
		_, err = client.R().Get("/v1/nothing")
		var miss *replayserver.MissError
		if !errors.As(err, &miss) || !errors.Is(err, replayserver.ErrNoMatch) {
			t.Errorf("%s: miss error %v, want a *MissError unwrapping to ErrNoMatch", path, err)
		} else if !strings.Contains(miss.Report, "/v1/nothing") || miss.Name == "" || !strings.Contains(miss.Report, miss.Name) {
			t.Errorf("%s: miss report lacks the request or its name:\n%s", path, miss.Report)
		}
		errs := ft.finish()
		if !strings.Contains(errs, "latin1") || !strings.Contains(errs, "cookies") {
			t.Errorf("%s: Strict on NewTransport does not name the unused cassettes:\n%s", path, errs)
		}
	}
	if calls.Load() != live {
		t.Error("NewTransport replay reached the upstream")
	}
}

// TestAcceptOnceDefault: the default mode records a missing library from
// the upstream (the seed's "first run stores, next runs replay"), never
// when CI is set, where the failure says how to record it.
func TestAcceptOnceDefault(t *testing.T) {
	var calls, version atomic.Int64
	api := httptest.NewServer(probeAPI(&calls, &version))
	defer api.Close()
	path := filepath.Join(t.TempDir(), "api.json")
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv(replayserver.EnvCI, "true")
	ft := &probeTB{TB: t}
	func() {
		defer func() { recover() }() // a Fatalf of probeTB panics
		replayserver.New(ft, path, replayserver.Upstream(api.URL))
	}()
	errs := ft.finish()
	if !strings.Contains(errs, "CASSETTE_MODE=record") {
		t.Errorf("a missing library under CI: failure does not say how to record it:\n%s", errs)
	}
	if _, err := os.Stat(path); err == nil || calls.Load() != 0 {
		t.Fatalf("once recorded under CI")
	}
	t.Setenv(replayserver.EnvCI, "false")
	for run := range 2 {
		ft := &probeTB{TB: t}
		srv := replayserver.New(ft, path, replayserver.Upstream(api.URL))
		got := probeSession(t, &http.Client{}, srv.URL)
		if errs := ft.finish(); errs != "" {
			t.Fatalf("run %d: %s", run, errs)
		}
		if !bytes.Equal(got[0].body, probeBinary) {
			t.Errorf("run %d: binary %q", run, got[0].body)
		}
		if run == 0 && calls.Load() != 10 {
			t.Errorf("first run: the API got %d requests, want 10", calls.Load())
		}
	}
	if calls.Load() != 10 {
		t.Errorf("second run reached the API: %d requests in all", calls.Load())
	}
}

// TestAcceptNamesNeverOnlyCase: names of different requests never differ
// only in case (a directory library on macOS or Windows would keep one file).
func TestAcceptNamesNeverOnlyCase(t *testing.T) {
	seen := map[string]string{}
	for _, raw := range []string{
		"https://api.example.com/v1/users", "https://api.example.com/v1/Users", "https://api.example.com/V1/USERS",
		"https://api.example.com/v1/users?Q=a", "https://api.example.com/v1/users?q=a", "https://api.example.com/v1/users?q=A",
		"https://api.example.com/v1/users/%41", "https://api.example.com/v1/users/%61", "https://api.example.com/v1/users/a",
	} {
		req, err := http.NewRequest("GET", raw, nil)
		if err != nil {
			t.Fatal(err)
		}
		n := naming.Name(req, nil, naming.Default())
		if other, ok := seen[strings.ToLower(n)]; ok && other != raw {
			t.Errorf("GET %s and GET %s share the name %q up to case", raw, other, n)
		}
		seen[strings.ToLower(n)] = raw
	}
}

// TestAcceptStatusesAndConcurrentPolling: 204, 304, 302 (not followed
// while recording, replayed as recorded), 500 and HEAD replay as recorded;
// a polled cassette read by concurrent clients serves each exchange once
// before the last repeats.
func TestAcceptStatusesAndConcurrentPolling(t *testing.T) {
	var n atomic.Int64
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/204":
			w.Header().Set("X-Id", "7")
			w.WriteHeader(204)
		case "/304":
			w.Header().Set("ETag", `"abc"`)
			w.WriteHeader(304)
		case "/302":
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		case "/500":
			http.Error(w, "boom", 500)
		case "/head":
			w.Header().Set("Content-Length", "42")
			w.Header().Set("Content-Type", "text/plain")
		case "/poll":
			fmt.Fprintf(w, "%d", n.Add(1))
		}
	})
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	// Polls are sent one after the other while recording (concurrent
	// requests of one cassette are stored in the order they complete, which
	// need not be the order the upstream answered them), at once in replay.
	session := func(t *testing.T, base string, polls int, concurrent bool) []string {
		var out []string
		for _, c := range []struct{ method, path string }{{"GET", "/204"}, {"GET", "/304"}, {"GET", "/302"}, {"GET", "/500"}, {"HEAD", "/head"}} {
			req, _ := http.NewRequest(c.method, base+c.path, nil)
			resp, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			out = append(out, fmt.Sprintf("%s %s: %d %q cl=%d loc=%q etag=%q id=%q", c.method, c.path, resp.StatusCode, b, resp.ContentLength,
				resp.Header.Get("Location"), resp.Header.Get("ETag"), resp.Header.Get("X-Id")))
		}
		var mu sync.Mutex
		var wg sync.WaitGroup
		var got []string
		for range polls {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := http.Get(base + "/poll")
				if err != nil {
					t.Error(err)
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				mu.Lock()
				got = append(got, string(b))
				mu.Unlock()
			}()
			if !concurrent {
				wg.Wait()
			}
		}
		wg.Wait()
		slices.Sort(got)
		return append(out, "polls: "+strings.Join(got, ","))
	}
	want := []string{
		`GET /204: 204 "" cl=0 loc="" etag="" id="7"`,
		`GET /304: 304 "" cl=0 loc="" etag="\"abc\"" id=""`,
		`GET /302: 302 "<a href=\"/elsewhere\">Found</a>.\n\n" cl=33 loc="/elsewhere" etag="" id=""`,
		`GET /500: 500 "boom\n" cl=5 loc="" etag="" id=""`,
		`HEAD /head: 200 "" cl=42 loc="" etag="" id=""`,
	}
	path := filepath.Join(t.TempDir(), "api")
	var calls atomic.Int64
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls.Add(1); api.ServeHTTP(w, r) }))
	t.Run("record", func(t *testing.T) {
		t.Setenv(replayserver.EnvMode, "record")
		srv := replayserver.New(t, path, replayserver.Upstream(up.URL))
		got := session(t, srv.URL, 4, false)
		if w := append(slices.Clone(want), "polls: 1,2,3,4"); !slices.Equal(got, w) {
			t.Errorf("record saw\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(w, "\n"))
		}
	})
	up.Close()
	live := calls.Load()
	t.Run("replay", func(t *testing.T) {
		t.Setenv(replayserver.EnvMode, "replay")
		srv := replayserver.New(t, path, replayserver.Strict())
		got := session(t, srv.URL, 6, true)
		if w := append(slices.Clone(want), "polls: 1,2,3,4,4,4"); !slices.Equal(got, w) {
			t.Errorf("replay saw\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(w, "\n"))
		}
	})
	if calls.Load() != live {
		t.Error("replay reached the upstream")
	}
}

// TestAcceptSecretsSignedAndRules: issue 3.2/3.3 and 4.1, with
// go-retryablehttp as the client: a library recorded with credentials in
// headers, query and cookies holds none of them; the same calls with other
// credentials, a new signature and timestamp replay; JSON bodies match
// canonically and a route can leave a body out.
func TestAcceptSecretsSignedAndRules(t *testing.T) {
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s %s", r.Method, r.URL.Path, b)
	})
	rules := naming.Rules{
		Bodies: map[string]naming.BodyRule{"application/json": naming.JSONBody},
		Routes: []naming.Route{{Pattern: "POST /v1/events", Rules: naming.Rules{Bodies: map[string]naming.BodyRule{"*/*": naming.IgnoreBody}}}},
	}
	secrets := []string{"tok-AAAA1111", "key-AAAA1111", "sess-AAAA1111", "xkey-AAAA1111"}
	session := func(t *testing.T, base string, cred string, stamp string) []string {
		client := retryablehttp.NewClient()
		client.RetryMax = 0
		client.Logger = nil
		var out []string
		for _, c := range []struct{ method, path, ctype, body string }{
			{"GET", "/v1/me?api_key=key-" + cred + "&page=1", "", ""},
			{"POST", "/v1/search", "application/json", map[string]string{"A": `{"q":"tea","limit":5}`, "B": "{ \"limit\": 5,\n \"q\": \"tea\" }"}[cred[:1]]},
			{"POST", "/v1/events", "text/plain", "event at " + stamp},
		} {
			req, err := retryablehttp.NewRequest(c.method, base+c.path, strings.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			if c.ctype != "" {
				req.Header.Set("Content-Type", c.ctype)
			}
			req.Header.Set("Authorization", "Bearer tok-"+cred)
			req.Header.Set("X-Api-Key", "xkey-"+cred)
			req.Header.Set("Cookie", "session=sess-"+cred)
			req.Header.Set("X-Amz-Date", stamp)
			req.Header.Set("X-Amz-Content-Sha256", "sig-"+cred+stamp)
			req.Header.Set("Idempotency-Key", "idem-"+stamp)
			req.Header.Set("X-Request-Id", stamp)
			req.Header.Set("User-Agent", "probe/"+stamp)
			resp, err := client.Do(req)
			if err != nil {
				t.Fatalf("%s %s: %v", c.method, c.path, err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			out = append(out, fmt.Sprintf("%d %s", resp.StatusCode, strings.SplitN(string(b), " at ", 2)[0]))
		}
		return out
	}
	want := []string{"200 GET /v1/me ", `200 POST /v1/search {"q":"tea","limit":5}`, "200 POST /v1/events event"}
	path := filepath.Join(t.TempDir(), "api.yaml")
	recordReplay(t, api, 3, want,
		func(t *testing.T, upstream string) []string {
			t.Setenv(replayserver.EnvMode, "record")
			srv := replayserver.New(t, path, replayserver.Upstream(upstream), replayserver.Naming(rules))
			return session(t, srv.URL, "AAAA1111", "20260101T000000Z")
		},
		func(t *testing.T, upstream string) []string {
			t.Setenv(replayserver.EnvMode, "replay")
			srv := replayserver.New(t, path, replayserver.Naming(rules), replayserver.Strict())
			return session(t, srv.URL, "B999zzzz", "20261231T235959Z")
		})
	lib, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if bytes.Contains(lib, []byte(s)) {
			t.Errorf("the library holds the secret %q:\n%s", s, lib)
		}
	}
}

// TestAcceptUnusedLogPrunesAnyName: ReportUnused lines of a YAML directory
// library, for requests whose names carry quotes, spaces, unicode and
// escapes in their query, are the files `xargs rm` removes.
func TestAcceptUnusedLogPrunesAnyName(t *testing.T) {
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.URL.RawQuery) })
	path := filepath.Join(t.TempDir(), "api")
	queries := []string{"q=it%27s+a+%22test%22", "q=caf%C3%A9&x=a%5Cb", "q=%2A%3F%5B%5D&z=%24HOME", "q=" + strings.Repeat("long%20", 60), "keep=1"}
	var targets []string
	for _, q := range queries {
		targets = append(targets, "/v1/find?"+q)
	}
	_, buf := unusedAfter(t, api, path, targets, "/v1/find?keep=1", replayserver.Format(library.YAML))
	for _, line := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
		if !strings.HasSuffix(line, ".yaml") {
			t.Errorf("ReportUnused line %q is not a YAML cassette file", line)
		}
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	cmd := exec.Command(sh, "-c", "cd \"$1\" && xargs rm", "sh", path)
	cmd.Stdin = buf
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("xargs rm < unused.log: %v\n%s", err, out)
	}
	entries, _ := os.ReadDir(path)
	if len(entries) != 1 || !strings.Contains(entries[0].Name(), "keep=1") {
		t.Errorf("after pruning: %v, want only the keep=1 cassette", entries)
	}
}

// TestAcceptReportUnusedSortedAsLines: ReportUnused's lines are sorted as
// written (file names of a directory library sort otherwise than the names
// when one name is a prefix of another followed by "," "+" "%" or "-").
func TestAcceptReportUnusedSortedAsLines(t *testing.T) {
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	for _, kind := range []string{"dir", "lib.json"} {
		t.Run(kind, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), kind)
			srv, buf := unusedAfter(t, api, path, []string{"/p?a=1", "/p?a=1&b=2", "/p?a=1-", "/p?a=1%2B", "/p?a=1+", "/q"}, "/q")
			lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
			if len(lines) != 5 || !slices.IsSorted(lines) {
				t.Errorf("ReportUnused wrote %d lines, want 5, sorted:\n%s", len(lines), buf.String())
			}
			if u := srv.Unused(); len(u) != 5 || !slices.IsSorted(u) {
				t.Errorf("Unused() = %q, want 5 names, sorted", u)
			}
		})
	}
}

// TestAcceptNoRepeat: issue 3.6, with NoRepeat a request past the recorded
// sequence is a miss (404, test failure) instead of the last repeating.
func TestAcceptNoRepeat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "api")
	recordAll(t, path)
	t.Setenv(replayserver.EnvMode, "replay")
	ft := &probeTB{TB: t}
	srv := replayserver.New(ft, path, replayserver.NoRepeat(), replayserver.Upstream(forbidden(t).URL))
	var got []string
	for range 4 {
		resp, err := http.Get(srv.URL + "/v1/job")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got = append(got, fmt.Sprintf("%d %s", resp.StatusCode, strings.SplitN(string(b), "\n", 2)[0]))
	}
	if want := []string{"200 state 1", "200 state 2", "200 state 3"}; !slices.Equal(got[:3], want) || !strings.HasPrefix(got[3], "404 ") {
		t.Errorf("NoRepeat replayed %q, want %q then a 404", got, want)
	}
	if errs := ft.finish(); !strings.Contains(errs, "/v1/job") {
		t.Errorf("a request past the sequence did not fail the test naming it:\n%s", errs)
	}
}

// TestAcceptTwoHostsOneServer: issue 3.5, a library holding two hosts'
// cassettes for one path replays both through one TLS() server, for a
// resty client whose URLs are hard-coded to the real hosts.
func TestAcceptTwoHostsOneServer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hosts.json")
	cassette := func(host, body string) string {
		return fmt.Sprintf(`{"name": "GET_%s_443_health", "exchanges": [{"request": {"method": "GET", "url": "https://%s/health"}, "response": {"status": 200, "body": %q}}]}`, host, host, body)
	}
	lib := `{"version": 1, "cassettes": [` + cassette("api.example.com", "api ok") + ", " + cassette("auth.example.com", "auth ok") + "]}"
	if err := os.WriteFile(path, []byte(lib), 0o666); err != nil {
		t.Fatal(err)
	}
	t.Setenv(replayserver.EnvMode, "replay")
	srv := replayserver.New(t, path, replayserver.TLS(), replayserver.Strict())
	client := resty.New().SetTransport(srv.Client().Transport)
	for _, c := range []struct{ url, want string }{{"https://auth.example.com/health", "auth ok"}, {"https://api.example.com/health", "api ok"}} {
		resp, err := client.R().Get(c.url)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode() != 200 || resp.String() != c.want || resp.RawResponse.ProtoMajor != 2 {
			t.Errorf("GET %s = %d %q over %s, want 200 %q over HTTP/2", c.url, resp.StatusCode(), resp.String(), resp.RawResponse.Proto, c.want)
		}
	}
}

// TestAcceptGzipDecodingClient: a client that lets Go's transport ask for
// gzip gets the decoded text recording and replaying, through the server
// and in process, while the library keeps the gzip bytes.
func TestAcceptGzipDecodingClient(t *testing.T) {
	var calls, version atomic.Int64
	api := httptest.NewServer(probeAPI(&calls, &version))
	path := filepath.Join(t.TempDir(), "api.json")
	get := func(t *testing.T, client *http.Client, base string) string {
		resp, err := client.Get(base + "/v1/report")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return fmt.Sprintf("%d %q uncompressed=%v", resp.StatusCode, b, resp.Uncompressed)
	}
	want := fmt.Sprintf("200 %q uncompressed=true", probeText)
	t.Setenv(replayserver.EnvMode, "record")
	srv := replayserver.New(t, path, replayserver.Upstream(api.URL))
	if got := get(t, &http.Client{}, srv.URL); got != want {
		t.Errorf("recording: %s, want %s", got, want)
	}
	srv.Close()
	api.Close()
	lib, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(lib, []byte(`"body_encoding": "base64"`)) || bytes.Contains(lib, []byte("mon,3")) {
		t.Errorf("the library does not keep the gzip bytes:\n%s", lib)
	}
	t.Setenv(replayserver.EnvMode, "replay")
	srv = replayserver.New(t, path)
	if got := get(t, &http.Client{}, srv.URL); got != want {
		t.Errorf("replay server: %s, want %s", got, want)
	}
	if got := get(t, &http.Client{Transport: replayserver.NewTransport(t, path)}, api.URL); got != want {
		t.Errorf("replayserver.NewTransport: %s, want %s", got, want)
	}
}

// unusedAfter records the requests for targets (paths with their query)
// from api into the library at path (opts given to the recording server),
// then replays the library answering used alone, and returns the replay
// server and what its ReportUnused wrote.
func unusedAfter(t *testing.T, api http.Handler, path string, targets []string, used string, opts ...replayserver.Option) (*replayserver.Server, *bytes.Buffer) {
	t.Helper()
	up := httptest.NewServer(api)
	t.Setenv(replayserver.EnvMode, "record")
	ft := &probeTB{TB: t}
	srv := replayserver.New(ft, path, append([]replayserver.Option{replayserver.Upstream(up.URL)}, opts...)...)
	for _, target := range targets {
		resp, err := http.Get(srv.URL + target)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if errs := ft.finish(); errs != "" {
		t.Fatal(errs)
	}
	up.Close()
	t.Setenv(replayserver.EnvMode, "replay")
	ft = &probeTB{TB: t}
	srv = replayserver.New(ft, path)
	resp, err := http.Get(srv.URL + used)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var buf bytes.Buffer
	if err := srv.ReportUnused(&buf); err != nil {
		t.Fatal(err)
	}
	ft.finish()
	return srv, &buf
}
