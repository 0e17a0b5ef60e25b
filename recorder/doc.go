// Package recorder captures real HTTP exchanges into a cassette library: a
// recording reverse proxy ([New], [NewProxy]) for clients whose base URL can
// be set, and a recording [http.RoundTripper] ([NewTransport],
// [NewRoundTripper]) for clients whose transport can be set.
//
// What is stored is what the upstream sent: the body byte-exact (no
// transparent gzip decoding), redirects not followed, 4xx and 5xx kept.
package recorder
