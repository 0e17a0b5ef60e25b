package replayserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// pollLibrary writes a file library of two cassettes: GET /v1/job,
// polled, with the answers "1", "2" and "3", each followed by pad, and GET
// /v1/other with the answer "x".
func pollLibrary(t *testing.T, pad string) string {
	t.Helper()
	return pollLibraryAt(t, "api.json", pad)
}

// pollLibraryAt writes pollLibrary's cassettes into a library at base (a
// file or folder name) in a new temporary folder.
func pollLibraryAt(t *testing.T, base, pad string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), base)
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	add := func(p string, bodies ...string) {
		req := httptest.NewRequest("GET", "http://api.example.com"+p, nil)
		c := library.Cassette{Name: nameOf(req, nil)}
		for _, b := range bodies {
			c.Exchanges = append(c.Exchanges, library.Exchange{
				Request:  library.Request{Method: "GET", URL: "http://api.example.com" + p},
				Response: library.Response{StatusCode: 200, Body: []byte(b)},
			})
		}
		if err := lib.Put(c); err != nil {
			t.Fatal(err)
		}
	}
	add("/v1/job", "1"+pad, "2"+pad, "3"+pad)
	add("/v1/other", "x")
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestStrictLogsExchangesNeverReplayed: under Strict, a cassette whose
// requests were answered but not from all its recorded exchanges (a
// polled endpoint asked fewer times than when recorded) does not fail
// the test, as the contract of Strict is unused cassettes, but is logged
// with the exchanges never replayed; one asked as often as recorded, or
// more (the last answer repeating), is not; nor without Strict. Large
// cassettes, which the handler does not keep, are counted too.
func TestStrictLogsExchangesNeverReplayed(t *testing.T) {
	const job = "GET_api.example.com_80_v1_job"
	for _, tc := range []struct {
		name   string
		polls  int
		strict bool
		want   string // in the log; "" for no such line
	}{
		{"one of three", 1, true, job + ": exchanges 2-3 of 3 never replayed"},
		{"two of three", 2, true, job + ": exchange 3 of 3 never replayed"},
		{"three of three", 3, true, ""},
		{"five of three", 5, true, ""},
		{"one of three, not strict", 1, false, ""},
	} {
		for _, via := range []string{"New", "NewTransport", "NewTransport, large"} {
			t.Run(tc.name+"/"+via, func(t *testing.T) {
				t.Setenv(replayserver.EnvMode, "")
				pad := ""
				if strings.HasSuffix(via, "large") {
					pad = strings.Repeat("p", 200<<10) // past what the handler keeps
				}
				path := pollLibrary(t, pad)
				var opts []replayserver.Option
				if tc.strict {
					opts = append(opts, replayserver.Strict())
				}
				f := newFakeTB(t)
				var client *http.Client
				base := "http://api.example.com"
				f.do(func() {
					if via == "New" {
						srv := replayserver.New(f, path, append(opts, replayserver.Upstream(base))...)
						client, base = srv.Client(), srv.URL
					} else {
						client = &http.Client{Transport: replayserver.NewTransport(f, path, opts...)}
					}
				})
				get := func(p, want string) {
					t.Helper()
					resp, err := client.Get(base + p)
					if err != nil {
						t.Fatalf("GET %s: %v", p, err)
					}
					b, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if string(b) != want {
						t.Fatalf("GET %s = %q, want %q", p, b, want)
					}
				}
				for i := range tc.polls {
					get("/v1/job", string(rune('1'+min(i, 2)))+pad)
				}
				get("/v1/other", "x")
				f.finish()
				if e := f.errors(); e != "" {
					t.Errorf("the test failed; want it to pass:\n%s", e)
				}
				logged := f.logged()
				const intro = "answered requests but not from all their recorded exchanges"
				if tc.want == "" {
					if strings.Contains(logged, intro) {
						t.Errorf("logged exchanges never replayed; want none:\n%s", logged)
					}
					return
				}
				if !strings.Contains(logged, intro) || !strings.Contains(logged, "\t"+tc.want) {
					t.Errorf("the log does not hold %q:\n%s", tc.want, logged)
				}
				if strings.Contains(logged, "GET_api.example.com_80_v1_other:") {
					t.Errorf("the log names the cassette of one exchange, replayed:\n%s", logged)
				}
			})
		}
	}
}

// A table whose subtests share one strict server and poll one cassette
// of three exchanges, once and twice: run by
// TestStrictIsSilentOnExchangesOfSubtestsLeftOutByTheRun.
func TestStrictPollTableChild(t *testing.T) {
	path := os.Getenv("CASSETTE_STRICT_POLL_CHILD")
	if path == "" {
		t.Skip("run by TestStrictIsSilentOnExchangesOfSubtestsLeftOutByTheRun")
	}
	srv := replayserver.New(t, path, replayserver.Strict(), replayserver.Upstream("http://api.example.com"))
	for _, tc := range []struct {
		name  string
		polls int
	}{{"once", 1}, {"twice", 2}} {
		t.Run(tc.name, func(t *testing.T) {
			for range tc.polls {
				resp, err := srv.Client().Get(srv.URL + "/v1/job")
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
			}
			resp, err := srv.Client().Get(srv.URL + "/v1/other")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		})
	}
}

// go test -run TestAPI/once runs that subtest alone: the exchanges the
// others would have replayed are not stale, and the log does not call
// them never replayed (it told to delete them, which broke the whole
// table's next run). The whole table, asking fewer times than recorded,
// is still logged.
func TestStrictIsSilentOnExchangesOfSubtestsLeftOutByTheRun(t *testing.T) {
	path := pollLibrary(t, "")
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(os.Args[0], append([]string{"-test.v"}, args...)...)
		cmd.Env = append(os.Environ(), "CASSETTE_STRICT_POLL_CHILD="+path, "CASSETTE_MODE=")
		out, _ := cmd.CombinedOutput()
		return string(out)
	}
	const intro = "answered requests but not from all their recorded exchanges"
	out := run("-test.run=^TestStrictPollTableChild$/^once$")
	if !strings.Contains(out, "--- PASS: TestStrictPollTableChild/once ") {
		t.Fatalf("the subtest did not pass:\n%s", out)
	}
	if strings.Contains(out, intro) {
		t.Errorf("a run leaving a subtest out logged exchanges never replayed:\n%s", out)
	}
	// The whole table polls three times: every exchange replayed.
	if out := run("-test.run=^TestStrictPollTableChild$"); strings.Contains(out, intro) || !strings.Contains(out, "--- PASS: TestStrictPollTableChild ") {
		t.Errorf("the whole table, replaying every exchange, logged some never replayed, or failed:\n%s", out)
	}
	// -skip leaving the second subtest out: silent too.
	if out := run("-test.run=^TestStrictPollTableChild$", "-test.skip=TestStrictPollTableChild/twice"); strings.Contains(out, intro) {
		t.Errorf("a run skipping a subtest logged exchanges never replayed:\n%s", out)
	}
}

// ReportUnreplayed names, for a directory library, the file of each
// cassette used but not to its last exchange (as ReportUnused does, so
// that one finds it), for a file library its name; in a recording mode,
// which adds exchanges as it goes, it writes nothing. Strict's log uses
// the same lines.
func TestReportUnreplayedNamesFiles(t *testing.T) {
	const job = "GET_api.example.com_80_v1_job"
	for _, tc := range []struct {
		base, mode, want string
	}{
		{"api", "replay", job + ".json: exchanges 2-3 of 3 never replayed\n"},
		{"api.yaml", "replay", job + ": exchanges 2-3 of 3 never replayed\n"},
		{"api", "record", ""},
	} {
		t.Run(tc.base+"/"+tc.mode, func(t *testing.T) {
			t.Setenv(replayserver.EnvMode, "")
			path := pollLibraryAt(t, tc.base, "")
			h, err := replayserver.NewHandler(path, replayserver.WithMode(replayserver.Mode(tc.mode)), replayserver.Upstream("http://127.0.0.1:1"))
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range []string{"/v1/job", "/v1/other"} {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, httptest.NewRequest("GET", "http://api.example.com"+p, nil))
				if w.Code != 200 {
					t.Fatalf("GET %s = %d, want 200:\n%s", p, w.Code, w.Body)
				}
			}
			var b strings.Builder
			if err := h.ReportUnreplayed(&b); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Errorf("ReportUnreplayed wrote %q, want %q", b.String(), tc.want)
			}
			if err := h.Close(); err != nil {
				t.Fatal(err)
			}
		})
	}
	// Through New and Strict, the log names the file.
	t.Setenv(replayserver.EnvMode, "")
	path := pollLibraryAt(t, "api", "")
	f := newFakeTB(t)
	var srv *replayserver.Server
	f.do(func() {
		srv = replayserver.New(f, path, replayserver.Strict(), replayserver.Upstream("http://api.example.com"))
	})
	for _, p := range []string{"/v1/job", "/v1/job", "/v1/other"} {
		resp, err := srv.Client().Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	var b strings.Builder
	srv.ReportUnreplayed(&b)
	f.finish()
	const want = job + ".json: exchange 3 of 3 never replayed"
	if b.String() != want+"\n" || !strings.Contains(f.logged(), "\t"+want) {
		t.Errorf("Server.ReportUnreplayed wrote %q, and Strict logged:\n%s\nwant %q in both", b.String(), f.logged(), want)
	}
}
