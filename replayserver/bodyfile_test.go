package replayserver_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// bigBody is the body of /big/N: N bytes of a pattern that is not
// periodic in small sizes.
func bigBody(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/4096)
	}
	return b
}

// bigUpstream answers /big/N with bigBody(N), without a Content-Length
// when the query says chunked=1.
func bigUpstream(t *testing.T) *httptest.Server {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/big/"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		if r.URL.Query().Get("chunked") == "" {
			w.Header().Set("Content-Length", strconv.Itoa(n))
		}
		w.Write(bigBody(n))
	}))
	t.Cleanup(api.Close)
	return api
}

// TestLargeBodiesAreRecordedToAndReplayedFromBodyFiles: a response of
// several MiB recorded by the server goes to a body file, and is replayed
// from it byte-exact, by New and by NewTransport, in every kind of
// library.
func TestLargeBodiesAreRecordedToAndReplayedFromBodyFiles(t *testing.T) {
	const size = 9<<20 + 3 // over the recorder's 8 MiB: a body file
	api := bigUpstream(t)
	urls := []string{fmt.Sprintf("/big/%d", size), fmt.Sprintf("/big/%d?chunked=1", size)}
	for _, kind := range libraryKinds {
		t.Run(kind, func(t *testing.T) {
			t.Setenv("CASSETTE_MODE", "")
			path, opts := libPath(t, kind)
			ft := newFakeTB(t)
			ft.do(func() {
				srv := replayserver.New(ft, path, append(opts, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(api.URL))...)
				for _, u := range urls {
					getBig(t, srv.Client(), srv.URL+u, size)
				}
			})
			ft.finish()
			if ft.Failed() {
				t.Fatalf("recording failed: %s", ft.errors())
			}

			// The library holds references to body files, not the bodies.
			lib, err := library.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			names, _ := lib.Names()
			if len(names) != 2 {
				t.Fatalf("library holds %q, want 2 cassettes", names)
			}
			for _, name := range names {
				c, _, err := lib.Get(name)
				if err != nil {
					t.Fatal(err)
				}
				if r := c.Exchanges[0].Response; r.BodyFile == "" || len(r.Body) != 0 {
					t.Errorf("cassette %s: BodyFile %q, %d bytes of Body; want a body file", name, r.BodyFile, len(r.Body))
				}
			}
			if info, err := os.Stat(path); err == nil && !info.IsDir() && info.Size() > 64<<10 {
				t.Errorf("library file %s is %d bytes: the bodies went into it", path, info.Size())
			}

			srv := replayserver.New(t, path, append(opts, replayserver.Strict())...)
			for _, u := range urls {
				getBig(t, srv.Client(), srv.URL+u, size)
			}
			client := &http.Client{Transport: replayserver.NewTransport(t, path, opts...)}
			for _, u := range urls {
				getBig(t, client, api.URL+u, size)
			}
		})
	}
}

// getBig gets url and checks that the answer is bigBody(size) with a
// Content-Length.
func getBig(t *testing.T, c *http.Client, url string, size int) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	h := sha256.New()
	n, err := io.Copy(h, resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d, %d bytes, %v", url, resp.StatusCode, n, err)
	}
	if want := sha256.Sum256(bigBody(size)); n != int64(size) || !bytes.Equal(h.Sum(nil), want[:]) {
		t.Errorf("GET %s: got %d bytes (sha256 %x), want the %d bytes recorded", url, n, h.Sum(nil)[:8], size)
	}
	if resp.ContentLength != int64(size) && !strings.Contains(url, "chunked") {
		t.Errorf("GET %s: Content-Length %d, want %d", url, resp.ContentLength, size)
	}
}

// TestMissingBodyFileFailsTheTest: a cassette whose body file is gone is
// a broken library: the test fails, naming the file.
func TestMissingBodyFileFailsTheTest(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "") // misses, as in replay mode, whatever mode the run sets
	dir := filepath.Join(t.TempDir(), "api")
	writeFileT(t, filepath.Join(dir, "GET_api.example.com_443_report.json"), `{"version": 1, "exchanges": [
  {"request": {"method": "GET", "url": "https://api.example.com/report"},
   "response": {"status": 200, "body_file": "bodies/gone.bin"}}]}`)
	for _, how := range []string{"server", "transport"} {
		t.Run(how, func(t *testing.T) {
			ft := newFakeTB(t)
			var status int
			var rtErr error
			var logs logBook
			logf := logs.option()
			ft.do(func() {
				if how == "server" {
					srv := replayserver.New(ft, dir, logf)
					resp, err := srv.Client().Get("https://api.example.com/report")
					if err != nil {
						t.Fatal(err)
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					status = resp.StatusCode
					return
				}
				c := &http.Client{Transport: replayserver.NewTransport(ft, dir)}
				_, rtErr = c.Get("https://api.example.com/report")
			})
			ft.finish()
			if how == "server" && status != http.StatusInternalServerError {
				t.Errorf("status %d, want 500", status)
			}
			if log := logs.String(); how == "server" && !strings.Contains(log, "/report -> 500") {
				t.Errorf("log %q; want the hit logged with the 500 it answered, not the recorded 200", log)
			}
			if how == "transport" && rtErr == nil {
				t.Error("RoundTrip: no error")
			}
			if errs := ft.errors(); !strings.Contains(errs, "gone.bin") || !strings.Contains(errs, "body file") {
				t.Errorf("test failures: %q; want one naming the missing body file", errs)
			}
		})
	}
}

func writeFileT(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRerecordMovesBodyFilesIntoTheLibrary: rerecording stages the
// exchanges elsewhere; their body files must come along into the library,
// and those of the replaced cassettes go.
func TestRerecordMovesBodyFilesIntoTheLibrary(t *testing.T) {
	const size = 9<<20 + 1
	api := bigUpstream(t)
	for _, kind := range libraryKinds {
		t.Run(kind, func(t *testing.T) {
			t.Setenv("CASSETTE_MODE", "")
			path, opts := libPath(t, kind)
			for _, u := range []string{fmt.Sprintf("/big/%d", size+1), fmt.Sprintf("/big/%d", size)} {
				ft := newFakeTB(t)
				ft.do(func() {
					srv := replayserver.New(ft, path, append(opts, replayserver.WithMode(replayserver.ModeRerecord), replayserver.Upstream(api.URL))...)
					getBig(t, srv.Client(), srv.URL+u, size+strings.Count(u, fmt.Sprint(size+1)))
				})
				ft.finish()
				if ft.Failed() {
					t.Fatalf("rerecording failed: %s", ft.errors())
				}
			}
			srv := replayserver.New(t, path, append(opts, replayserver.Strict())...)
			getBig(t, srv.Client(), srv.URL+fmt.Sprintf("/big/%d", size), size)

			// Only the body file of the cassette kept is left.
			bodies := filepath.Join(path, "bodies")
			if !strings.HasPrefix(kind, "libdir") {
				bodies = path + ".bodies"
			}
			ents, err := os.ReadDir(bodies)
			if err != nil || len(ents) != 1 {
				t.Errorf("body folder %s holds %d files (%v), want 1", bodies, len(ents), err)
			}
		})
	}
}
