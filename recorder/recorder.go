package recorder

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
)

// An Option configures a recorder.
type Option func(*config)

type config struct {
	transport http.RoundTripper
	rules     naming.Rules
	logf      func(format string, args ...any)
	onError   func(error)
}

// Transport sets the transport used to reach the upstream. Default: for a
// proxy a clone of [http.DefaultTransport] with compression handling
// disabled (so bodies are stored as sent); for a recording RoundTripper
// [http.DefaultTransport].
func Transport(rt http.RoundTripper) Option { return func(c *config) { c.transport = rt } }

// Naming sets the rules that name recorded requests. Default: [naming.Default].
func Naming(r naming.Rules) Option { return func(c *config) { c.rules = r } }

// Logf sets where the recorder logs each recorded exchange. Default: nowhere
// ([New] and [NewTransport] log to t.Logf).
func Logf(f func(format string, args ...any)) Option { return func(c *config) { c.logf = f } }

// OnError sets what is called when an exchange cannot be stored (the client
// still gets the response). Default: the error is logged. [New] and
// [NewTransport] fail the test with it.
func OnError(f func(error)) Option { return func(c *config) { c.onError = f } }

// A Recorder is a recording reverse proxy started for a test: clients use
// Recorder.URL as their base URL. It is closed, and its library saved, in
// t.Cleanup. It is safe for concurrent use.
type Recorder struct {
	*httptest.Server
	proxy *Proxy
}

// New starts a recording reverse proxy to upstream (an absolute URL, such as
// "https://api.example.com") that stores every exchange in the library at
// path. Everything it forwarded is in the library when the test ends, even
// when the test fails.
func New(t testing.TB, upstream, path string, opts ...Option) *Recorder {
	panic("not implemented")
}

// NewTransport returns a recording RoundTripper for a test: each request
// goes to its own URL (through [http.DefaultTransport] unless [Transport]
// names another) and the exchange is stored in the library at path, saved in
// t.Cleanup.
func NewTransport(t testing.TB, path string, opts ...Option) http.RoundTripper {
	panic("not implemented")
}

// A Proxy is the recording reverse proxy without a test around it: an
// [http.Handler] that forwards each request to the upstream and appends the
// exchange to the library, saving it after each exchange. It is safe for
// concurrent use.
type Proxy struct {
	// implementation to come
}

// NewProxy returns a recording reverse proxy to upstream storing into lib.
func NewProxy(upstream string, lib *library.Library, opts ...Option) (*Proxy, error) {
	panic("not implemented")
}

// ServeHTTP forwards r to the upstream, streams the response to w and
// stores the exchange.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) { panic("not implemented") }

// NewRoundTripper returns a recording RoundTripper without a test around
// it: it sends each request with the configured transport and appends the
// exchange to lib when the response body has been read to its end (or
// closed), saving after each exchange. It is safe for concurrent use.
func NewRoundTripper(lib *library.Library, opts ...Option) http.RoundTripper {
	panic("not implemented")
}
