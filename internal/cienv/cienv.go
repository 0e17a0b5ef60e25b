// Package cienv reads the environment variable CI, which CI services set,
// the one way replayserver and cmd/cassette both read it.
package cienv

import (
	"os"
	"strings"
)

// Name is the environment variable read: CI.
const Name = "CI"

// On reports whether CI is set to anything but "false" (in any case) or
// "0", spaces around aside: empty or unset, it is off.
func On() bool {
	v := strings.TrimSpace(os.Getenv(Name))
	return v != "" && !strings.EqualFold(v, "false") && v != "0"
}
