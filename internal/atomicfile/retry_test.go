package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestRetry: an operation that fails with a transient error is tried
// again until it succeeds, or until the time allowed is spent; another
// error is returned at once.
func TestRetry(t *testing.T) {
	errBusy, errOther := errors.New("busy"), errors.New("other")
	isBusy := func(err error) bool { return errors.Is(err, errBusy) }
	fails := func(n int, err error) (func() error, *int) {
		calls := new(int)
		return func() error {
			*calls++
			if *calls <= n {
				return err
			}
			return nil
		}, calls
	}
	for _, tc := range []struct {
		why       string
		failures  int
		err       error
		want      error
		wantCalls int
	}{
		{"success needs one try", 0, errBusy, nil, 1},
		{"a file held for a moment is replaced once it is let go", 3, errBusy, nil, 4},
		{"another error is not tried again", 3, errOther, errOther, 1},
		{"a file held for longer than allowed gives the last error", 1 << 30, errBusy, errBusy, -1},
	} {
		op, calls := fails(tc.failures, tc.err)
		err := retry(op, isBusy, 50*time.Millisecond)
		if err != tc.want || (tc.wantCalls >= 0 && *calls != tc.wantCalls) {
			t.Errorf("%s: retry = %v after %d calls; want %v after %d", tc.why, err, *calls, tc.want, tc.wantCalls)
		}
	}
}

// TestWriteFileOverAFileHeldOpen: a file that a reader holds open is
// replaced once the reader lets it go. On Windows the file cannot be
// replaced while os.Open's handle holds it: the rename is tried again
// (see Rename); elsewhere it is replaced at once, and the reader reads
// the old content.
func TestWriteFileOverAFileHeldOpen(t *testing.T) {
	name := filepath.Join(t.TempDir(), "f.json")
	if err := os.WriteFile(name, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan []byte)
	go func() {
		time.Sleep(100 * time.Millisecond)
		b := make([]byte, 3)
		f.Read(b)
		f.Close()
		done <- b
	}()
	err = WriteFile(name, []byte("new"), 0o644)
	if old := <-done; string(old) != "old" {
		t.Errorf("the reader read %q, want old", old)
	}
	if err != nil {
		t.Fatalf("WriteFile over a file held open for 100ms = %v", err)
	}
	if b, err := os.ReadFile(name); string(b) != "new" {
		t.Errorf("after WriteFile, the file holds %q, %v; want new", b, err)
	}
	checkNoTemp(t, filepath.Dir(name))
}

// TestRemoveOfAFileHeldOpen: as TestWriteFileOverAFileHeldOpen, for
// Remove.
func TestRemoveOfAFileHeldOpen(t *testing.T) {
	name := filepath.Join(t.TempDir(), "f.json")
	if err := os.WriteFile(name, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(100 * time.Millisecond)
		f.Close()
	}()
	if err := Remove(name); err != nil {
		t.Fatalf("Remove of a file held open for 100ms = %v", err)
	}
	if _, err := os.Stat(name); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after Remove, Stat = %v; want the file gone", err)
	}
}
