package replayserver

import (
	"fmt"
	"os"
)

// A Mode says what the server does with requests.
type Mode string

// The modes.
const (
	// ModeReplay answers from the library only and never touches the
	// network: a request with no cassette is a miss.
	ModeReplay Mode = "replay"
	// ModeRecord answers from the library and forwards misses to the
	// upstream, storing what it answers.
	ModeRecord Mode = "record"
	// ModeRerecord forwards every request to the upstream and stores the
	// exchanges anew, replacing the library when the server closes.
	ModeRerecord Mode = "rerecord"
	// ModePassthrough forwards every request to the upstream and stores
	// nothing.
	ModePassthrough Mode = "passthrough"
)

// EnvMode is the environment variable that overrides the mode for a whole
// run, e.g. CASSETTE_MODE=record go test ./...
const EnvMode = "CASSETTE_MODE"

func parseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case ModeReplay, ModeRecord, ModeRerecord, ModePassthrough:
		return m, nil
	}
	return "", fmt.Errorf("unknown mode %q: want replay, record, rerecord or passthrough", s)
}

// resolveMode returns the mode in force: the environment's, else the
// option's, else replay.
func resolveMode(opt Mode) (Mode, error) {
	if env := os.Getenv(EnvMode); env != "" {
		m, err := parseMode(env)
		if err != nil {
			return "", fmt.Errorf("%s: %w", EnvMode, err)
		}
		return m, nil
	}
	if opt == "" {
		return ModeReplay, nil
	}
	return parseMode(string(opt))
}
