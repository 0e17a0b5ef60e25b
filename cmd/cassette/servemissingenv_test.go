package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// serve on a missing library with CASSETTE_MODE set gives commands that
// record it only with CASSETTE_MODE unset: CASSETTE_MODE overrides -mode,
// so the advice "cassette serve -mode record -upstream URL" (or -mode
// once) run again in the same environment replays again and fails the
// same way.
func TestServeMissingLibraryAdviceWithCassetteModeSet(t *testing.T) {
	for _, c := range []struct{ env, ci string }{
		{"once", "true"},  // in CI once replays: -mode record is advised
		{"replay", ""},    // -mode once and -mode record are advised
		{" Replay ", "0"}, // as replayserver reads it
	} {
		t.Setenv("CASSETTE_MODE", c.env)
		t.Setenv("CI", c.ci)
		path := filepath.Join(t.TempDir(), "never-recorded")
		code, _, stderr := runSync(t, "serve", "-mode", "record", "-upstream", "http://127.0.0.1:1", path)
		if code != exitError {
			t.Errorf("CASSETTE_MODE=%q CI=%q serve -mode record on a missing library = %d, want 1", c.env, c.ci, code)
		}
		if !strings.Contains(stderr, "cassette serve -mode") {
			t.Errorf("CASSETTE_MODE=%q CI=%q: stderr gives no serve command:\n%s", c.env, c.ci, stderr)
		}
		if want := "with the environment variable CASSETTE_MODE unset (CASSETTE_MODE=" + strings.ToLower(strings.TrimSpace(c.env)) + " overrides -mode)"; !strings.Contains(stderr, want) {
			t.Errorf("CASSETTE_MODE=%q CI=%q: stderr does not say to unset CASSETTE_MODE (%q), which overrides the -mode it advises:\n%s", c.env, c.ci, want, stderr)
		}
	}
}
