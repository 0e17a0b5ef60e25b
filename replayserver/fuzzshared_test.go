package replayserver_test

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// FuzzSharedByItsInputs is run by TestAServerMadeWithFuzzFIsSharedByItsInputs
// (and skipped otherwise, also when CI fuzzes it): a server and a
// transport made with f before f.Fuzz, as a test shares costly set-up
// between the inputs, used inside the fuzz function.
func FuzzSharedByItsInputs(f *testing.F) {
	path := os.Getenv("CASSETTE_FUZZ_SHARED_CHILD")
	if path == "" {
		f.Skip("run by TestAServerMadeWithFuzzFIsSharedByItsInputs")
	}
	srv := replayserver.New(f, path)
	c := &http.Client{Transport: replayserver.NewTransport(f, path)}
	f.Add("/a")
	f.Add("/missing")
	f.Fuzz(func(t *testing.T, p string) {
		for _, u := range []string{srv.URL + p, "http://api.example.com" + p} {
			cl := srv.Client()
			if !strings.HasPrefix(u, srv.URL) {
				cl = c
			}
			resp, err := cl.Get(u)
			if err != nil {
				t.Logf("GET %s: %v", u, err) // a miss through the transport
				continue
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			t.Logf("GET %s: %d", u, resp.StatusCode)
		}
	})
}

// A server or transport made with a *testing.F logs, and reports misses,
// from inside the fuzz function, where testing panics on any call to f:
// neither may crash the test binary. A miss fails the target when it ends.
func TestAServerMadeWithFuzzFIsSharedByItsInputs(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path := filepath.Join(t.TempDir(), "api")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", "http://api.example.com/a", nil)
	if err := lib.Append(nameOf(req, nil), library.Exchange{
		Request:  library.Request{Method: "GET", URL: req.URL.String()},
		Response: library.Response{StatusCode: 200, Body: []byte("a")},
	}); err != nil {
		t.Fatal(err)
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^FuzzSharedByItsInputs$", "-test.v")
	cmd.Env = append(os.Environ(), "CASSETTE_FUZZ_SHARED_CHILD="+path)
	out, _ := cmd.CombinedOutput()
	if strings.Contains(string(out), "panic:") {
		t.Fatalf("the test binary panicked:\n%s", out)
	}
	for _, want := range []string{
		"--- PASS: FuzzSharedByItsInputs/seed#0",
		"GET " + "http://api.example.com/a: 200",
		`/missing": cassette: no cassette for GET http://api.example.com/missing`, // the transport's error
		"--- FAIL: FuzzSharedByItsInputs ",
		"no cassette for GET http://127.0.0.1:", // the server's miss
		"reported as the test ended",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
}
