package main

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/cassette-go/cassette/recorder"
)

// defaultMaxBodySize is the default of -max-body-size: the default of
// recorder.MaxBodySize and replayserver.MaxBodySize.
const defaultMaxBodySize = recorder.DefaultMaxBodySize

// A byteSize is the value of a flag giving a size in bytes: a number of
// bytes, or a number with a unit, binary (KiB, MiB, GiB, TiB: powers of
// 1024) or decimal (B, KB, MB, GB, TB: powers of 1000), in any case and
// with or without a space ("64MiB", "100MB", "64 MiB"). It implements
// flag.Value.
type byteSize int64

// The units of a byteSize, longest names first where one ends another.
var sizeUnits = []struct {
	name string
	size int64
}{
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40},
	{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12},
	{"b", 1},
}

// Set sets s to the size v, as the type's documentation describes it, or
// returns an error saying what a size is.
func (s *byteSize) Set(v string) error {
	t := strings.ToLower(strings.TrimSpace(v))
	unit := int64(1)
	for _, u := range sizeUnits {
		if strings.HasSuffix(t, u.name) {
			t, unit = strings.TrimSpace(strings.TrimSuffix(t, u.name)), u.size
			break
		}
	}
	n, err := strconv.ParseUint(t, 10, 63)
	switch {
	case errors.Is(err, strconv.ErrRange), err == nil && n > math.MaxInt64/uint64(unit):
		return errors.New("too large a size")
	case err != nil:
		return errors.New("want a whole number of bytes, or one with a unit such as 512KiB, 64MiB, 1GiB or 100MB; 0 for no limit")
	}
	*s = byteSize(int64(n) * unit)
	return nil
}

// String returns the size with the largest binary unit that divides it
// ("64MiB"), as Set reads it.
func (s *byteSize) String() string {
	n := int64(*s)
	for _, u := range []struct {
		size int64
		name string
	}{{1 << 40, "TiB"}, {1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}} {
		if n != 0 && n%u.size == 0 {
			return fmt.Sprintf("%d%s", n/u.size, u.name)
		}
	}
	return strconv.FormatInt(n, 10)
}

// maxBodyAdvice is in the error of the recorder, and so of the replay
// server, for an exchange not stored because a body was over the size
// limit: it names the Go options that raise it, not the flag.
const maxBodyAdvice = "raise it with recorder.MaxBodySize"

// maxBodyHint returns what to add to the error for a body over the size
// limit, now size, that the command cmd ("cassette record") logs: the
// flag that raises it.
func maxBodyHint(cmd string, size byteSize) string {
	return fmt.Sprintf("; with %s: -max-body-size SIZE (now %s; 0 for no limit)", cmd, &size)
}
