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
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

// FuzzRecordedByItsInputs is run by TestARecorderMadeWithFuzzFIsSharedByItsInputs
// (and skipped otherwise, also when CI fuzzes it): a recording proxy and a
// recording transport made with f before f.Fuzz, used inside the fuzz
// function, where testing panics on any call to f.
func FuzzRecordedByItsInputs(f *testing.F) {
	dir := os.Getenv("CASSETTE_FUZZ_RECORDED_CHILD")
	if dir == "" {
		f.Skip("run by TestARecorderMadeWithFuzzFIsSharedByItsInputs")
	}
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "answer to "+r.URL.Path)
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
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
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
