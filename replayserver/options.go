package replayserver

import (
	"github.com/cassette-go/cassette/internal/redact"
	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/recorder"
)

// An Option configures a replay server or transport.
type Option func(*config)

type config struct {
	strict   bool
	upstream string
	mode     Mode
	rules    naming.Rules
	logf     func(format string, args ...any)
	format   library.Format
	tls      bool
	noRepeat bool
	timing   bool

	redactHeaders, redactQuery []string
	noDefaultRedaction         bool
	beforeSave                 []func(*library.Exchange) error
}

// redaction returns the redaction rules the options ask for.
func (c *config) redaction() redact.Rules {
	r := redact.Rules{Headers: c.redactHeaders, Query: c.redactQuery, Hooks: c.beforeSave}
	if c.noDefaultRedaction {
		return r
	}
	return redact.Default().With(r)
}

// recorderOptions passes the options that recording shares on to package
// recorder.
func (c *config) recorderOptions() []recorder.Option {
	opts := []recorder.Option{
		recorder.Naming(c.rules),
		recorder.RedactHeaders(c.redactHeaders...),
		recorder.RedactQuery(c.redactQuery...),
	}
	if c.noDefaultRedaction {
		opts = append(opts, recorder.NoDefaultRedaction())
	}
	for _, hook := range c.beforeSave {
		opts = append(opts, recorder.BeforeSave(hook))
	}
	return opts
}

// Strict makes cassettes that were never used fail the test when it ends,
// naming each one. Default: off (use [Server.Unused] or
// [Server.ReportUnused] to see them).
func Strict() Option { return func(c *config) { c.strict = true } }

// Upstream sets the real API that record, rerecord and passthrough modes
// forward to, as an absolute URL such as "https://api.example.com". In
// replay mode it is used only to name requests sent to the server's own
// address. Default: none.
func Upstream(url string) Option { return func(c *config) { c.upstream = url } }

// WithMode sets the mode. Default: [ModeReplay]. The environment variable
// CASSETTE_MODE, when set, overrides it for the whole run.
func WithMode(m Mode) Option { return func(c *config) { c.mode = m } }

// Naming sets the rules that name requests (and so match them to
// cassettes). Default: [naming.Default]. Record and replay must use the
// same rules.
func Naming(r naming.Rules) Option { return func(c *config) { c.rules = r } }

// Logf sets where the server logs one line per request (hit, miss, recorded).
// Default: nowhere for [NewHandler]; t.Logf for [New] and [NewTransport].
func Logf(f func(format string, args ...any)) Option { return func(c *config) { c.logf = f } }

// Format sets the format of the files a directory library records into
// when it has none yet. Default: the format of the files already there,
// else JSON. A file library's extension decides its format.
func Format(f library.Format) Option { return func(c *config) { c.format = f } }

// TLS makes [New] serve HTTPS, with HTTP/2, for clients that insist on it;
// srv.Client() and srv.Transport() trust its certificate. Default: plain
// HTTP/1.1.
func TLS() Option { return func(c *config) { c.tls = true } }

// NoRepeat makes a request for a cassette whose exchanges have all been
// served a miss. Default: the last exchange repeats (a polling endpoint
// recorded until "done" keeps answering "done").
func NoRepeat() Option { return func(c *config) { c.noRepeat = true } }

// RedactHeaders adds header names, in any case, to those whose values are
// replaced by "REDACTED" before an exchange is stored or a request named.
// Default: Authorization, Proxy-Authorization, Cookie, Set-Cookie,
// X-Api-Key, X-Auth-Token and X-Amz-Security-Token, unless
// [NoDefaultRedaction]. Because names are computed from redacted requests,
// a request with another developer's credentials replays the same
// cassette.
func RedactHeaders(names ...string) Option {
	return func(c *config) { c.redactHeaders = append(c.redactHeaders, names...) }
}

// RedactQuery adds query parameter names, in any case, to those whose
// values are replaced by "REDACTED" before an exchange is stored or a
// request named. Default: access_token, api_key, apikey, token, key,
// signature, sig, client_secret, password, X-Amz-Signature,
// X-Amz-Credential and X-Amz-Security-Token, unless [NoDefaultRedaction].
func RedactQuery(names ...string) Option {
	return func(c *config) { c.redactQuery = append(c.redactQuery, names...) }
}

// NoDefaultRedaction drops the default header and query names, leaving
// only those given by [RedactHeaders] and [RedactQuery].
func NoDefaultRedaction() Option { return func(c *config) { c.noDefaultRedaction = true } }

// BeforeSave adds a hook run on each recorded exchange before it is
// stored, after its URL and headers are redacted: it may rewrite anything,
// such as a token in a JSON body. An error keeps the exchange from being
// stored and fails the test. Default: none.
func BeforeSave(hook func(*library.Exchange) error) Option {
	return func(c *config) {
		if hook != nil {
			c.beforeSave = append(c.beforeSave, hook)
		}
	}
}

// RecordedTiming replays with the recorded timing: each piece of a
// streamed body (an event of an event stream, a chunk of a chunked body)
// is written when it arrived while recording, and other responses are
// delayed by their recorded latency. Default: off, replay is as fast as
// possible (streams are still written and flushed piece by piece).
func RecordedTiming() Option { return func(c *config) { c.timing = true } }
