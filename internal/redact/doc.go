// Package redact keeps secrets out of cassettes: it replaces the values of
// credential headers and query parameters with [Placeholder] in what is
// named and in what is stored, and runs user hooks on each exchange before
// it is saved.
//
// It is shared by the recorder, which names and stores redacted
// exchanges, and the replay server, which names incoming requests the
// same way, so a request carrying another developer's token finds the
// cassette recorded with yours. A redacted value is never part of a
// cassette name or file name.
//
// # What is replaced
//
// A header is redacted when its name is in [Rules.Headers], in any case,
// or, with [Rules.CredentialHeaders] (a default), when its name looks like
// a credential's: in lower case with "-" and "_" dropped, it contains
// token, secret, password, passwd, apikey, accesskey, privatekey,
// subscriptionkey, authkey, appkey, applicationkey, masterkey or functionskey (X-Vault-Token,
// Private-Token, X-Shopify-Access-Token, X-Subject-Token, X-Goog-Api-Key,
// Ocp-Apim-Subscription-Key, DD-Application-Key). Two kinds of names with
// token are not credentials':
//
//   - token directly followed by "s", a count (X-Usage-Prompt-Tokens,
//     rate limits such as X-RateLimit-Remaining-Tokens);
//   - a name whose only such part is token and that also contains
//     pagetoken, nexttoken, continuationtoken, synctoken,
//     paginationtoken, pagingtoken, cursortoken, resumetoken,
//     tokenexpir, csrf or xsrf: pagination, cursor, resume and sync
//     tokens, which a client sends back in its next request, which would
//     no longer match its cassette once redacted (X-Next-Page-Token); a
//     token's expiry (GitHub-Authentication-Token-Expiration);
//     anti-forgery tokens, worthless without the session cookie
//     (X-CSRF-Token).
//
// See [CredentialHeader]. The rule is the same for request and response
// headers and trailers: a response header such as X-Subject-Token carries
// a token too.
//
// Each value of a redacted header is replaced, keeping what tells a
// reader what it was:
//
//	Cookie:        a=1; b=2                   -> a=REDACTED; b=REDACTED
//	Set-Cookie:    session=abc; Path=/        -> session=REDACTED; Path=/
//	Authorization: Bearer abc                 -> Bearer REDACTED
//	Authorization: AWS4-HMAC-SHA256 Cred=...  -> AWS4-HMAC-SHA256 REDACTED
//	X-Api-Key:     abc                        -> REDACTED
//	X-Vault-Token: hvs.abc                    -> REDACTED
//
// Authorization and Proxy-Authorization keep their scheme word (a token
// of letters, digits and "-_." starting with a letter, at most 32 bytes,
// followed by a space and the credentials); any other value is replaced
// whole. Empty values, which hide nothing, are kept, and so is a
// User-Agent that is Go's own (Go-http-client/1.1 or /2.0, which Go's
// client sends for a request that sets none).
//
// A query parameter is redacted when its decoded name is in
// [Rules.Query], in any case: its value becomes the placeholder and every
// other byte of the query stays as it was (order, escapes, other
// parameters). A parameter without a value, or with an empty one, is kept.
// The same applies to the query of URL-valued headers (Location,
// Content-Location, Referer, and each URL of a Link), and, when the rules redact Authorization, to
// the password of a URL's user information ("https://me:REDACTED@host/"),
// or to its user name when it has no password, which is then the token
// ("https://REDACTED@host/", Stripe's "https://REDACTED:@host/"): Go's
// client sends both as Basic credentials.
//
// Redacting is idempotent: a value that is already the placeholder is
// left alone, so redacting a redacted request returns it unchanged.
package redact
