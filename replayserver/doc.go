// Package replayserver answers HTTP requests from a cassette library, so
// that tests of code that talks to real APIs run offline, fast and
// repeatably.
//
// A test points its client's base URL at a [Server]:
//
//	srv := replayserver.New(t, "testdata/api", replayserver.Strict())
//	client := weather.NewClient(srv.URL)
//
// Each request is named (see package naming) and answered byte-exact from
// the cassette of that name; a cassette recorded several times replays its
// exchanges in order, then the last one repeats. The server's own address
// (a new port every run) is never part of the match: a request sent to it
// is matched against the cassettes recorded from the upstream's host.
//
// # Modes
//
// [ModeOnce], the default, records a library that does not exist yet and
// replays one that does (and never records when the CI environment
// variable is set). [ModeReplay] never touches the network. [ModeRecord]
// forwards requests no cassette answers to the [Upstream] and stores them;
// [ModeRerecord] forwards and stores everything anew; [ModePassthrough]
// forwards and stores nothing. No mode forwards a CONNECT that asks for a
// tunnel (a client given the server as its HTTPS proxy asks it for one,
// which nothing could name or store): it is a miss whose report says to
// send the requests through srv.Client() instead (see [Server.Transport]).
// Nor does it forward one that names a path, which asks to hand the
// connection over to another protocol (net/rpc's DialHTTP, HTTP/2's
// extended CONNECT): a miss whose report says to serve it from a route of
// [Server.Router]. A CONNECT the caller sends itself through srv.Client(),
// as through [NewTransport], is a request like any other. The environment
// variable CASSETTE_MODE overrides the mode for a whole run:
//
//	CASSETTE_MODE=record go test ./...
//
// # Unused cassettes
//
// The server counts hits. [Server.Unused] and [Server.ReportUnused] list the
// cassettes never used, and with [Strict] they fail the test when it ends
// (unless it skipped itself without failing first), so stale fixtures are found rather than
// kept forever.
//
// # Without a test
//
// [Handler] is the same logic as a plain [http.Handler] for use outside
// tests (cmd/cassette serves it); [NewTransport] replays in process,
// without sockets, for clients whose transport can be set.
package replayserver
