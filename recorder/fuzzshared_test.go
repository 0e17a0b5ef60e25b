package recorder_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

// FuzzRecordedByItsInputs uses a recording proxy and a recording
// transport made with f before f.Fuzz inside the fuzz function, where
// testing panics on any call to f (the recorder logs each exchange):
// neither may crash the test binary, and each client gets what the
// upstream sent. It records to f.TempDir(), or, run by
// TestARecorderMadeWithFuzzFIsSharedByItsInputs, to the folder that test
// names in CASSETTE_FUZZ_RECORDED_CHILD and then reads.
func FuzzRecordedByItsInputs(f *testing.F) {
	dir := os.Getenv("CASSETTE_FUZZ_RECORDED_CHILD")
	if dir == "" {
		dir = f.TempDir()
	}
	var (
		mu   sync.Mutex // guards last
		last string     // the body the upstream sent last
	)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		last = "answer to " + r.URL.EscapedPath()
		io.WriteString(w, last)
	}))
	f.Cleanup(up.Close)
	rec := recorder.New(f, up.URL, filepath.Join(dir, "proxy"))
	c := &http.Client{Transport: recorder.NewTransport(f, filepath.Join(dir, "transport"))}
	f.Add("a")
	f.Add("b")
	f.Fuzz(func(t *testing.T, p string) {
		for _, u := range []string{rec.URL + "/" + url.PathEscape(p), up.URL + "/" + url.PathEscape(p)} {
			cl := http.DefaultClient
			if strings.HasPrefix(u, up.URL) {
				cl = c
			}
			resp, err := cl.Get(u)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatalf("GET %s: reading the body: %v", u, err)
			}
			mu.Lock()
			sent := last
			mu.Unlock()
			if resp.StatusCode != http.StatusOK || string(body) != sent {
				t.Fatalf("GET %s: %d %q; want 200 and what the upstream sent, %q", u, resp.StatusCode, body, sent)
			}
		}
	})
}

// Recording from inside a fuzz function, through a recorder made with its
// *testing.F, neither crashes the test binary (the recorder logs each
// exchange) nor loses an exchange.
func TestARecorderMadeWithFuzzFIsSharedByItsInputs(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^FuzzRecordedByItsInputs$", "-test.v")
	cmd.Env = append(os.Environ(), "CASSETTE_FUZZ_RECORDED_CHILD="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil || strings.Contains(string(out), "panic:") {
		t.Fatalf("the fuzz target failed (%v):\n%s", err, out)
	}
	for _, name := range []string{"proxy", "transport"} {
		lib, err := library.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if names, err := lib.Names(); err != nil || len(names) != 2 {
			t.Errorf("%s: the library holds %v (%v), want the 2 exchanges recorded", name, names, err)
		}
	}
}
