package fsizelimit

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// ownProcessEnv names the test that a process started by InOwnProcess
// runs.
const ownProcessEnv = "CASSETTE_TEST_OWN_PROCESS"

// InOwnProcess runs the test t (a test or subtest, started from its
// beginning) in a process of its own, with its subtests: the test binary run again for t
// alone, without go test's log of the files it opens. In that process it
// reports true, and the test goes on. In the process that started it, it
// waits for it, fails t with its output if it failed, and reports false:
// the caller returns at once.
//
//	if !fsizelimit.InOwnProcess(t) {
//		return
//	}
func InOwnProcess(t *testing.T) bool {
	t.Helper()
	if ownProcess(t) {
		return true
	}
	parts := strings.Split(t.Name(), "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	cmd := exec.Command(os.Args[0], "-test.run="+strings.Join(parts, "/"), "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), ownProcessEnv+"="+t.Name())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s, run in a process of its own (%v):\n%s", t.Name(), err, out)
	}
	if !strings.Contains(string(out), "--- PASS: "+t.Name()+" ") {
		t.Fatalf("%s did not pass in a process of its own:\n%s", t.Name(), out)
	}
	return false
}

// ownProcess reports whether t runs in a process that InOwnProcess
// started for it, or for a test it is a subtest of.
func ownProcess(t *testing.T) bool {
	own := os.Getenv(ownProcessEnv)
	return own != "" && strings.HasPrefix(t.Name()+"/", own+"/")
}

// Limit makes writes that would take a file of this process past n bytes
// fail (EFBIG), as writes fail on a full disk; the Go runtime ignores the
// SIGXFSZ that comes with them. t must run in a process of its own (see
// [InOwnProcess]), and not in parallel with other tests. Limit returns
// the function that lifts the limit, which the test calls before it
// reports anything (its output may go to a file); t's cleanup calls it
// too. It skips t where no limit can be set.
func Limit(t *testing.T, n uint64) (lift func()) {
	t.Helper()
	if !ownProcess(t) {
		t.Fatalf("fsizelimit.Limit in %s, not in a process of its own: call InOwnProcess first", t.Name())
	}
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Skipf("no file size limit here: %v", err)
	}
	lim := old
	lim.Cur = n
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		t.Skipf("cannot limit the size of files: %v", err)
	}
	lifted := false
	lift = func() {
		if !lifted {
			lifted = true
			if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
				panic("restore the file size limit: " + err.Error())
			}
		}
	}
	t.Cleanup(lift)
	return lift
}
