package replayserver_test

import (
	"fmt"
	"os"
	"testing"
)

// TestMain runs the tests with a temporary folder of their own, removed at
// the end: a rerecording whose test fails keeps what it recorded in a
// staging folder under os.TempDir() (its log says where, for the user to
// look), and the tests of such failures left those folders in the
// machine's temporary folder.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "replayserver-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for _, v := range []string{"TMPDIR", "TMP", "TEMP"} { // TMP and TEMP: Windows
		os.Setenv(v, dir)
	}
	code := m.Run()
	if err := os.RemoveAll(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}
