package recorder_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/recorder"
)

// bodyFolderFiles lists the files in the body folder of the directory
// library at path: committed body files and temporary ones.
func bodyFolderFiles(t *testing.T, path string) (done, temp []os.FileInfo) {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(path, "bodies"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, de := range ents {
		fi, err := de.Info()
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(de.Name(), ".") {
			temp = append(temp, fi)
		} else {
			done = append(done, fi)
		}
	}
	return done, temp
}

// TestLargeBodiesStreamToABodyFile: a body larger than SpillSize is
// written to disk while it arrives, not gathered in memory, and stored as
// a body file.
func TestLargeBodiesStreamToABodyFile(t *testing.T) {
	half := int64(2 * recorder.SpillSize)
	for _, rc := range recordings {
		for _, chunked := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/chunked=%v", rc.name, chunked), func(t *testing.T) {
				release := make(chan struct{})
				api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if !chunked {
						w.Header().Set("Content-Length", fmt.Sprint(2*half))
					}
					io.Copy(w, io.LimitReader(pattern{}, half))
					http.NewResponseController(w).Flush()
					<-release // the second half once the test looked at the disk
					io.Copy(w, io.LimitReader(pattern{}, half))
				}))
				defer api.Close()
				defer close(release)
				path := t.TempDir()
				var recorded names
				client, base, wait := rc.start(t, api.URL, path, recorded.add)
				resp, err := client.Get(base + "/download")
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				first := make([]byte, half)
				if _, err := io.ReadFull(resp.Body, first); err != nil {
					t.Fatalf("reading the first half: %v", err)
				}
				// The client has the first half: it is on disk already, in
				// a temporary file of the body folder.
				_, temp := bodyFolderFiles(t, path)
				if len(temp) != 1 || temp[0].Size() < half-recorder.SpillSize {
					t.Errorf("after the first half, the body folder holds temporary files %v, want one of at least %d bytes", temp, half-recorder.SpillSize)
				}
				release <- struct{}{}
				rest, err := io.ReadAll(resp.Body)
				if err != nil || int64(len(rest)) != half {
					t.Fatalf("reading the second half: %d bytes, %v", len(rest), err)
				}
				resp.Body.Close()
				wait()

				_, ex := onlyExchange(t, path)
				if ex.Response.BodyFile == "" || ex.Response.Body != nil {
					t.Fatalf("stored BodyFile %q and %d bytes of Body, want a body file only", ex.Response.BodyFile, len(ex.Response.Body))
				}
				stored, err := ex.Response.ReadBody()
				if err != nil || !bytes.Equal(stored, patternBody(2*half)) {
					t.Errorf("body file holds %d bytes, %v; want the %d bytes sent", len(stored), err, 2*half)
				}
				if done, temp := bodyFolderFiles(t, path); len(done) != 1 || len(temp) != 0 {
					t.Errorf("body folder holds %d body files and %d temporary files, want 1 and 0", len(done), len(temp))
				}
			})
		}
	}
}

// TestLargeBodyNotStoredLeavesNoFile: a body given up after it reached
// the disk (over the size limit, or broken off) leaves nothing behind.
func TestLargeBodyNotStoredLeavesNoFile(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(w, io.LimitReader(pattern{}, 3*recorder.SpillSize))
		if r.URL.Path == "/broken" {
			http.NewResponseController(w).Flush()
			panic(http.ErrAbortHandler) // the connection is cut mid-body
		}
	}))
	defer api.Close()
	for _, rc := range recordings {
		for _, url := range []string{"/over-limit", "/broken"} {
			t.Run(rc.name+url, func(t *testing.T) {
				path := t.TempDir()
				var recorded names
				var reported, broken errs
				t.Cleanup(func() { // told when the recording ends: for the transport, at the end of the test
					if b := broken.list(); (url == "/broken") != (len(b) == 1) || len(b) > 1 {
						t.Errorf("GET %s: OnBrokenBody got %q", url, b)
					}
				})
				client, base, wait := rc.start(t, api.URL, path, recorded.add,
					recorder.MaxBodySize(2*recorder.SpillSize), recorder.OnError(reported.add), recorder.OnBrokenBody(broken.addNamed))
				resp, err := client.Get(base + url)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				wait()
				if len(recorded.list()) != 0 {
					t.Errorf("OnRecord got %q, want nothing stored", recorded.list())
				}
				if done, temp := bodyFolderFiles(t, path); len(done)+len(temp) != 0 {
					t.Errorf("body folder holds %d body files and %d temporary files, want none", len(done), len(temp))
				}
			})
		}
	}
}
