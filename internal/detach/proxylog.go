package detach

import (
	"bytes"
	"io"
)

// ProxyLog returns a writer for the ErrorLog of a recording
// httputil.ReverseProxy that hands each line to logf, but for the lines on
// a body the stop cut off (its error is [ErrStopped]): the recorder's own
// line says what became of that body, and ReverseProxy's "read error
// during body copy" would only contradict it.
func ProxyLog(logf func(format string, args ...any)) io.Writer {
	return proxyLog(logf)
}

type proxyLog func(format string, args ...any)

func (f proxyLog) Write(b []byte) (int, error) {
	line := bytes.TrimSuffix(b, []byte("\n"))
	if !bytes.HasSuffix(line, []byte(": "+ErrStopped.Error())) {
		f("%s", line)
	}
	return len(b), nil
}
