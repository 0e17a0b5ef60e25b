package naming

import (
	"net/http"
)

// Rules say which parts of a request, beyond method, host, port, path and
// query, tell cassettes apart. The zero Rules is valid and equal to
// [Default]. Rules are values: copying them is safe, and they are safe for
// concurrent use as long as nobody modifies the slices.
type Rules struct {
	// Headers are the significant request headers, in any case. Their
	// values (all of them, in order) are hashed into the "~h" suffix. A
	// header absent from the request counts as empty. Default: none, so
	// headers that change on every run (Date, User-Agent, signatures,
	// request ids) never change a name.
	Headers []string

	// IgnoreQuery lists query parameter names, matched exactly, that are
	// left out of the name (cache busters, timestamps). Default: none.
	IgnoreQuery []string
}

// Default returns the default rules: no significant headers, every query
// parameter significant, the request body hashed when it is not empty.
func Default() Rules { return Rules{} }

// Name returns the cassette name of r, whose body is body (r.Body is not
// read). The host is r.URL.Host when set (a client-side or proxy request),
// else r.Host; the port is the explicit one or the scheme's default (443
// for https or when r.TLS is set, else 80).
func Name(r *http.Request, body []byte, rules Rules) string {
	panic("not implemented")
}

// WithoutHost returns name with its host and port fields removed. The
// replay server uses it to match a request sent to its own address (whose
// host says nothing about the API it stands for) against cassettes from any
// recorded host. For a string that is not a name it returns name unchanged.
func WithoutHost(name string) string {
	panic("not implemented")
}
