package replayserver

import (
	"fmt"
	"os"
	"strings"

	"github.com/cassette-go/cassette/internal/cienv"
)

// A Mode says what the server does with requests.
type Mode string

// The modes.
const (
	// ModeOnce, the default, records a library that does not exist yet
	// (when there is somewhere to record from: an [Upstream], or for
	// [NewTransport] the requests' own URLs) and replays one that does.
	// When the environment variable CI is set it never records: a missing
	// library fails the test, as in replay mode.
	ModeOnce Mode = "once"
	// ModeReplay answers from the library only and never touches the
	// network: a request with no cassette is a miss.
	ModeReplay Mode = "replay"
	// ModeRecord answers from the library and forwards misses to the
	// upstream, storing what it answers.
	ModeRecord Mode = "record"
	// ModeRerecord forwards every request to the upstream and stores the
	// exchanges anew. The library on disk is replaced when the server
	// closes, so an interrupted run leaves the old library intact; so does
	// a test that failed or was skipped (New and NewTransport), which may
	// not have sent every request.
	ModeRerecord Mode = "rerecord"
	// ModePassthrough forwards every request to the upstream and stores
	// nothing.
	ModePassthrough Mode = "passthrough"
)

// EnvMode is the environment variable that overrides the mode for a whole
// run, e.g. CASSETTE_MODE=record go test ./... (in any case, spaces
// around aside: Record is record).
const EnvMode = "CASSETTE_MODE"

// envMode returns the value of EnvMode, trimmed and in lower case; "" when
// it is unset.
func envMode() string { return strings.ToLower(strings.TrimSpace(os.Getenv(EnvMode))) }

// EnvCI is the environment variable, set by CI services, that keeps
// [ModeOnce] from recording: set to anything but "false" (in any case)
// or "0".
const EnvCI = "CI"

func parseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case ModeOnce, ModeReplay, ModeRecord, ModeRerecord, ModePassthrough:
		return m, nil
	}
	return "", fmt.Errorf("unknown mode %q: want once, replay, record, rerecord or passthrough", s)
}

// resolveMode returns the mode asked for: the environment's, else the
// option's, else once.
func resolveMode(opt Mode) (Mode, error) {
	if env := envMode(); env != "" {
		m, err := parseMode(env)
		if err != nil {
			return "", fmt.Errorf("%s: %w", EnvMode, err)
		}
		return m, nil
	}
	if opt == "" {
		return ModeOnce, nil
	}
	return parseMode(string(opt))
}

// effectiveMode resolves [ModeOnce]: record when the library does not
// exist, there is somewhere to record from and this is not CI; else
// replay. Other modes are returned unchanged.
func effectiveMode(m Mode, libraryExists, canForward bool) Mode {
	if m != ModeOnce {
		return m
	}
	if !libraryExists && canForward && !inCI() {
		return ModeRecord
	}
	return ModeReplay
}

// inCI reports whether the CI environment variable is set to anything but
// "false" (in any case) or "0", spaces around aside (see [cienv.On]).
func inCI() bool { return cienv.On() }
