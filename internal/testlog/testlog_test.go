package testlog

import (
	"bytes"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"
	"testing"
)

// recordingTB records what is logged and reported to it.
type recordingTB struct {
	testing.TB
	logs, errs []string
}

func (r *recordingTB) Logf(format string, args ...any) {
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestLogGoesToTheTestUntilEndThenToTheStandardLogger(t *testing.T) {
	var std bytes.Buffer
	log.SetOutput(&std)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	tb := &recordingTB{TB: t}
	l := New(tb)

	l.Logf("during %d", 1)
	l.Error(errors.New("failed during"))
	if len(tb.logs) != 1 || tb.logs[0] != "during 1" || len(tb.errs) != 1 || tb.errs[0] != "failed during" {
		t.Fatalf("during the test: logs %q, errors %q", tb.logs, tb.errs)
	}
	if !l.Reported(errors.New("failed during")) || l.Reported(errors.New("other")) {
		t.Errorf("Reported does not match the failures reported")
	}

	l.End()
	l.Logf("after %d", 2)
	l.Errorf("failed %s", "after")
	if len(tb.logs) != 1 || len(tb.errs) != 1 {
		t.Errorf("the test was called after End: logs %q, errors %q", tb.logs, tb.errs)
	}
	for _, want := range []string{"after 2", "failed after"} {
		if !strings.Contains(std.String(), want) {
			t.Errorf("the standard log lacks %q: %q", want, std.String())
		}
	}
}

// refusingTB panics on every call while refusing is set, as a *testing.F
// does inside its fuzz function.
type refusingTB struct {
	recordingTB
	refusing bool
}

func (r *refusingTB) Logf(format string, args ...any) {
	if r.refusing {
		panic("testing: f.Logf was called inside the fuzz target, use t.Logf instead")
	}
	r.recordingTB.Logf(format, args...)
}

func (r *refusingTB) Errorf(format string, args ...any) {
	if r.refusing {
		panic("testing: f.Errorf was called inside the fuzz target, use t.Errorf instead")
	}
	r.recordingTB.Errorf(format, args...)
}

func TestCallsTheTestRefusesGoToTheStandardLoggerAndFailuresToEnd(t *testing.T) {
	var std bytes.Buffer
	log.SetOutput(&std)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	tb := &refusingTB{recordingTB: recordingTB{TB: t}, refusing: true}
	l := New(tb)
	l.Logf("while refused %d", 1)
	l.Errorf("failed while refused")
	if len(tb.logs) != 0 || len(tb.errs) != 0 {
		t.Fatalf("the test was called: logs %q, errors %q", tb.logs, tb.errs)
	}
	for _, want := range []string{"while refused 1", "failed while refused"} {
		if !strings.Contains(std.String(), want) {
			t.Errorf("the standard log lacks %q: %q", want, std.String())
		}
	}
	tb.refusing = false
	l.End()
	if len(tb.errs) != 1 || !strings.HasPrefix(tb.errs[0], "failed while refused\n") {
		t.Errorf("at End, the test was failed with %q; want the failure it refused", tb.errs)
	}
	l.End()
	if len(tb.errs) != 1 {
		t.Errorf("a second End reported again: %q", tb.errs)
	}
}
