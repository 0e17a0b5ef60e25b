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

	"github.com/cassette-go/cassette/recorder"
	"github.com/cassette-go/cassette/replayserver"
)

// A test that records, closes the server, and replays in the same test
// gets what it recorded: Close saves, as the end of the test does. The
// saves ran in the background, and a replay server made at once saw an
// empty library, missed, and said so (found by a probe). The same for
// recorder.New's Close.
func TestCloseSavesForAReplayInTheSameTest(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv("CI", "")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "live "+r.URL.Path)
	}))
	defer api.Close()
	get := func(t *testing.T, url string) string {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.Status + " " + string(b)
	}
	for name, record := range map[string]func(t *testing.T, path string) (base string, close func()){
		"replayserver.New": func(t *testing.T, path string) (string, func()) {
			srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(api.URL))
			return srv.URL, srv.Close
		},
		"recorder.New": func(t *testing.T, path string) (string, func()) {
			rec := recorder.New(t, api.URL, path)
			return rec.URL, rec.Close
		},
	} {
		t.Run(name, func(t *testing.T) {
			for _, lib := range []string{"api", "api.json"} {
				path := filepath.Join(t.TempDir(), lib)
				base, closeServer := record(t, path)
				for _, p := range []string{"/a", "/b", "/c"} {
					if got := get(t, base+p); got != "200 OK live "+p {
						t.Fatalf("recording GET %s = %q", p, got)
					}
				}
				closeServer()
				closeServer() // a second call does nothing

				if names := libraryNames(t, path); len(names) != 3 {
					t.Errorf("%s after Close holds %q; want the 3 cassettes recorded", lib, names)
				}
				srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeReplay), replayserver.Upstream(api.URL), replayserver.Strict())
				for _, p := range []string{"/a", "/b", "/c"} {
					if got := get(t, srv.URL+p); got != "200 OK live "+p {
						t.Errorf("%s: GET %s replayed = %q; want what was recorded", lib, p, got)
					}
				}
			}
		})
	}
}

// TestRerecordCloseChild is the test a scenario runs in, in a child process, so that
// t.Fatal, t.Skip and panics behave as in a real test.
func TestRerecordCloseChild(t *testing.T) {
	sc := os.Getenv("RERECORD_CLOSE_SCENARIO")
	if sc == "" {
		t.Skip("run by TestRerecordThatDidNotPassKeepsTheLibraryWithClose")
	}
	path, up := os.Getenv("RERECORD_CLOSE_PATH"), os.Getenv("RERECORD_CLOSE_UP")
	opts := []replayserver.Option{replayserver.WithMode(replayserver.ModeRerecord), replayserver.Upstream(up)}
	if strings.HasPrefix(sc, "strict-") {
		opts = append(opts, replayserver.Strict())
		sc = strings.TrimPrefix(sc, "strict-")
	}
	srv := replayserver.New(t, path, opts...)
	if sc == "cleanup-fails" {
		t.Cleanup(func() { t.Error("a later cleanup (goleak, a mock's expectations) fails the test") })
	}
	if sc != "close-then-errorf" {
		defer srv.Close()
	}
	if sc == "parallel-subtest" {
		t.Run("sub", func(t *testing.T) {
			t.Parallel()
			resp, err := http.Get(srv.URL + "/json")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		})
		return
	}
	resp, err := http.Get(srv.URL + "/json")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	switch sc {
	case "errorf":
		t.Errorf("the test fails")
	case "fatal":
		t.Fatal("the test stops")
	case "skip":
		t.Skip("no credentials")
	case "panic":
		panic("the test panics")
	case "close-then-errorf":
		srv.Close()
		t.Errorf("an assertion after Close fails")
	}
}

func runRerecordClose(t *testing.T, scenario string) (libNames []string, out string) {
	t.Helper()
	t.Setenv("CASSETTE_MODE", "")
	up := startUpstream(t)
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/gone")
	cmd := exec.Command(os.Args[0], "-test.run=^TestRerecordCloseChild$", "-test.v")
	cmd.Env = append(os.Environ(), "RERECORD_CLOSE_SCENARIO="+scenario, "RERECORD_CLOSE_PATH="+path, "RERECORD_CLOSE_UP="+up.URL, "TMPDIR="+t.TempDir())
	b, _ := cmd.CombinedOutput()
	return libraryNames(t, path), string(b)
}

// A rerecording test that did not pass keeps the old library (README),
// with the common `defer srv.Close()`, or an explicit Close, also when it
// fails after Close (a later cleanup, a parallel subtest): Close replaced
// the library at once (found by a reviewer).
func TestRerecordThatDidNotPassKeepsTheLibraryWithClose(t *testing.T) {
	for _, sc := range []string{"errorf", "fatal", "skip", "panic", "close-then-errorf", "cleanup-fails", "parallel-subtest"} {
		t.Run(sc, func(t *testing.T) {
			names, out := runRerecordClose(t, sc)
			if len(names) != 1 || !strings.HasSuffix(names[0], "_gone") {
				t.Errorf("the test did not pass, yet the library was replaced: it holds %q\nchild output:\n%s", names, out)
			}
		})
	}
}
