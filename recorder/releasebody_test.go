package recorder_test

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

// largeBody is a response body past SpillSize, the same on every request,
// so that two recordings of it share one body file.
var largeBody = bytes.Repeat([]byte("0123456789abcdef"), (recorder.SpillSize+1<<20)/16)

// largeUpstream answers every request with largeBody.
func largeUpstream(t *testing.T) *httptest.Server {
	t.Helper()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(largeBody)
	}))
	t.Cleanup(api.Close)
	return api
}

// getAll sends GET url with client and reads the whole body, which must
// be largeBody.
func getAll(t *testing.T, client *http.Client, url string) {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Errorf("GET %s: %v", url, err)
		return
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || !bytes.Equal(body, largeBody) {
		t.Errorf("GET %s: read %d bytes, %v; want the %d bytes sent", url, len(body), err, len(largeBody))
	}
}

// TestRefusedLargeBodyLeavesNoBodyFile: a large body written to a body
// file while it arrived goes with its exchange when that is not stored
// (a hook refused it, or the library did), so that a body a hook keeps
// out of the library, such as one holding a secret, is not left on disk
// to be committed; and so does the file of a body a hook put elsewhere.
func TestRefusedLargeBodyLeavesNoBodyFile(t *testing.T) {
	api := largeUpstream(t)
	for _, tc := range []struct {
		name   string
		hook   func(*library.Exchange) error
		stored bool // the exchange is stored, without its body file
	}{
		{"hook error", func(*library.Exchange) error { return errors.New("holds a secret") }, false},
		{"hook panic", func(*library.Exchange) error { panic("holds a secret") }, false},
		{"library refuses", func(ex *library.Exchange) error {
			ex.Response.StatusCode = 1000 // Append refuses it
			return nil
		}, false},
		{"hook puts the body inline", func(ex *library.Exchange) error {
			ex.Response.BodyFile, ex.Response.Body = "", []byte("REDACTED")
			return nil
		}, true},
	} {
		for _, rc := range recordings {
			t.Run(tc.name+"/"+rc.name, func(t *testing.T) {
				path := t.TempDir()
				var recorded names
				var reported errs
				client, base, wait := rc.start(t, api.URL, path, recorded.add,
					recorder.OnError(reported.add), recorder.BeforeSave(tc.hook))
				getAll(t, client, base+"/big")
				wait()
				if got := len(recorded.list()); got != map[bool]int{false: 0, true: 1}[tc.stored] {
					t.Errorf("OnRecord got %q, want stored: %v", recorded.list(), tc.stored)
				}
				if got := reported.list(); tc.stored != (len(got) == 0) {
					t.Errorf("OnError got %q, want an error: %v", got, !tc.stored)
				}
				if done, temp := bodyFolderFiles(t, path); len(done)+len(temp) != 0 {
					t.Errorf("body folder holds %d body files and %d temporary files, want none", len(done), len(temp))
				}
			})
		}
	}
}

// TestConcurrentLargeBodiesOneRefused: two identical large answers
// recorded at once share one body file; the one a hook refuses leaves it
// to the one stored, which replays.
func TestConcurrentLargeBodiesOneRefused(t *testing.T) {
	api := largeUpstream(t)
	for _, rc := range recordings {
		t.Run(rc.name, func(t *testing.T) {
			path := t.TempDir()
			// Both bodies are committed before either hook goes on; the
			// kept one is appended once the refused one is reported.
			var keptIn, refusedIn, refusedReported sync.WaitGroup
			keptIn.Add(1)
			refusedIn.Add(1)
			refusedReported.Add(1)
			hook := func(ex *library.Exchange) error {
				if strings.HasSuffix(ex.Request.URL, "/refused") {
					refusedIn.Done()
					keptIn.Wait()
					return errors.New("holds a secret")
				}
				keptIn.Done()
				refusedIn.Wait()
				refusedReported.Wait()
				return nil
			}
			var recorded names
			var reported errs
			var once sync.Once
			client, base, wait := rc.start(t, api.URL, path, recorded.add, recorder.BeforeSave(hook),
				recorder.OnError(func(err error) {
					reported.add(err)
					once.Do(refusedReported.Done)
				}))
			var wg sync.WaitGroup
			for _, p := range []string{"/kept", "/refused"} {
				wg.Go(func() { getAll(t, client, base+p) })
			}
			wg.Wait()
			wait()
			if got := recorded.list(); len(got) != 1 {
				t.Errorf("OnRecord got %q, want the one of /kept", got)
			}
			if got := reported.list(); len(got) != 1 || !strings.Contains(got[0], "holds a secret") {
				t.Errorf("OnError got %q, want the hook's error for /refused", got)
			}
			if done, temp := bodyFolderFiles(t, path); len(done) != 1 || len(temp) != 0 {
				t.Fatalf("body folder holds %d body files and %d temporary files, want one body file", len(done), len(temp))
			}
			if _, body := replay(t, path, api.URL+"/kept"); body != string(largeBody) {
				t.Errorf("replayed %d bytes, want the %d recorded", len(body), len(largeBody))
			}
		})
	}
}

// TestRefusedLargeBodyKeepsASavedBodyFile: a body file that a saved
// cassette refers to is never removed by a refused exchange of the same
// content, in a later recording or in the same one.
func TestRefusedLargeBodyKeepsASavedBodyFile(t *testing.T) {
	api := largeUpstream(t)
	refuse := recorder.BeforeSave(func(ex *library.Exchange) error {
		if strings.HasSuffix(ex.Request.URL, "/refused") {
			return errors.New("holds a secret")
		}
		return nil
	})
	for _, rc := range recordings {
		for _, later := range []bool{true, false} {
			name := rc.name + "/same recording"
			if later {
				name = rc.name + "/later recording"
			}
			t.Run(name, func(t *testing.T) {
				path := t.TempDir()
				var recorded names
				var reported errs
				client, base, wait := rc.start(t, api.URL, path, recorded.add, refuse, recorder.OnError(reported.add))
				getAll(t, client, base+"/kept")
				if later {
					wait()
					client, base, wait = rc.start(t, api.URL, path, recorded.add, refuse, recorder.OnError(reported.add))
				}
				getAll(t, client, base+"/refused")
				wait()
				if got := reported.list(); len(got) != 1 {
					t.Errorf("OnError got %q, want the hook's error for /refused", got)
				}
				if done, _ := bodyFolderFiles(t, path); len(done) != 1 {
					t.Fatalf("body folder holds %d body files, want the one of /kept", len(done))
				}
				if _, body := replay(t, path, api.URL+"/kept"); body != string(largeBody) {
					t.Errorf("replayed %d bytes, want the %d recorded", len(body), len(largeBody))
				}
			})
		}
	}
}

// TestRefusedOnlyLargeBodyLeavesNoLibraryFolder: a hook that refuses the
// only exchange of a new directory library, one whose large body went to
// a body file, leaves no library folder behind, as a first recording that
// could store nothing does (see library.Library.Discard): the folder its
// body file made, left empty, passed for a library recorded, which the
// next run in once mode replays (missing every request) instead of
// recording.
func TestRefusedOnlyLargeBodyLeavesNoLibraryFolder(t *testing.T) {
	api := largeUpstream(t)
	refuse := recorder.BeforeSave(func(*library.Exchange) error { return errors.New("holds a secret") })
	for _, rc := range recordings {
		t.Run(rc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "testdata", "api")
			var recorded names
			var reported errs
			client, base, wait := rc.start(t, api.URL, path, recorded.add, recorder.OnError(reported.add), refuse)
			getAll(t, client, base+"/big")
			wait()
			if got := recorded.list(); len(got) != 0 {
				t.Errorf("OnRecord got %q, want none: the hook refused the exchange", got)
			}
			if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
				ents, _ := os.ReadDir(path)
				t.Errorf("after the recording, %s is there (%v), holding %d entries; want no folder", path, err, len(ents))
			}
		})
	}
}
