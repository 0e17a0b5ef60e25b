// Package secretscan finds secrets in recorded exchanges: API keys and
// tokens of known shapes in text, secret query parameters and form fields
// in URLs, and secret members of JSON bodies. cassette audit reports what
// it finds in a library; the recorder logs the secret fields of a
// request or response body it stores (see [Fields]).
package secretscan
