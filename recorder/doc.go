// Package recorder captures real HTTP exchanges into a cassette library: a
// recording reverse proxy ([New], [NewProxy]) for clients whose base URL can
// be set, and a recording [http.RoundTripper] ([NewTransport],
// [NewRoundTripper]) for clients whose transport can be set.
//
// What is stored is what the upstream sent: the body byte-exact (no
// transparent gzip decoding), redirects not followed, 4xx and 5xx kept.
//
// # What is stored, and when
//
// For each exchange the library gets the request (method, absolute URL,
// headers as sent, body) and the response (status, every header value in
// order, trailers, body), redacted (see Secrets below), the latency from
// sending the request to the end of the response body, and the time of
// recording. The exchange is appended to the cassette named by
// [naming.Name] for the redacted request as sent (the proxy's outbound
// request, so the upstream's host and port), and the library is saved in
// the background moments later (one save at a time, each taking every
// exchange recorded meanwhile): [Recorder.Save], the Close of a
// RoundTripper or [Proxy] and the end of the test wait for it.
//
// The replay server's own headers (X-Cassette-Scheme, X-Cassette-Host,
// X-Cassette-Url-Host and X-Cassette-Secret, which its srv.Client() adds
// for the server alone) are dropped from each request, under any
// spelling of their keys, as the replay server drops them from any
// request it does not honour them in: they are neither sent upstream nor
// stored, and name no request; sent as a request's trailers, they are
// not sent upstream either. So are the fields Host and
// Transfer-Encoding under any spelling of their keys: Go's client sends
// neither from the header under its canonical key, but another spelling
// as it is (req.Header["host"], a second Host line that a server answers
// 400). The caller's request is not modified.
//
// Response bodies are streamed: the client gets each byte as it arrives
// and a copy is kept. The exchange is stored, exactly once, when the body
// has been read to its end; for a body the client stops reading before
// its end, see below. Nothing is stored when the request could not be
// sent (connection refused, timeout) or the body broke off (a reset or a
// timeout mid-body): the client gets the error, and the log (see [Logf])
// says the exchange was not stored. Protocol upgrades (101 Switching
// Protocols, WebSocket) are passed through and not stored.
//
// The same request recorded several times gives one cassette holding the
// exchanges in the order their bodies ended. A recorder has no modes: it
// records every request, whatever the environment (CI included), and
// appends to a cassette the library held before, whose earlier exchanges
// then answer first on replay. Give it a library of its own, or use
// package replayserver, whose modes replay in CI and rerecord anew.
//
// # Bodies the client stops reading
//
// A client may stop reading a response before its end: it closes the
// body, cancels the request's context, or leaves the proxy. Closing never
// waits for the upstream: the recorder reads what the upstream goes on
// sending only while it keeps coming (until it pauses for 100 ms, for a
// second at most), to see whether the body ends, then closes the upstream
// body.
//
// A stream, a response without Content-Length (chunked, or a server-sent
// event stream: a Kubernetes watch, an LLM's streamed answer), that ends
// meanwhile is stored whole. One that goes on is stored as far as the
// client read it, as a complete stream: replay sends those pieces and ends
// it, so the client gets the events it got while recording. The log line
// of the exchange says so:
//
//	recorded GET https://k8s.example/api/v1/pods?watch=true -> 200 as NAME, a stream the client stopped (the client closed the body), stored up to there: 3 pieces, 551 bytes; replay ends it there
//
// A body of known length (Content-Length) that has not all arrived when
// the client closes it is read to its end in the background, up to
// [MaxBodySize] and for at most [UpstreamTimeout], and stored whole: the
// client, replayed, reads what it needs of it as it did. Closing the
// RoundTripper (or the end of the test, or [Recorder.Save]) waits for it.
// The request's context ending after the close (http.Client ends it right
// after Close when it has a Timeout) does not stop that reading while the
// rest keeps coming. A body of known length is not stored cut short, which
// would not replay: if the request's context ends before the close, or
// nothing more of the body arrives for a second after it ended, or the
// upstream fails, or the time is up, the exchange is not stored and the
// log says why and what to do. The same holds when the
// client closes the body while another of its goroutines is reading it:
// the upstream body is then closed at once, to end that Read, and the
// rest cannot be read.
//
// Through the recording proxy ([New], [NewProxy]) a client that closes a
// body of known length before its end leaves: Go's client drops its
// connection, which a server cannot tell from a canceled request. The
// proxy then goes on reading the rest from the upstream while it keeps
// coming, and stores the body whole; it gives up, storing nothing and
// saying so in the log, once it has read nothing more for a second, or
// [UpstreamTimeout] after the client left. The end of the test waits for
// it, and so does [Recorder.Save] once the proxy has seen the client
// leave (a Save called at the very moment the client closes the body may
// come first). A stream whose client leaves is stored as far as it
// arrived, at once.
//
// A request whose context ended while its body was being read is ended
// when the RoundTripper is closed, at the latest (waiting up to a second
// for a Read in progress): a test that stops a watch by canceling its
// context finds the watch recorded when the test ends.
//
// # Limits
//
// An exchange whose request or response body is larger than [MaxBodySize]
// (64 MiB by default) is forwarded whole but not stored, and [OnError] is
// told; no copy of a body is kept past the limit. A request whose body
// is not as long as its ContentLength says (ContentLength 0 or -1 says
// nothing) is an error from RoundTrip, as from [http.Transport], and is
// stored nowhere: a body the recorder reads whole, or up to the limit
// while its ContentLength is under it, is not sent at all; one over the
// limit whose ContentLength is over it too, sent as it comes, is broken
// off before the upstream has the length it was told when it is in memory
// (GetBody set, as [http.NewRequest] sets it), so that no upstream answers
// a request cut to it. A stream, whose writer may wait for the answer
// before it ends it, is handed on whole up to its length and checked past
// it as [http.Transport] checks it: the upstream has the length of one
// that goes on past it, and may answer before the round trip fails. The transports the
// recorder makes wait [UpstreamTimeout] (60 seconds by default) for the
// response headers: the proxy answers a request that timed out with 504
// Gateway Timeout, one it could not forward with 502 Bad Gateway, and
// stores neither.
//
// # Large bodies
//
// A response body of up to 8 MiB is kept in memory and stored in the
// cassette. A larger one is written to disk as it arrives, into a body
// file of the library (see "Body files" in package library), and the
// cassette refers to that file: recording holds at most 8 MiB of a body
// in memory, whatever its size, so with [MaxBodySize] raised a download
// of gigabytes is recorded without filling memory (and replayed from disk
// by package replayserver). A body in a file is replayed as one stream:
// its recorded chunks are not kept. Request bodies are always kept in
// memory and in the cassette, up to [MaxBodySize]; [BeforeSave] sees a
// large response body as [library.Response.BodyFile], not as Body. An
// exchange that is not stored after its body reached a body file (a hook
// refused it or panicked, the library refused it) takes its body file
// with it: the recorder gives it up with [library.Library.ReleaseBody],
// which removes it unless it is shared (another exchange, stored, saved
// or still being recorded, has the same body).
//
// # Secrets
//
// Credentials are never written to disk: what is named and stored is
// redacted, each secret value replaced by the placeholder "REDACTED". The
// request sent upstream and the response handed to the client are not
// changed (the client still gets its real Set-Cookie).
//
// By default these headers are redacted, their names in any case:
// Authorization and Proxy-Authorization keep their scheme word ("Bearer
// REDACTED", "AWS4-HMAC-SHA256 REDACTED"); Cookie keeps each cookie's name
// ("a=REDACTED; b=REDACTED"); Set-Cookie keeps the name and attributes
// ("session=REDACTED; Path=/; HttpOnly"); X-Api-Key, X-Auth-Token and
// X-Amz-Security-Token are replaced whole. So is every header named like
// a credential, in requests and responses (X-Vault-Token, Private-Token,
// X-Goog-Api-Key, Ocp-Apim-Subscription-Key): a name holding, in any case
// with "-" and "_" dropped, token, secret, password, passwd, apikey,
// accesskey, privatekey, subscriptionkey, authkey, appkey, applicationkey, masterkey
// or functionskey; not token counts, rate limits, pagination, sync, expiry
// or CSRF tokens (X-RateLimit-Remaining-Tokens, X-Next-Page-Token,
// X-CSRF-Token). So are these query parameters,
// their decoded names in any case, in the request URL and in URL-valued
// headers (Location, Content-Location, Referer, each URL of a Link):
// access_token, api_key, apikey, token, key, signature, sig,
// client_secret, password, private_token, access_key, api-key,
// auth_token, appid (but for a number, an application's id: Steam's
// appid=440 names a game),
// X-Amz-Signature, X-Amz-Credential, X-Amz-Security-Token, OAuth's
// refresh_token, id_token, assertion, client_assertion and code_verifier,
// X-Goog-Signature and X-Goog-Credential, and the signing time of a
// presigned URL (X-Amz-Date, X-Goog-Date: no secret, but new on every
// run, so that the URL keeps its cassette name); in those
// headers, in a fragment of parameters too (OAuth's implicit grant sends
// its token so: #access_token=...). The rest of the query is kept byte for
// byte. The password of a URL's user
// information ("https://me:REDACTED@host/"), or its user name when it has
// no password, which is then the token ("https://REDACTED@host/"), is
// redacted with Authorization. Empty values, which hide nothing, are kept.
//
// The same parameters are redacted in form request bodies
// (application/x-www-form-urlencoded: OAuth's client_secret and
// refresh_token, Slack's token).
//
// [RedactHeaders] and [RedactQuery] add names to these; [NoDefaultRedaction]
// drops the defaults. Other bodies are stored as they are: a [BeforeSave]
// hook rewrites them (a "password" field of a JSON body, say), or refuses
// to store an exchange.
//
// Response bodies are stored as sent, so an OAuth token endpoint's answer
// ({"access_token": "...", "refresh_token": "...", "id_token": "..."}, or
// the form access_token=...&scope=...) would be committed unseen: once an
// exchange is stored and its hooks ran, the recorder logs (to [Logf]) one
// line naming its method, its redacted URL and the secret fields its
// response body holds with a value, never the values (once for each
// cassette and set of fields, however often it is stored). The body is
// scanned as JSON (of a JSON type, text/plain or none) or as a form, decoded from
// gzip or deflate, when it is at most 1 MiB and not in a body file; the
// fields are those cassette audit reports (the query parameters redacted
// above, refresh_token, id_token, client_token, secret and others, in any
// case, with or without "_"), empty, "REDACTED" and masked ("****") values
// aside. A BeforeSave hook that redacts them silences the line; what is
// stored is not changed.
//
// A request body is scanned the same way once it is stored (a form
// redacted, the hooks run), and its secret fields logged in a line of
// their own that says it is the request body: a JSON login's password,
// Vault's AppRole secret_id, a form field the query rules above do not
// name (consumer_secret). A form is read as cassette audit reads a
// request's: a field they redact is REDACTED by then, and not logged,
// unless redaction is off (NoDefaultRedaction), when even a short
// token=abc is.
//
// The cassette name is that of the redacted request, so a redacted value
// is never part of a name or file name, and the same call made with other
// credentials gets the same name (the replay server names requests the
// same way). A non-empty request body is hashed into the name as it was
// sent (a form redacted), before BeforeSave hooks run.
package recorder
