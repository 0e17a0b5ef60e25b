// Package pythoncassette holds no code: its tests walk through the
// documentation of the Python library cassette, of which Cassette for Go is
// a redesign, example by example, as a user coming from it would write each
// one in Go. They run offline: the "internet" of each is a server the test
// starts on 127.0.0.1.
//
//   - The quickstart (TestQuickstart): the first run stores every request
//     the code makes in data/responses.yaml; the next ones answer from that
//     file without the network.
//   - cassette.play (TestQuickstart): replayserver.New, or
//     replayserver.NewTransport, ended by t.Cleanup; cassette.insert and
//     cassette.eject outside a with block (TestInsertEject):
//     replayserver.NewHandler, served by a server of one's own, and its
//     Close.
//   - Storage backends (TestStorageBackends): a path ending in .json, .yaml
//     or .yml is one file, any other (./data/) a directory of files, one
//     per cassette, in JSON or YAML (file_format: replayserver.Format).
//   - Reporting unused cassettes (TestReportUnused): the Player example,
//     the session-wide report a pytest fixture wrote, and the xargs rm that
//     prunes them.
//
// README's section "Coming from the Python cassette" maps every part of
// the Python library to its Go form, and says what differs on purpose.
package pythoncassette
