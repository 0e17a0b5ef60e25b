package replayserver_test

import (
	"bytes"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cassette-go/cassette/replayserver"
)

func TestReportUnusedInCollectsAcrossTests(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	dir := filepath.Join(t.TempDir(), "api")
	writeLibrary(t, dir, "api.example.com", "/a", "/b", "/c", "/d")

	// Two tests share the library, each using one cassette; strict mode
	// would fail each of them, the package-wide report does not.
	for _, p := range []string{"/a", "/b"} {
		t.Run("uses "+p, func(t *testing.T) {
			srv := replayserver.New(t, dir)
			resp, err := http.Get(srv.URL + p)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		})
	}
	unused, err := replayserver.UnusedIn(dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"GET_api.example.com_80_c", "GET_api.example.com_80_d"}, unused); diff != "" {
		t.Errorf("UnusedIn after both tests (-want +got):\n%s", diff)
	}
	var report bytes.Buffer
	if err := replayserver.ReportUnusedIn(dir, &report); err != nil {
		t.Fatal(err)
	}
	// The report drives a prune that leaves exactly the used cassettes.
	for _, f := range strings.Fields(report.String()) {
		if err := os.Remove(filepath.Join(dir, f)); err != nil {
			t.Fatalf("rm %s: %v", f, err)
		}
	}
	entries, _ := os.ReadDir(dir)
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if diff := cmp.Diff([]string{"GET_api.example.com_80_a.json", "GET_api.example.com_80_b.json"}, left); diff != "" {
		t.Errorf("files left after pruning with the package-wide report (-want +got):\n%s", diff)
	}
}

func TestMissReportNamesTheTest(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/a")
	ft := newFakeTB(t)
	ft.do(func() {
		srv := replayserver.New(ft, path)
		resp, err := http.Get(srv.URL + "/zzz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	})
	ft.finish()
	if got := ft.errors(); !strings.Contains(got, "test:    "+t.Name()) {
		t.Errorf("miss failure does not name the test %s:\n%s", t.Name(), got)
	}
}

// A cassette a server recorded in this process counts as used by the
// package-wide report: a request of the run needed it.
func TestReportUnusedInCountsWhatWasRecordedAsUsed(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "live") }))
	defer api.Close()
	dir := filepath.Join(t.TempDir(), "api")
	writeLibrary(t, dir, "api.example.com", "/old")
	t.Run("records", func(t *testing.T) {
		srv := replayserver.New(t, dir, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(api.URL))
		resp, err := http.Get(srv.URL + "/new")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	})
	unused, err := replayserver.UnusedIn(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(unused) != 1 || !strings.HasSuffix(unused[0], "_old") {
		t.Errorf("UnusedIn after recording /new = %q; want only the old cassette", unused)
	}
}

// A library counts as one whatever its path is spelt: relative, with "./"
// or "..", absolute, through a symbolic link, or relative to a working
// folder the test left before closing its server. Each spelling had its
// own count, and the package-wide report listed as unused the cassettes
// the tests used under another spelling (a relative path closed after a
// change of folder counted for the library it then named, not its own).
func TestUnusedInCountsALibraryWhateverItsPathsSpelling(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	root := t.TempDir()
	t.Chdir(root)
	writeLibrary(t, filepath.Join(root, "testdata", "api"), "api.example.com", "/a", "/b", "/c", "/d", "/e", "/f", "/g")
	spellings := map[string]string{
		"/a": "testdata/api",
		"/b": "./testdata/api",
		"/c": filepath.Join(root, "testdata", "api"),
		"/d": "testdata/../testdata/api",
	}
	if err := os.Symlink(filepath.Join(root, "testdata", "api"), filepath.Join(root, "link")); err == nil {
		spellings["/e"] = "link"
	} else {
		t.Logf("no symbolic link (%v): its spelling is not tried", err)
	}
	for p, path := range spellings {
		t.Run("uses "+p+" through "+path, func(t *testing.T) {
			srv := replayserver.New(t, path)
			resp, err := http.Get(srv.URL + p)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		})
	}
	t.Run("uses /f and leaves the folder", func(t *testing.T) {
		srv := replayserver.New(t, "testdata/api")
		resp, err := http.Get(srv.URL + "/f")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		os.Mkdir(filepath.Join(root, "elsewhere"), 0o755)
		t.Chdir(filepath.Join(root, "elsewhere"))
		srv.Close()
	})
	want := []string{"GET_api.example.com_80_g"}
	if _, ok := spellings["/e"]; !ok {
		want = append([]string{"GET_api.example.com_80_e"}, want...)
	}
	for _, path := range append(slices.Sorted(maps.Values(spellings)), filepath.Join(root, "testdata", "api")+string(filepath.Separator)) {
		unused, err := replayserver.UnusedIn(path)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, unused); diff != "" {
			t.Errorf("UnusedIn(%q) (-want +got):\n%s", path, diff)
		}
	}
}
