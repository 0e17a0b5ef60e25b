package recorder

import (
	"errors"
	"fmt"
	"net/url"

	"github.com/cassette-go/cassette/internal/bytesize"
)

// ErrBodyTooLarge is wrapped by the error [OnError] gets for an exchange
// that was forwarded but not stored because its request or response body
// is larger than [MaxBodySize] allows.
var ErrBodyTooLarge = errors.New("body larger than the size limit")

// A tooLargeError reports an exchange not stored because of its size.
type tooLargeError struct {
	method string
	url    string // redacted
	what   string // "request" or "response"
	limit  int64
}

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("recorder: %s %s: %s body is larger than the %s limit, so it was not stored; raise it with recorder.MaxBodySize (or replayserver.MaxBodySize)",
		e.method, e.url, e.what, bytesize.Format(e.limit))
}

func (e *tooLargeError) Unwrap() error { return ErrBodyTooLarge }

// tooLarge returns the error for a body of what ("request" or "response")
// over the limit, naming the redacted URL u.
func (rt *roundTripper) tooLarge(what, method string, u *url.URL) error {
	return &tooLargeError{method: method, url: rt.redact.URL(u).String(), what: what, limit: rt.cfg.maxBody}
}
