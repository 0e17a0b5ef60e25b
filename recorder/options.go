package recorder

import (
	"fmt"
	"log"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/cassette-go/cassette/internal/headerkey"
	"github.com/cassette-go/cassette/internal/redact"
	"github.com/cassette-go/cassette/internal/secretscan"
	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
)

// An Option configures a recorder. A nil Option is ignored.
type Option func(*config)

type config struct {
	transport    http.RoundTripper
	rules        naming.Rules
	logf         func(format string, args ...any)
	onError      func(error)
	onRecord     func(name string, ex library.Exchange)
	onBroken     func(name string, err error)
	onUnanswered func(err error)

	redactHeaders []string
	redactQuery   []string
	redactPaths   []*regexp.Regexp
	noDefaults    bool // NoDefaultRedaction was given
	beforeSave    []func(*library.Exchange) error

	maxBody int64         // MaxBodySize; 0 or less: no limit
	timeout time.Duration // UpstreamTimeout; 0 or less: none
}

// DefaultMaxBodySize is the limit [MaxBodySize] sets when not given: 64 MiB.
const DefaultMaxBodySize = 64 << 20

// The default of UpstreamTimeout.
const defaultTimeout = 60 * time.Second

// warnSignificant logs each significant header the options redact, which
// then tells cassettes apart only by what of it is kept (see
// redact.SignificantWarning), as the replay server does: to Logf, or to
// the standard logger for a Logf of nil, as logError logs. New and
// NewTransport log it (to the test, or to Logf); NewProxy and
// NewRoundTripper, which the replay server and cassette record build on
// and which warn in their own words, do not.
func (c *config) warnSignificant() {
	for _, k := range c.redaction().SignificantRedacted(c.rules) {
		c.logError("recorder: naming: %s, or keep its value %s", redact.SignificantWarning(k), redact.KeepHint(k, c.redactHeaders, c.noDefaults))
	}
}

// newConfig applies opts in order, so a later option overrides an earlier
// one.
func newConfig(opts []Option) config {
	c := config{maxBody: DefaultMaxBodySize, timeout: defaultTimeout}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	return c
}

// redaction returns the redaction rules the options give: the defaults
// (unless NoDefaultRedaction), the names added by RedactHeaders and
// RedactQuery, and the BeforeSave hooks in order.
func (c *config) redaction() redact.Rules {
	var base redact.Rules
	if !c.noDefaults {
		base = redact.Default()
	}
	return base.With(redact.Rules{Headers: c.redactHeaders, Query: c.redactQuery, Paths: c.redactPaths, Hooks: c.beforeSave})
}

// logRecorded logs one stored exchange, if a Logf was given; note, if
// not empty, ends the line.
func (c *config) logRecorded(name string, ex *library.Exchange, note string) {
	if c.logf != nil {
		c.logf("recorded %s %s -> %d as %s%s", ex.Request.Method, ex.Request.URL, ex.Response.StatusCode, name, note)
	}
}

// logSecretFields logs, as logError does, the secret fields (OAuth's
// access_token, refresh_token and id_token, a client_secret, a password,
// Vault's secret_id, ...) that the request body and the response body of
// ex, as stored, hold with a value (see [secretscan.Fields], and
// [secretscan.RequestFields] for the request: a form's fields as cassette
// audit finds a request's, consumer_secret, a token=abc that no rule
// redacted), one line for each body: redaction leaves response bodies as sent, and request
// bodies too but for the fields of a form that the query rules name (a
// JSON login's password, Vault's AppRole role_id and secret_id), so a
// token endpoint's answer, or a login, would be committed unseen. Fields
// redacted already (REDACTED) are none. Their values are not logged. A
// BeforeSave hook that redacts them silences it; a body in a body file is
// not scanned. It logs once for the cassette called name, the body
// (request or response) and those fields: first reports whether its key
// was not seen before (a polled or refreshed token endpoint stores the
// same answer again and again, which one line is enough to tell of).
func (c *config) logSecretFields(name string, ex *library.Exchange, first func(key string) bool) {
	if len(ex.Request.Body) > 0 {
		h := ex.Request.Header // a client's request may set "content-type"
		names := secretscan.RequestFields(headerkey.Get(h, "Content-Type"), headerkey.Get(h, "Content-Encoding"), ex.Request.Body)
		if len(names) > 0 && first("request\x00"+name+"\x00"+strings.Join(names, "\x00")) {
			c.logError("recorder: %s %s: the request body was stored with the secret field(s) %s as sent (of a request body only the form fields named as redacted query parameters are redacted): redact them with a BeforeSave hook, or edit the cassette, before committing it, and leave them out of the cassette name with a body rule (README: Security); cassette audit finds them",
				ex.Request.Method, ex.Request.URL, strings.Join(names, ", "))
		}
	}
	if ex.Response.BodyFile != "" || len(ex.Response.Body) == 0 {
		return
	}
	h := ex.Response.Header
	names := secretscan.Fields(h.Get("Content-Type"), h.Get("Content-Encoding"), ex.Response.Body)
	if len(names) == 0 || !first("response\x00"+name+"\x00"+strings.Join(names, "\x00")) {
		return
	}
	c.logError("recorder: %s %s: the response body was stored with the secret field(s) %s as sent (response bodies are not redacted): redact them with a BeforeSave hook, or edit the cassette, before committing it (README: Security); cassette audit finds them",
		ex.Request.Method, ex.Request.URL, strings.Join(names, ", "))
}

// logError logs a failure to forward a request: to Logf if given, else to
// the standard logger, so it is never silent.
func (c *config) logError(format string, args ...any) {
	if c.logf != nil {
		c.logf(format, args...)
		return
	}
	log.Printf(format, args...)
}

// storeFailed reports an exchange that could not be stored.
func (c *config) storeFailed(err error) {
	if c.onError != nil {
		c.onError(err)
		return
	}
	c.logError("%v", err)
}

// Transport sets the transport used to reach the upstream. It is used as
// it is ([UpstreamTimeout] does not change it), but for its transparent
// gzip: an [*http.Transport] that would ask for gzip and decode the answer
// is cloned with compression handling disabled, so that requests go
// upstream as sent and bodies are stored as the upstream sent them (a
// recording RoundTripper then asks for gzip and decodes it for its caller
// itself, as the transport would have). Default: for a proxy a clone of
// [http.DefaultTransport] with compression handling disabled; for a
// recording RoundTripper a clone of [http.DefaultTransport]; both wait for
// response headers as long as [UpstreamTimeout] says.
func Transport(rt http.RoundTripper) Option { return func(c *config) { c.transport = rt } }

// Naming sets the rules that name recorded requests. Names are computed
// from the redacted request, so a significant credential header hashes to
// the same name whatever its value. Default: [naming.Default]. Rules
// that [naming.Rules.Validate] refuses (a route pattern that matches
// nothing, a key of Bodies that selects the body of no well-formed media
// type), which the replay server refuses too, record nothing: [New] and
// [NewTransport] stop the test with the error, [NewProxy] returns it, and
// a RoundTripper of [NewRoundTripper] returns it from each RoundTrip,
// sending nothing.
func Naming(r naming.Rules) Option { return func(c *config) { c.rules = r } }

// rulesError returns the error of naming rules that
// [naming.Rules.Validate] refuses, or nil.
func (c *config) rulesError() error {
	if err := c.rules.Validate(); err != nil {
		return fmt.Errorf("recorder: naming rules: %w", err)
	}
	return nil
}

// Logf sets where the recorder logs each recorded exchange, one line each:
//
//	recorded GET http://127.0.0.1:8080/v1/users -> 200 as GET_127.0.0.1_8080_v1_users
//
// and the requests it could not forward and the responses it did not
// store (a body the upstream broke off, or one of known length the client
// cut short: see "Bodies the client stops reading" in the package
// documentation), and, from [New] and [NewTransport], a significant
// header the options redact; and, after an exchange is stored, the secret
// fields its response body, and its request body, hold with a value, by
// name, never their values (an OAuth token endpoint's JSON or form
// answer: access_token, refresh_token, id_token, client_secret, password,
// ...; a JSON login's password, Vault's AppRole secret_id), which a
// [BeforeSave] hook that redacts them silences (see "Secrets" in the
// package documentation). Default (and for nil): stored exchanges are
// not logged, the rest goes to the standard logger ([New] and
// [NewTransport] log all of it to t.Logf unless Logf is given).
func Logf(f func(format string, args ...any)) Option { return func(c *config) { c.logf = f } }

// OnError sets what is called when an exchange cannot be stored (the client
// still gets the response), or a request cannot be recorded at all (a
// CONNECT to the recording proxy, refused: see [Proxy.ServeHTTP]). Default:
// the error is logged (see [Logf]). [New] and [NewTransport] fail the test
// with it.
func OnError(f func(error)) Option { return func(c *config) { c.onError = f } }

// OnBrokenBody sets what is called when the recording ends (the Close of
// the RoundTripper or [Proxy], the end of the test for [New] and
// [NewTransport]) for each cassette that lacks an answer: the upstream
// broke off a response body of it (a reset, a timeout, fewer bytes than
// its Content-Length announced), so its client's read failed and the
// exchange was not stored, and no request of that cassette sent after the
// broken one (a retry) was recorded whole. err says what was received,
// for the earliest sent of the broken requests no retry made up for. Each break is logged as it happens (see
// [Logf]); a body the client stopped reading (closed, canceled, its
// Timeout) is no break, nor is a request the upstream did not answer at
// all (its client got an error, and the proxy answers 502 or 504). It is
// called once per cassette, from the goroutine that closes. Default:
// none. [New] and [NewTransport] fail the test with it: record again once
// the upstream answers whole.
func OnBrokenBody(f func(name string, err error)) Option {
	return func(c *config) { c.onBroken = f }
}

// OnUnanswered sets a function called, besides the log line, for each
// request the recording proxy ([New], [NewProxy]) forwarded and the
// upstream did not answer (refused, reset, no headers within
// [UpstreamTimeout]): the proxy answers it 502 or 504, and nothing is
// stored, so the library lacks its cassette. Not for a client that left
// (canceled, or broke off its request body), nor for a request cut off
// as the server stopped. It may be called from several goroutines at
// once. Default: none (the log says it).
func OnUnanswered(f func(err error)) Option { return func(c *config) { c.onUnanswered = f } }

// OnRecord sets a function called after each exchange is stored, with the
// cassette name and the exchange as stored, redacted. The exchange is in
// the library then, not yet on disk: the library is saved in the
// background, and [Recorder.Save] or the Close of the RoundTripper or
// [Proxy] waits for that. It may be called from several goroutines at
// once, among them the recorder's own, reading the rest of a body its
// client closed early: it must not call Save or Close, which wait for
// those reads (and so for it). Default: none.
func OnRecord(f func(name string, ex library.Exchange)) Option {
	return func(c *config) { c.onRecord = f }
}

// RedactHeaders adds header names, in any case, to those whose values are
// replaced by "REDACTED" in what is named and stored; it may be given
// several times. Default: Authorization, Proxy-Authorization, Cookie,
// Set-Cookie, X-Api-Key, X-Auth-Token and X-Amz-Security-Token (see the
// package documentation), and the headers named like credentials, whose
// names in any case, "-" and "_" dropped, hold token, secret, password,
// passwd, apikey, accesskey, privatekey, subscriptionkey, authkey, appkey,
// applicationkey, masterkey or functionskey (X-Vault-Token, Private-Token, X-Goog-Api-Key), but
// for token counts, rate limits, pagination, sync, expiry and CSRF tokens
// (X-RateLimit-Remaining-Tokens, X-Next-Page-Token, X-CSRF-Token); unless
// [NoDefaultRedaction].
func RedactHeaders(names ...string) Option {
	return func(c *config) { c.redactHeaders = append(c.redactHeaders, names...) }
}

// RedactQuery adds query parameter names, in any case, to those whose
// values are replaced by "REDACTED" in what is named and stored; it may be
// given several times. Default: access_token, api_key, apikey, token, key,
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
// whole match, for a pattern without groups) is replaced by "REDACTED" in
// what is named and stored, so the secret is in no cassette, no file name,
// and another token replays the same cassettes:
//
//	recorder.RedactPath(regexp.MustCompile(`^/bot([^/]+)/`))
//
// It may be given several times. Default: none; [NoDefaultRedaction] keeps
// these.
func RedactPath(patterns ...*regexp.Regexp) Option {
	return func(c *config) { c.redactPaths = append(c.redactPaths, patterns...) }
}

// NoDefaultRedaction drops the default header and query names, leaving
// only those given by [RedactHeaders] and [RedactQuery]. Default: the
// defaults apply.
func NoDefaultRedaction() Option { return func(c *config) { c.noDefaults = true } }

// BeforeSave adds a hook run on each exchange before it is stored, after
// its URL and headers are redacted: it may rewrite anything, such as a
// field of a JSON body. The response body it sees is the one the upstream
// sent: gzip-encoded when its Content-Encoding says so, as most APIs
// answer a recording RoundTripper, which asks for gzip as
// [http.Transport] does. A hook that rewrites such a body decodes it and
// encodes it again; one that leaves a body that no longer decodes under
// its Content-Encoding fails as if it had returned an error, as the
// exchange would not replay: gzip (or x-gzip) and deflate (zlib-wrapped
// or raw) are checked, inline or in a body file, a body file moved inline
// included; other codings (br, zstd) and several in a row are not. A body
// the hooks left as the upstream sent it is not checked (not decoded),
// nor one the upstream sent that did not decode either. Hooks run in the
// order given, possibly from several goroutines at once (the recorder's
// own among them: a hook must not call Save or Close, which wait for
// it). An error stops the exchange from being
// stored and is reported to [OnError], and so does a panic (the error
// then holds its value and stack); the client still gets its response.
// A large body the hook sees in a body file is then removed from disk,
// unless another exchange of the library has the same body (see "Large
// bodies" in the package documentation); so is one a hook replaced
// (moved inline, redacted). Default: none.
func BeforeSave(hook func(*library.Exchange) error) Option {
	return func(c *config) {
		if hook != nil {
			c.beforeSave = append(c.beforeSave, hook)
		}
	}
}

// MaxBodySize sets the largest request or response body, in bytes, that is
// stored. An exchange with a larger body is forwarded as usual, the client
// getting the whole response, but not stored: [OnError] gets an error
// naming the limit, which wraps [ErrBodyTooLarge]. The recorder keeps no
// copy of a body past the limit, and writes a response body of over 8 MiB
// to a body file as it arrives (see "Large bodies" in the package
// documentation), so a huge download does not fill memory. 0 or less: no
// limit. Default: [DefaultMaxBodySize].
func MaxBodySize(n int64) Option { return func(c *config) { c.maxBody = n } }

// UpstreamTimeout sets how long the recorder waits for the upstream's
// response headers once the request is sent (the
// ResponseHeaderTimeout of the transport it makes); the body may take
// longer. An upstream that does not answer in time fails the request with
// a timeout error, which the proxy answers with 504 Gateway Timeout, and
// nothing is stored. The wait for headers is not changed in a transport
// given by [Transport], which keeps its own settings. Whatever the
// transport, UpstreamTimeout also bounds how long the recorder goes on
// reading a body of known length the client closed before its end (see
// "Bodies the client stops reading" in the package documentation). 0 or
// less: no limit. Default: 60 seconds.
func UpstreamTimeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }
