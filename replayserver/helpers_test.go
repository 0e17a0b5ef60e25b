package replayserver_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/replayserver"
)

func nameOf(r *http.Request, body []byte) string { return naming.Name(r, body, naming.Default()) }

// A logBook keeps what a handler logs, for a test to read. It is safe
// for concurrent use.
type logBook struct {
	mu    sync.Mutex // guards lines
	lines []string
}

// option makes a handler log to b.
func (b *logBook) option() replayserver.Option {
	return replayserver.Logf(func(format string, args ...any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.lines = append(b.lines, fmt.Sprintf(format, args...))
	})
}

// Lines returns the lines logged so far.
func (b *logBook) Lines() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.lines...)
}

// String returns the lines logged so far, one per line.
func (b *logBook) String() string { return strings.Join(b.Lines(), "\n") }

// toBodyFile moves the body of resp into a body file of lib.
func toBodyFile(t *testing.T, lib *library.Library, resp *library.Response) {
	t.Helper()
	bw, err := lib.NewBody()
	if err != nil {
		t.Fatal(err)
	}
	bw.Write(resp.Body)
	if resp.BodyFile, err = bw.Commit(); err != nil {
		t.Fatal(err)
	}
	resp.Body = nil
}
