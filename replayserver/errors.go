package replayserver

import "errors"

// ErrNoMatch is the error a miss unwraps to: no cassette answers the
// request. The error itself is a [*MissError] carrying the report.
var ErrNoMatch = errors.New("no cassette for this request")

// ErrNoLibrary is returned by [NewHandler] in replay mode when the library
// does not exist on disk.
var ErrNoLibrary = errors.New("cassette library does not exist")
