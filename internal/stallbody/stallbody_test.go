package stallbody

import (
	"errors"
	"io"
	"testing"
)

func TestBodyWaitsForClose(t *testing.T) {
	end := errors.New("closed")
	b := New(end)
	p := make([]byte, 16)
	if n, err := b.Read(p); n != 4 || err != nil || string(p[:n]) != "ping" {
		t.Fatalf("first Read = %d %q %v, want 4 \"ping\" nil", n, p[:n], err)
	}
	<-b.Started()
	got := make(chan error, 1)
	go func() {
		_, err := b.Read(p)
		got <- err
	}()
	b.Close()
	b.Close()
	if err := <-got; err != end {
		t.Errorf("Read after Close = %v, want %v", err, end)
	}
	if n := b.Closes(); n != 2 {
		t.Errorf("Closes() = %d, want 2", n)
	}
	if _, err := New(io.EOF).Read(p); err != nil {
		t.Errorf("first Read of an io.EOF body: %v", err)
	}
}
