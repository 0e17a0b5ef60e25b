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
