package replayserver_test

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// line returns the file:line of its caller.
func line() string {
	_, file, n, _ := runtime.Caller(1)
	return fmt.Sprintf("%s:%d", filepath.Base(file), n)
}

// A failure at the end of a test (strict mode) is reported at the line
// that made the server or transport, as t.Helper makes it: the test runs
// in a child process, where it fails for real, and its output is read.
func TestEndOfTestFailuresPointAtTheCallersLine(t *testing.T) {
	if os.Getenv("CASSETTE_HELPERLINE_CHILD") != "" {
		t.Setenv(replayserver.EnvMode, "")
		path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/v1/unused")
		_, at := replayserver.New(t, path, replayserver.Strict()), line()
		_, at2 := replayserver.NewTransport(t, path, replayserver.Strict()), line()
		fmt.Printf("NEW AT %s\nTRANSPORT AT %s\n", at, at2)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestEndOfTestFailuresPointAtTheCallersLine$", "-test.v")
	cmd.Env = append(os.Environ(), "CASSETTE_HELPERLINE_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the child test passed; it should fail in strict mode:\n%s", out)
	}
	var newAt, transportAt string
	for _, l := range strings.Split(string(out), "\n") {
		fmt.Sscanf(l, "NEW AT %s", &newAt)
		fmt.Sscanf(l, "TRANSPORT AT %s", &transportAt)
	}
	if newAt == "" || transportAt == "" {
		t.Fatalf("the child did not say where it called New and NewTransport:\n%s", out)
	}
	for _, at := range []string{newAt, transportAt} {
		if !strings.Contains(string(out), at+": replayserver: strict mode") {
			t.Errorf("no strict-mode failure reported at %s:\n%s", at, out)
		}
	}
}

// A miss is reported from the server's goroutine, where t.Helper cannot
// point at the test's line: the failure says which test made the server,
// and where.
func TestAMissFailureSaysWhereTheServerWasMade(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/v1/users")
	ft := newFakeTB(t)
	var at string
	ft.do(func() {
		srv, where := replayserver.New(ft, path), line()
		at = where
		resp, err := http.Get(srv.URL + "/v1/nobody")
		if err == nil {
			resp.Body.Close()
		}
	})
	ft.finish()
	want := "(" + t.Name() + ": this server was made at " + at + ")"
	if !strings.Contains(ft.errors(), want) {
		t.Errorf("failures = %q; want them to say %q", ft.errors(), want)
	}
}
