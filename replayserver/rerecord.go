package replayserver

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/cassette-go/cassette/internal/atomicfile"
	"github.com/cassette-go/cassette/library"
)

// replaceLibrary replaces the library on disk with what was rerecorded
// into the staging library, at once: a run cut short, or a replacement
// that fails, leaves the old library whole. The staging library is removed
// once the replacement is done; otherwise the error says where it is.
func (h *Handler) replaceLibrary() error {
	if err := h.replace(); err != nil {
		return fmt.Errorf("replayserver: rerecord %s: %w; the old library is unchanged, and what was recorded is kept in %s",
			h.dest.Path(), err, filepath.Join(h.stagingDir, "staging"))
	}
	os.RemoveAll(h.stagingDir)
	return nil
}

// keepOldLibrary makes a rerecording Close keep the library on disk as it
// was, for reason (a test that failed or was skipped rerecorded only part
// of it, if anything); in other modes it does nothing.
func (h *Handler) keepOldLibrary(reason string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.mode == ModeRerecord && !h.closed {
		h.keepOld = reason
	}
}

// dropRerecorded ends a rerecording whose library is not replaced: the
// old library stays; what was recorded is saved in the staging folder and
// kept there, and the log says where.
func (h *Handler) dropRerecorded() error {
	names, _ := h.lib.Names()
	if len(names) == 0 {
		os.RemoveAll(h.stagingDir)
		h.logf("replayserver: rerecord %s: %s, so the library is left unchanged (nothing recorded is kept)", h.dest.Path(), h.keepOld)
		return nil
	}
	where := filepath.Join(h.stagingDir, "staging")
	if err := h.lib.Save(); err != nil {
		return fmt.Errorf("replayserver: rerecord %s: %s, so the library is left unchanged; saving what was recorded in %s failed: %w",
			h.dest.Path(), h.keepOld, where, err)
	}
	h.logf("replayserver: rerecord %s: %s, so the library is left unchanged; the %d cassette(s) recorded are kept in %s (fix the test and rerecord, or delete that folder)",
		h.dest.Path(), h.keepOld, len(names), where)
	return nil
}

// replace writes the staging library's cassettes in place of the
// library's: a file library by its own Save (one new file renamed over
// the old); a directory library by a new folder, made beside the old one,
// that takes its place: swapped with it in one step where the system
// can, else with two renames.
func (h *Handler) replace() error {
	if !h.dest.IsDir() {
		h.dest.Clear()
		if err := copyCassettes(h.dest, h.lib); err != nil {
			return err
		}
		return h.dest.Save()
	}
	format := h.dest.Format()
	return atomicfile.ReplaceDir(h.dest.Path(), func(tmp string) error {
		next, err := library.Open(tmp, library.WithFormat(format))
		if err != nil {
			return err
		}
		if err := copyCassettes(next, h.lib); err != nil {
			return err
		}
		return next.Save()
	}, exchange)
}

// exchange is atomicfile.Exchange; tests replace it.
var exchange = atomicfile.Exchange

// copyCassettes puts every cassette of from into to.
func copyCassettes(to, from *library.Library) error {
	names, err := from.Names()
	if err != nil {
		return err
	}
	for _, n := range names {
		c, ok, err := from.Get(n)
		if err != nil {
			return err
		}
		if ok {
			if err := to.Put(c); err != nil {
				return err
			}
		}
	}
	return nil
}
