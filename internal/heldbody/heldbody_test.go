package heldbody

import (
	"io"
	"testing"
	"time"
)

// The body ends when its channel is closed, empty.
func TestEmptyEndsWhenTold(t *testing.T) {
	until := make(chan struct{})
	b := Empty(until, time.Hour)
	done := make(chan []byte)
	go func() {
		got, err := io.ReadAll(b)
		if err != nil {
			t.Error(err)
		}
		done <- got
	}()
	close(until)
	if got := <-done; len(got) != 0 {
		t.Errorf("read %q, want nothing", got)
	}
	if err := b.Close(); err != nil {
		t.Errorf("Close() = %v", err)
	}
}

// Without word, the body ends once its limit has passed.
func TestEmptyEndsAtItsLimit(t *testing.T) {
	if n, err := Empty(make(chan struct{}), time.Nanosecond).Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Errorf("Read() = %d, %v; want 0, EOF", n, err)
	}
}
