package replayserver_test

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// A table of subtests sharing one strict server, and subtests each
// with its own: run by TestStrictWithSubtestsLeftOutByTheRun.
func TestStrictTableChild(t *testing.T) {
	path := os.Getenv("CASSETTE_STRICT_TABLE_CHILD")
	if path == "" {
		t.Skip("run by TestStrictWithSubtestsLeftOutByTheRun")
	}
	t.Run("shared", func(t *testing.T) {
		srv := replayserver.New(t, path, replayserver.Strict())
		for _, p := range []string{"a", "b"} {
			t.Run(p, func(t *testing.T) {
				resp, err := srv.Client().Get("http://api.example.com/" + p)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
			})
		}
	})
	t.Run("own", func(t *testing.T) {
		for _, p := range []string{"a", "b"} {
			t.Run(p, func(t *testing.T) {
				srv := replayserver.New(t, path, replayserver.Strict())
				resp, err := srv.Client().Get("http://api.example.com/" + p)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
			})
		}
	})
}

// go test -run TestAPI/create, to work on one case of a table, runs that
// subtest alone: the cassettes of the others are not stale, and strict
// mode does not fail the test that made the server for them (it told to
// delete them). A server made in the subtest run is as strict as ever.
func TestStrictWithSubtestsLeftOutByTheRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "api")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"a", "b"} {
		req, _ := http.NewRequest("GET", "http://api.example.com/"+p, nil)
		if err := lib.Append(nameOf(req, nil), library.Exchange{
			Request:  library.Request{Method: "GET", URL: req.URL.String()},
			Response: library.Response{StatusCode: 200, Body: []byte(p)},
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(os.Args[0], append([]string{"-test.v"}, args...)...)
		cmd.Env = append(os.Environ(), "CASSETTE_STRICT_TABLE_CHILD="+path, "CASSETTE_MODE=")
		out, _ := cmd.CombinedOutput()
		return string(out)
	}
	// The whole table: every cassette is used by the shared server; each
	// subtest's own server leaves the other's unused.
	out := run("-test.run=^TestStrictTableChild$")
	for _, want := range []string{"--- PASS: TestStrictTableChild/shared ", "--- FAIL: TestStrictTableChild/own/a ", "--- FAIL: TestStrictTableChild/own/b "} {
		if !strings.Contains(out, want) {
			t.Errorf("the whole table: the output lacks %q:\n%s", want, out)
		}
	}
	// One case of the table.
	for _, args := range [][]string{
		{"-test.run=^TestStrictTableChild$/^shared$/^a$"},
		{"-test.run=^TestStrictTableChild$/^shared$", "-test.skip=^TestStrictTableChild$/^shared$/^b$"},
	} {
		out := run(args...)
		for _, want := range []string{
			"--- PASS: TestStrictTableChild/shared ",
			"this run may have left subtests of TestStrictTableChild/shared out",
			"GET_api.example.com_80_b.json",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("%q: the output lacks %q:\n%s", args, want, out)
			}
		}
	}
	out = run("-test.run=^TestStrictTableChild$/^own$/^a$")
	if !strings.Contains(out, "--- FAIL: TestStrictTableChild/own/a ") || !strings.Contains(out, "strict mode: 1 cassette(s)") {
		t.Errorf("a server made in the subtest run is strict no more:\n%s", out)
	}
}
