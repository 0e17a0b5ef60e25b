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
// order, trailers, body), the latency from sending the request to the end
// of the response body, and the time of recording. The exchange is
// appended to the cassette named by [naming.Name] for the request as sent
// (the proxy's outbound request, so the upstream's host and port), and the
// library is saved at once.
//
// Response bodies are streamed: the client gets each byte as it arrives
// and a copy is kept. The exchange is stored when the body has been read
// to its end, or when it is closed early (the rest is then read from the
// upstream first, so closing an endless stream early waits until the
// upstream ends it or the request's context is canceled), exactly once.
// Nothing is stored when the request could not be sent (connection
// refused, timeout) or the body broke off (a reset mid-body): the client
// gets the error. Protocol upgrades (101 Switching Protocols, WebSocket)
// are passed through and not stored.
//
// The same request recorded several times gives one cassette holding the
// exchanges in the order their bodies ended.
package recorder
