package replayserver

import (
	"net/http"
	"regexp"
	"time"

	"github.com/cassette-go/cassette/internal/redact"
	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/recorder"
)

// An Option configures a replay server or transport. A nil Option is
// ignored.
type Option func(*config)

type config struct {
	strict   bool
	upstream string
	mode     Mode
	rules    naming.Rules
	logf     func(format string, args ...any)
	logHits  bool // log hits too, not only misses and recordings
	format   library.Format
	tls      bool
	noRepeat bool
	timing   bool

	redactHeaders, redactQuery []string
	redactPaths                []*regexp.Regexp
	noDefaultRedaction         bool
	beforeSave                 []func(*library.Exchange) error

	maxBody    int64 // MaxBodySize, when maxBodySet
	maxBodySet bool
	timeout    time.Duration // UpstreamTimeout, when timeoutSet
	timeoutSet bool
	transport  http.RoundTripper // UpstreamTransport; nil: http.DefaultTransport

	server bool // the handler of a Server (New), whose srv.Client() brings requests for other hosts
}

// asServer marks a handler as New's: its errors may point at srv.Client(),
// which a handler of NewHandler has not.
func asServer(c *config) { c.server = true }

// defaultTimeout is the default of UpstreamTimeout, as in package recorder.
const defaultTimeout = 60 * time.Second

// upstreamTimeout returns how long forwarding waits for response headers;
// 0 for no limit.
func (c *config) upstreamTimeout() time.Duration {
	if !c.timeoutSet {
		return defaultTimeout
	}
	return max(c.timeout, 0)
}

// redaction returns the redaction rules the options ask for.
func (c *config) redaction() redact.Rules { return c.redactionWith(!c.noDefaultRedaction) }

// redactionWith returns the redaction rules the options ask for, with the
// default rules when defaults is true, whatever NoDefaultRedaction says:
// what the other setting of NoDefaultRedaction would redact too.
func (c *config) redactionWith(defaults bool) redact.Rules {
	r := redact.Rules{Headers: c.redactHeaders, Query: c.redactQuery, Paths: c.redactPaths, Hooks: c.beforeSave}
	if !defaults {
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
		recorder.RedactPath(c.redactPaths...),
	}
	if c.noDefaultRedaction {
		opts = append(opts, recorder.NoDefaultRedaction())
	}
	for _, hook := range c.beforeSave {
		opts = append(opts, recorder.BeforeSave(hook))
	}
	if c.maxBodySet {
		opts = append(opts, recorder.MaxBodySize(c.maxBody))
	}
	if c.timeoutSet {
		// The forwarder's own transport applies it; passed on for
		// completeness, recorder does not apply it to a given Transport.
		opts = append(opts, recorder.UpstreamTimeout(c.timeout))
	}
	return opts
}

// Strict makes cassettes that were never used fail the test when it ends,
// naming each one. A test that skipped itself without failing first is not
// failed: the cassettes it never used are logged. Nor is a test some of
// whose subtests the run left out (go test -run TestAPI/create, or -skip,
// or -bench for a benchmark's), whose cassettes they may be: they are
// logged too. A cassette that answered requests, but not from all its
// recorded exchanges (a polled endpoint the test now asks fewer times),
// is used and so does not fail the test: it is logged, with the exchanges
// never replayed, unless the run may have left subtests out, which may
// replay them. Default: off (use [Server.Unused] or
// [Server.ReportUnused] to see them).
func Strict() Option { return func(c *config) { c.strict = true } }

// Upstream sets the real API that record, rerecord and passthrough modes
// forward the requests sent to the server's own address to, as an
// absolute URL such as "https://api.example.com", without credentials
// (user:password@ is refused: the server forwards each client's request
// with its own Authorization, or none, and would record without them). A
// path in it prefixes each request's ("https://api.example.com/v1" sends
// /users to /v1/users), and a request for the root goes to that path as
// it is (a GraphQL endpoint "https://api.example.com/graphql" gets the
// requests for srv.URL at /graphql, not /graphql/). In replay mode it is
// used only to name those requests. Default: none; then forwarding modes
// send only requests for another host (through [Server.Transport]) to
// their own URL, and answer those sent to the server's own address with
// 502, failing the test.
func Upstream(url string) Option { return func(c *config) { c.upstream = url } }

// WithMode sets the mode. Default: [ModeOnce]. The environment variable
// CASSETTE_MODE, when set, overrides it for the whole run.
func WithMode(m Mode) Option { return func(c *config) { c.mode = m } }

// Naming sets the rules that name requests (and so match them to
// cassettes). Default: [naming.Default]. Record and replay must use the
// same rules. Rules that [naming.Rules.Validate] refuses (a key of
// Bodies that selects the body of no well-formed media type, a
// significant header name that is no HTTP token or that never reaches
// the API, such as Host or a hop-by-hop field, an invalid route pattern)
// are an error naming what is
// wrong: [New] and [NewTransport] stop the test with it, [NewHandler]
// returns it.
func Naming(r naming.Rules) Option { return func(c *config) { c.rules = r } }

// Logf sets where the server logs one line per request: hit, miss or
// recorded. A miss's report follows its line when no test is failed with
// it ([NewHandler]); [New] and [NewTransport] fail the test with it
// instead. Default: nowhere for [NewHandler]; for [New] and
// [NewTransport], misses and recordings go to t.Logf, hits are not logged
// (a replayed suite stays quiet and fast).
func Logf(f func(format string, args ...any)) Option {
	return func(c *config) { c.logf, c.logHits = f, true }
}

// Format sets the format of the files a directory library creates for the
// cassettes it records, even when its files so far are in the other one (a
// cassette that has a file keeps it, in its own format). Default: the
// format of most files already there, else JSON. A file library's
// extension decides its format: Format is ignored for it, and the log says
// so when they differ.
func Format(f library.Format) Option { return func(c *config) { c.format = f } }

// TLS makes [New] serve HTTPS, with HTTP/2, for clients that insist on it;
// srv.Client() and srv.Transport() trust its certificate. Default: plain
// HTTP/1.1, and HTTP/2 without TLS for clients that speak it from the
// start (h2c with prior knowledge, as grpc-go with insecure credentials
// does).
func TLS() Option { return func(c *config) { c.tls = true } }

// NoRepeat makes a request for a cassette whose exchanges have all been
// served a miss. Default: the last exchange repeats (a polling endpoint
// recorded until "done" keeps answering "done").
func NoRepeat() Option { return func(c *config) { c.noRepeat = true } }

// RedactHeaders adds header names, in any case, to those whose values are
// replaced by "REDACTED" before an exchange is stored or a request named.
// Default: Authorization, Proxy-Authorization, Cookie, Set-Cookie,
// X-Api-Key, X-Auth-Token and X-Amz-Security-Token, and the headers named
// like credentials, whose names in any case, "-" and "_" dropped, hold
// token, secret, password, passwd, apikey, accesskey, privatekey,
// subscriptionkey, authkey, appkey, applicationkey, masterkey or functionskey (X-Vault-Token,
// Private-Token, X-Goog-Api-Key), but for token counts, rate limits,
// pagination, sync, expiry and CSRF tokens (X-RateLimit-Remaining-Tokens,
// X-Next-Page-Token, X-CSRF-Token); unless [NoDefaultRedaction]. Because
// names are computed from redacted requests, a request with another
// developer's credentials replays the same cassette.
func RedactHeaders(names ...string) Option {
	return func(c *config) { c.redactHeaders = append(c.redactHeaders, names...) }
}

// RedactQuery adds query parameter names, in any case, to those whose
// values are replaced by "REDACTED" before an exchange is stored or a
// request named. Default: access_token, api_key, apikey, token, key,
// signature, sig, client_secret, password, private_token, access_key,
// api-key, auth_token, appid (kept when it is a number, an application's
// id, unless RedactQuery names appid), X-Amz-Signature,
// X-Amz-Credential, X-Amz-Security-Token, refresh_token, id_token,
// assertion, client_assertion, code_verifier, X-Goog-Signature,
// X-Goog-Credential, X-Amz-Date and X-Goog-Date (see the recorder
// package's documentation), unless [NoDefaultRedaction].
// The same names are redacted in form bodies
// (application/x-www-form-urlencoded).
func RedactQuery(names ...string) Option {
	return func(c *config) { c.redactQuery = append(c.redactQuery, names...) }
}

// RedactPath adds patterns of URL paths that hold a secret: a bot token
// (Telegram's /bot<token>/getMe), a webhook's key (Slack's
// /services/T…/B…/<secret>, Discord's /api/webhooks/<id>/<token>). Each is
// matched against the escaped path of the request URL (and of Location,
// Content-Location, Referer and the URLs of a Link), and what each match's groups hold (the
// whole match, for a pattern without groups) is replaced by "REDACTED"
// before an exchange is stored or a request named, so the secret is in no
// cassette, no file name nor miss report, and another token replays the
// same cassettes:
//
//	replayserver.RedactPath(regexp.MustCompile(`^/bot([^/]+)/`))
//
// It may be given several times. Default: none; [NoDefaultRedaction] keeps
// these.
func RedactPath(patterns ...*regexp.Regexp) Option {
	return func(c *config) { c.redactPaths = append(c.redactPaths, patterns...) }
}

// NoDefaultRedaction drops the default header and query names, leaving
// only those given by [RedactHeaders] and [RedactQuery].
func NoDefaultRedaction() Option { return func(c *config) { c.noDefaultRedaction = true } }

// BeforeSave adds a hook run on each recorded exchange before it is
// stored, after its URL and headers are redacted: it may rewrite anything,
// such as a token in a JSON body (gzip-encoded when its Content-Encoding
// says so: see recorder.BeforeSave, which says which encodings a hook must
// leave encoded, or fails). An error keeps the exchange from
// being stored and fails the test, and so does a panic. Response bodies,
// and request bodies but for a form's redacted fields, are not redacted
// otherwise: one that holds secret fields once the hooks ran (an OAuth
// token endpoint's access_token, refresh_token, id_token; a JSON login's
// password) is stored as sent, and logged by name, never by value (see
// "Secrets" in the recorder package documentation). Default: none.
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

// MaxBodySize sets the largest request or response body, in bytes, that
// record and rerecord modes store. An exchange with a larger body is
// forwarded, the client getting the whole response, but not stored, and
// the test fails saying so. As no cassette holds a larger request body,
// no more of one than the limit (and a byte) is read to name a request:
// record mode forwards a larger one as it comes; in replay mode it is a
// miss saying why, unless the naming rules leave the body out
// ([naming.Rules.IgnoresBody]), when the request is named and answered
// without it (the server reads the rest and drops it, [NewTransport]
// closes it unread). Give the same limit recording and replaying. 0 or
// less: no limit. Default: 64 MiB (see [recorder.MaxBodySize]).
func MaxBodySize(n int64) Option {
	return func(c *config) { c.maxBody, c.maxBodySet = n, true }
}

// UpstreamTimeout sets how long record, rerecord and passthrough modes
// wait for the upstream's response headers once a request is sent; the
// body may take longer. A request the upstream does not answer in time
// gets 504 Gateway Timeout ([NewTransport]: a timeout error) and nothing
// is stored. 0 or less: no limit. Default: 60 seconds.
func UpstreamTimeout(d time.Duration) Option {
	return func(c *config) { c.timeout, c.timeoutSet = d, true }
}

// UpstreamTransport sets the RoundTripper that record, rerecord and
// passthrough modes send requests through, in place of
// [http.DefaultTransport]: the Client().Transport of an
// [httptest.NewTLSServer] standing in for the API, or a transport with a
// proxy or client certificates. An *[http.Transport] is cloned and set up
// as the default one is ([UpstreamTimeout] applies, and the server stores
// bodies as the upstream sent them, never decompressed); any other
// RoundTripper is used as given.
func UpstreamTransport(rt http.RoundTripper) Option {
	return func(c *config) { c.transport = rt }
}
