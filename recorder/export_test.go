package recorder

import "github.com/cassette-go/cassette/internal/detach"

// SpillSize is spillSize, for the tests of the external test package.
const SpillSize = spillSize

// ClientsGone returns how many of the exchanges r is recording have a
// client that the recording server has seen leave (see detach.Left): what
// Save waits for. Tests wait for it before calling Save, instead of
// guessing how long the server takes to see a closed connection.
func ClientsGone(r *Recorder) int {
	rt := r.proxy.rt
	rt.openMu.Lock()
	defer rt.openMu.Unlock()
	n := 0
	for c := range rt.open {
		if detach.Left(c.ctx) {
			n++
		}
	}
	return n
}
