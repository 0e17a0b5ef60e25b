// Package slowbody reads a request body whole (or drops it) and says when
// it is slow to end. The replay server and the recorders answer, and forward, a request
// once its body has ended; a client that waits for an answer before it
// ends its body (a full-duplex stream, such as gRPC's bidirectional
// streaming) then waits until it gives up. The warning says why.
package slowbody

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// After is how long a body may take to end before ReadAll warns.
const After = 10 * time.Second

// ReadAll reads r to its end, as io.ReadAll does, and calls warn once,
// with the bytes read so far, if that takes longer than after. warn runs
// on a goroutine of its own, and never after ReadAll returns.
func ReadAll(r io.Reader, after time.Duration, warn func(read int64)) ([]byte, error) {
	w := &watch{r: r, warn: warn} // one allocation for the watch's state
	t := time.AfterFunc(after, w.fire)
	b, err := io.ReadAll(w)
	w.stop(t)
	return b, err
}

// Discard reads r to its end and drops what it reads, returning how many
// bytes that was; it warns as ReadAll does.
func Discard(r io.Reader, after time.Duration, warn func(read int64)) (int64, error) {
	w := &watch{r: r, warn: warn}
	t := time.AfterFunc(after, w.fire)
	n, err := io.Copy(io.Discard, w)
	w.stop(t)
	return n, err
}

// stop stops t, the timer of w's warning, and waits for a warning under
// way to end.
func (w *watch) stop(t *time.Timer) {
	if !t.Stop() {
		w.mu.Lock() // a warning under way ends first
		w.done = true
		w.mu.Unlock()
	}
}

// A watch counts the bytes read through it, and warns once unless done.
type watch struct {
	r    io.Reader
	n    atomic.Int64
	warn func(read int64)
	mu   sync.Mutex // held while warning; ReadAll takes it to stop
	done bool
}

func (w *watch) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	w.n.Add(int64(n))
	return n, err
}

func (w *watch) fire() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.warn(w.n.Load())
	}
}

// Message is the warning for request (its method and URL, as they may be
// logged), whose body has not ended after after, read bytes in.
func Message(request string, after time.Duration, read int64) string {
	return fmt.Sprintf("%s: the request body has not ended after %v (%d bytes read). A request is answered,"+
		" and recorded, once its body ends, so a client that waits for an answer before it ends its body"+
		" (a full-duplex stream, such as gRPC bidirectional streaming) waits until it gives up: such"+
		" streams cannot be recorded or replayed. A slow upload is simply waited for.", request, after, read)
}
