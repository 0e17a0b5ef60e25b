// Package brokenoff makes the upstream fault that tests of recording
// need most: a response whose body breaks off. It is used by tests only.
package brokenoff

import (
	"fmt"
	"net/http"
	"sync"
)

// Write answers on w with status 200, a Content-Length of length, and
// only body, then closes the connection: the client reads body, then gets
// io.ErrUnexpectedEOF. w must be an HTTP/1 ResponseWriter that nothing
// was written to. It reports an error if the connection cannot be taken
// over.
func Write(w http.ResponseWriter, length int, body string) error {
	if length <= len(body) {
		return fmt.Errorf("brokenoff: length %d does not exceed the %d bytes sent", length, len(body))
	}
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return fmt.Errorf("brokenoff: %w", err)
	}
	defer conn.Close()
	fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", length, body)
	return buf.Flush()
}

// Once returns a handler that breaks off (see Write) the first answer for
// each path, and answers "whole" to each request after it: an upstream a
// retrying client gets a whole answer from. It is safe for concurrent use.
func Once() http.Handler {
	var seen sync.Map
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, again := seen.LoadOrStore(r.URL.Path, true); !again {
			if err := Write(w, 1000, "0123456789"); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
			}
			return
		}
		fmt.Fprint(w, "whole")
	})
}
