package replayserver_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// The Python library's eject, which its play context calls when the block
// raises: what was recorded before a test fails, stops or panics is kept.
// Here a server recording in the default mode (once, on a library that
// does not exist) or in record mode saves what it recorded when its test
// ends in any of these ways (unlike rerecord, which then keeps the old
// library: see TestRerecordThatDidNotPassKeepsTheLibraryWithClose). The
// test runs in a child process, where t.Fatal and panics behave as in a
// real test.
func TestRecordingIsSavedWhenTheTestFailsOrPanics(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv(replayserver.EnvCI, "")
	up := startUpstream(t)
	for _, mode := range []string{"once", "record"} {
		for _, lib := range []string{"api", "api.yaml"} {
			for _, end := range []string{"errorf", "fatal", "panic"} {
				t.Run(mode+"/"+lib+"/"+end, func(t *testing.T) {
					path := filepath.Join(t.TempDir(), lib)
					cmd := exec.Command(os.Args[0], "-test.run=^TestRecordingIsSavedChild$", "-test.v")
					cmd.Env = append(os.Environ(), "SAVED_CHILD_MODE="+mode, "SAVED_CHILD_PATH="+path,
						"SAVED_CHILD_UP="+up.URL, "SAVED_CHILD_END="+end)
					out, err := cmd.CombinedOutput()
					if err == nil {
						t.Fatalf("the child test passed; want it to end with %s:\n%s", end, out)
					}
					names := libraryNames(t, path)
					if !slices.ContainsFunc(names, func(n string) bool { return strings.HasSuffix(n, "_json") }) ||
						!slices.ContainsFunc(names, func(n string) bool { return strings.HasSuffix(n, "_cookies") }) {
						t.Errorf("after a test that recorded GET /json and GET /cookies, then ended with %s, %s holds %q; want both cassettes\nchild output:\n%s",
							end, lib, names, out)
					}
				})
			}
		}
	}
}

// TestRecordingIsSavedChild is the test TestRecordingIsSavedWhenTheTestFailsOrPanics
// runs in a child process.
func TestRecordingIsSavedChild(t *testing.T) {
	path := os.Getenv("SAVED_CHILD_PATH")
	if path == "" {
		t.Skip("run by TestRecordingIsSavedWhenTheTestFailsOrPanics")
	}
	opts := []replayserver.Option{replayserver.Upstream(os.Getenv("SAVED_CHILD_UP"))}
	if m := os.Getenv("SAVED_CHILD_MODE"); m != "once" {
		opts = append(opts, replayserver.WithMode(replayserver.Mode(m)))
	}
	srv := replayserver.New(t, path, opts...)
	do(t, rawClient(), srv.URL, call{"GET", "/json", ""})
	do(t, rawClient(), srv.URL, call{"GET", "/cookies", ""})
	switch os.Getenv("SAVED_CHILD_END") {
	case "errorf":
		t.Errorf("an assertion fails")
	case "fatal":
		t.Fatal("the test stops")
	case "panic":
		panic("the test panics")
	}
}
