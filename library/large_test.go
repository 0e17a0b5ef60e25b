package library

import (
	"bytes"
	"fmt"
	"testing"
)

// TestLargeCassettesAreNotAllKeptInMemory reads every cassette of a
// directory library whose bodies add up to twice the budget of large
// cassettes: the library keeps within the budget, and a dropped cassette
// reads back whole.
func TestLargeCassettesAreNotAllKeptInMemory(t *testing.T) {
	dir := t.TempDir()
	w, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	const size = largeCassette
	n := 2 * largeBudget / size
	body := func(i int) []byte { return bytes.Repeat([]byte{byte('a' + i%26)}, size) }
	for i := range n {
		ex := Exchange{Request: Request{Method: "GET", URL: fmt.Sprintf("http://x/%d", i)}, Response: Response{StatusCode: 200, Body: body(i)}}
		if err := w.Append(fmt.Sprintf("GET_x_80_%d", i), ex); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Save(); err != nil {
		t.Fatal(err)
	}

	l, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if _, ok, err := l.Get(fmt.Sprintf("GET_x_80_%d", i)); !ok || err != nil {
			t.Fatalf("Get #%d: %v, %v", i, ok, err)
		}
	}
	l.mu.RLock()
	var kept int64
	for _, e := range l.entries {
		if e.loaded {
			kept += int64(len(e.c.Exchanges[0].Response.Body))
		}
	}
	l.mu.RUnlock()
	if kept > largeBudget {
		t.Errorf("after reading %d cassettes of %d bytes, %d bytes of bodies are kept; want at most %d", n, size, kept, largeBudget)
	}
	c, ok, err := l.Get("GET_x_80_0") // dropped first
	if !ok || err != nil || !bytes.Equal(c.Exchanges[0].Response.Body, body(0)) {
		t.Errorf("a dropped cassette read back as %v, %v (%d bytes)", ok, err, len(c.Exchanges))
	}
}
