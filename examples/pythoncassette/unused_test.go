package pythoncassette_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/replayserver"
)

// Reporting which cassettes are not used, as the Python library's
// documentation does it: a Player on a directory library (here
// replayserver.New; hits are always counted, with no log_cassette_used to
// set) plays one request, and report_unused_cassettes (ReportUnused)
// writes, after the play, the file of each cassette it did not use,
// sorted, relative to the library's folder. The session-wide report that
// a pytest fixture wrote at the end of the run is ReportUnusedIn (from
// TestMain: see its example); then, from the folder of the fixtures,
// `xargs rm < ../../../.unused_cassette.log` prunes them.
//
// The names differ from the Python library's
// (httplib_GET_httpbin.org_80__unused.json): no httplib_ prefix, one _
// before the path; and each line ends with a newline, the last one too.
func TestReportUnused(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Chdir(t.TempDir())
	fixtures := filepath.Join("tests", "data", "requests")
	addResponses(t, fixtures+"/", "http://httpbin.org/get", "http://httpbin.org/unused", "http://httpbin.org/unused2")

	// with player.play(): urllib2.urlopen('http://httpbin.org/get')
	srv := replayserver.New(t, fixtures+"/")
	resp, err := srv.Client().Get("http://httpbin.org/get")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	srv.Close()

	var content bytes.Buffer
	if err := srv.ReportUnused(&content); err != nil { // player.report_unused_cassettes(content)
		t.Fatal(err)
	}
	want := "GET_httpbin.org_80_unused.json\nGET_httpbin.org_80_unused2.json\n"
	if content.String() != want {
		t.Errorf("ReportUnused wrote %q; want %q", content.String(), want)
	}

	// The session's report: every server of the test binary on the library
	// counts, whatever path it was given.
	f, err := os.Create(".unused_cassette.log")
	if err != nil {
		t.Fatal(err)
	}
	err = replayserver.ReportUnusedIn(fixtures, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(".unused_cassette.log"); string(b) != want {
		t.Errorf("ReportUnusedIn wrote %q; want %q", b, want)
	}

	// cd tests/data/requests && xargs rm < ../../../.unused_cassette.log
	log := filepath.Join("..", "..", "..", ".unused_cassette.log")
	if _, err := exec.LookPath("xargs"); err == nil && runtime.GOOS != "windows" {
		cmd := exec.Command("sh", "-c", "xargs rm < "+log)
		cmd.Dir = fixtures
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("xargs rm < %s: %v\n%s", log, err, out)
		}
	} else {
		b, err := os.ReadFile(filepath.Join(fixtures, log))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range strings.Fields(string(b)) { // what xargs rm does
			if err := os.Remove(filepath.Join(fixtures, name)); err != nil {
				t.Fatal(err)
			}
		}
	}
	entries, err := os.ReadDir(fixtures)
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if !slices.Equal(left, []string{"GET_httpbin.org_80_get.json"}) {
		t.Errorf("after pruning, %s holds %q; want only the cassette used", fixtures, left)
	}
	srv = replayserver.New(t, fixtures, replayserver.Strict()) // what is left replays, and is all used
	resp, err = srv.Client().Get("http://httpbin.org/get")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("after pruning, GET http://httpbin.org/get = %d; want 200", resp.StatusCode)
	}
}

// addResponses stores a cassette with a 200 answer for each GET of urls in
// the library at path, as the Python library's add_response and
// write_to_file: library.Open, Append under the name naming.Name gives the
// request, Save.
func addResponses(t *testing.T, path string, urls ...string) {
	t.Helper()
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range urls {
		req := httptest.NewRequest("GET", u, nil)
		ex := library.Exchange{
			Request:  library.Request{Method: "GET", URL: u},
			Response: library.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte("answer for " + u)},
		}
		if err := lib.Append(naming.Name(req, nil, naming.Default()), ex); err != nil {
			t.Fatal(err)
		}
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
}
