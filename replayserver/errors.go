package replayserver

import "errors"

// ErrNoMatch is the error a miss unwraps to: no cassette answers the
// request. The error itself is a [*MissError] carrying the report.
var ErrNoMatch = errors.New("no cassette for this request")

// ErrNoLibrary is returned, wrapped, by [NewHandler] when the library does
// not exist on disk and the mode does not record it: [ModeReplay], or
// [ModeOnce] without an [Upstream] or when the CI environment variable is
// set. The error says how to record it.
var ErrNoLibrary = errors.New("cassette library does not exist")
