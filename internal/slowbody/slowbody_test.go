package slowbody

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// A body that ends before After is read whole, and no warning comes, however
// long the test then waits. The tests run in synctest bubbles, on a fake
// clock that moves only when every goroutine waits.
func TestReadAllOfABodyThatEnds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		warned := make(chan int64, 1)
		b, err := ReadAll(strings.NewReader("hello"), After, func(n int64) { warned <- n })
		if err != nil || string(b) != "hello" {
			t.Fatalf("ReadAll = %q, %v; want hello", b, err)
		}
		time.Sleep(2 * After)
		select {
		case n := <-warned:
			t.Errorf("warned with %d bytes about a body that ended", n)
		default:
		}
	})
}

// A body that does not end is warned about once, after After, with the
// bytes read so far, while it is read; its read goes on until it ends.
func TestReadAllWarnsOfABodyThatDoesNotEnd(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		pr, pw := io.Pipe()
		warned := make(chan int64, 2)
		type result struct {
			b   []byte
			err error
		}
		got := make(chan result, 1)
		start := time.Now()
		go func() {
			b, err := ReadAll(pr, After, func(n int64) { warned <- n })
			got <- result{b, err}
		}()
		pw.Write([]byte("first message"))
		n := <-warned
		if n != int64(len("first message")) {
			t.Errorf("warned with %d bytes read; want %d", n, len("first message"))
		}
		if waited := time.Since(start); waited != After {
			t.Errorf("warned after %v; want %v", waited, After)
		}
		pw.Write([]byte(", second"))
		time.Sleep(2 * After)
		pw.Close()
		r := <-got
		if r.err != nil || !bytes.Equal(r.b, []byte("first message, second")) {
			t.Errorf("ReadAll = %q, %v; want the whole body", r.b, r.err)
		}
		select {
		case n := <-warned:
			t.Errorf("warned twice (the second with %d bytes)", n)
		default:
		}
	})
}

func TestDiscardWarnsOfABodyThatDoesNotEnd(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		pr, pw := io.Pipe()
		warned := make(chan int64, 2)
		type result struct {
			n   int64
			err error
		}
		got := make(chan result, 1)
		go func() {
			n, err := Discard(pr, After, func(n int64) { warned <- n })
			got <- result{n, err}
		}()
		pw.Write([]byte("first message"))
		if n := <-warned; n != int64(len("first message")) {
			t.Errorf("warned with %d bytes read; want %d", n, len("first message"))
		}
		pw.Write([]byte(", second"))
		pw.Close()
		if r := <-got; r.err != nil || r.n != int64(len("first message, second")) {
			t.Errorf("Discard = %d, %v; want %d, nil", r.n, r.err, len("first message, second"))
		}
		time.Sleep(2 * After)
		select {
		case n := <-warned:
			t.Errorf("warned twice (the second with %d bytes)", n)
		default:
		}
	})
}

func TestMessageSaysWhatAndWhy(t *testing.T) {
	m := Message("POST http://api/chat", 10*time.Second, 42)
	for _, want := range []string{"POST http://api/chat", "10s", "42 bytes", "full-duplex", "gRPC bidirectional"} {
		if !strings.Contains(m, want) {
			t.Errorf("message %q lacks %q", m, want)
		}
	}
}
