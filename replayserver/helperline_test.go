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

// A strict-mode failure of a server whose Close the test deferred is
// reported at the line that called New too, not at the end of the test
// function, where the deferred call ran.
func TestStrictFailureAfterADeferredClosePointsAtNew(t *testing.T) {
	if os.Getenv("CASSETTE_DEFERRED_CLOSE_CHILD") != "" {
		t.Setenv(replayserver.EnvMode, "")
		path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/v1/unused")
		srv, at := replayserver.New(t, path, replayserver.Strict()), line()
		defer srv.Close()
		fmt.Printf("NEW AT %s\n", at)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestStrictFailureAfterADeferredClosePointsAtNew$", "-test.v")
	cmd.Env = append(os.Environ(), "CASSETTE_DEFERRED_CLOSE_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the child test passed; it should fail in strict mode:\n%s", out)
	}
	var at string
	for _, l := range strings.Split(string(out), "\n") {
		fmt.Sscanf(l, "NEW AT %s", &at)
	}
	if at == "" {
		t.Fatalf("the child did not say where it called New:\n%s", out)
	}
	if !strings.Contains(string(out), at+": replayserver: strict mode") {
		t.Errorf("no strict-mode failure reported at %s:\n%s", at, out)
	}
}

// A strict test that skips itself (t.Skip when a credential is missing,
// testing.Short) is not failed for the cassettes it never used: it is
// told of them. Each way runs in a child process, where a failure is real.
func TestStrictDoesNotFailASkippedTest(t *testing.T) {
	if os.Getenv("CASSETTE_STRICT_SKIP_CHILD") != "" {
		t.Setenv(replayserver.EnvMode, "")
		path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/v1/unused")
		t.Run("server", func(t *testing.T) {
			replayserver.New(t, path, replayserver.Strict())
			t.Skip("skipped on purpose")
		})
		t.Run("deferred-close", func(t *testing.T) {
			srv := replayserver.New(t, path, replayserver.Strict())
			defer srv.Close()
			t.Skip("skipped on purpose")
		})
		t.Run("close-then-skip", func(t *testing.T) {
			srv := replayserver.New(t, path, replayserver.Strict())
			srv.Close()
			t.Skip("skipped on purpose")
		})
		t.Run("transport", func(t *testing.T) {
			replayserver.NewTransport(t, path, replayserver.Strict())
			t.Skip("skipped on purpose")
		})
		t.Run("not-skipped", func(t *testing.T) {
			replayserver.New(t, path, replayserver.Strict())
		})
		t.Run("failed-then-skipped", func(t *testing.T) {
			replayserver.New(t, path, replayserver.Strict())
			t.Error("failed on purpose")
			t.SkipNow()
		})
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestStrictDoesNotFailASkippedTest$", "-test.v")
	cmd.Env = append(os.Environ(), "CASSETTE_STRICT_SKIP_CHILD=1")
	out, _ := cmd.CombinedOutput()
	for _, name := range []string{"server", "deferred-close", "close-then-skip", "transport"} {
		if !strings.Contains(string(out), "--- SKIP: TestStrictDoesNotFailASkippedTest/"+name+" ") {
			t.Errorf("subtest %s was not reported as skipped:\n%s", name, out)
		}
	}
	if n := strings.Count(string(out), "the test was skipped, so the 1 cassette(s)"); n != 4 {
		t.Errorf("%d skipped subtests were told of their unused cassette; want 4:\n%s", n, out)
	}
	// The one that did not skip still fails, so strict mode is on.
	if !strings.Contains(string(out), "--- FAIL: TestStrictDoesNotFailASkippedTest/not-skipped ") {
		t.Errorf("the subtest that did not skip did not fail in strict mode:\n%s", out)
	}
	// One that failed before it skipped failed: the cassettes are failures
	// too, not "do not fail it".
	if !strings.Contains(string(out), "--- FAIL: TestStrictDoesNotFailASkippedTest/failed-then-skipped ") {
		t.Errorf("the subtest that failed then skipped did not fail:\n%s", out)
	}
	if n := strings.Count(string(out), "replayserver: strict mode: 1 cassette(s)"); n != 2 {
		t.Errorf("%d strict-mode failures; want 2 (not-skipped, failed-then-skipped):\n%s", n, out)
	}
	if n := strings.Count(string(out), "--- FAIL:"); n != 3 { // not-skipped, failed-then-skipped and their parent
		t.Errorf("%d tests failed; want only not-skipped, failed-then-skipped and their parent:\n%s", n, out)
	}
}
