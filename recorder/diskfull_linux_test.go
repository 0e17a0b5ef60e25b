package recorder_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/internal/fsizelimit"
	"github.com/cassette-go/cassette/recorder"
)

// TestALargeBodyThatCannotBeSavedLeavesNoBodyFile: when the recording
// ends and the cassette of a large body still cannot be saved (a full
// disk; here a file size limit that the body file stays within and the
// cassette, holding a large request body, does not), the test fails and
// the body file written as the body arrived is removed: before, it was
// left in the body folder, named by no cassette. A directory library's
// folder that the body file made goes too.
func TestALargeBodyThatCannotBeSavedLeavesNoBodyFile(t *testing.T) {
	if !fsizelimit.InOwnProcess(t) { // the limit is the process's
		return
	}
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.Copy(w, io.LimitReader(pattern{}, recorder.SpillSize+1000))
	}))
	defer api.Close()
	request := strings.Repeat("x", recorder.SpillSize+(2<<20))
	for _, kind := range libraryKinds {
		for _, transport := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/transport=%v", kind.name, transport), func(t *testing.T) {
				path := filepath.Join(t.TempDir(), kind.file)
				bodies := path + ".bodies"
				if kind.file == "cassettes" {
					bodies = filepath.Join(path, "bodies")
				}
				ft := &fakeTB{TB: t}
				client, base := http.DefaultClient, api.URL
				if transport {
					client = &http.Client{Transport: recorder.NewTransport(ft, path)}
				} else {
					base = recorder.New(ft, api.URL, path).URL
				}
				lift := fsizelimit.Limit(t, recorder.SpillSize+(1<<20))
				resp, err := client.Post(base+"/big", "text/plain", strings.NewReader(request))
				var n int64
				if err == nil {
					n, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				ft.end()
				lift()
				if err != nil || n != recorder.SpillSize+1000 {
					t.Errorf("POST /big: read %d bytes, %v; want the whole body", n, err)
				}
				if !ft.Failed() {
					t.Errorf("a recording whose cassette could not be saved passed")
				}
				if kind.file == "cassettes" {
					// An empty library folder would pass for a library
					// recorded: replayed, not recorded, in once mode.
					if _, err := os.Lstat(path); err == nil {
						t.Errorf("after a first recording that could not save its cassette, %s is left, holding %q", path, listFiles(t, path))
					}
				}
				ents, err := os.ReadDir(bodies)
				if err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
				for _, e := range ents {
					t.Errorf("after a recording that could not save its cassette, %s holds %s", bodies, e.Name())
				}
			})
		}
	}
}

// listFiles returns the names of the files under dir, relative to it.
func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && p != dir {
			rel, _ := filepath.Rel(dir, p)
			names = append(names, rel)
		}
		return nil
	})
	return names
}
