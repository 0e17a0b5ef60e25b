// Command cassette serves and records cassette libraries over HTTP, so that
// programs in any language get the record/replay testing of package
// replayserver: point the program's base URL at the address cassette prints.
//
// Usage:
//
//	cassette <command> [flags] [arguments]
//
// "cassette -h" or "cassette help" lists the commands; "cassette <command> -h"
// or "cassette help <command>" explains one, with its flags and an example.
// A bad command line is reported in one line on stderr with exit status 2.
//
// A PATH ending in .json, .yaml or .yml is a single-file library; any other
// PATH is a directory library with one file per cassette (see package
// library).
//
// # serve
//
//	cassette serve [-addr ADDR] [-upstream URL] [-mode MODE] [-strict] PATH
//
// Serve answers requests from the library at PATH. It listens on -addr
// (default 127.0.0.1:0: loopback, a free port) and prints
//
//	cassette: serving PATH on http://127.0.0.1:PORT
//
// followed by a table of the cassettes it serves (METHOD, URL, STATUS,
// EXCHANGES, NAME). Each request is logged to stderr as a hit or a miss; a
// miss is answered with status 404 and a report naming the nearest
// recorded requests, also logged.
//
// -mode is replay (the default: never touches the network), record
// (requests no cassette answers are forwarded to -upstream and stored),
// rerecord (everything is forwarded and stored anew) or passthrough
// (forwarded, nothing stored). The environment variable CASSETTE_MODE, when
// set, overrides it. In replay mode a library that does not exist is an
// error (exit status 1).
//
// Serve runs until SIGINT or SIGTERM, then stops gracefully and saves what it
// recorded. With -strict it then writes the cassettes never used to stderr,
// one file per line (relative to a directory library), and exits with
// status 1 if there were any.
//
// # record
//
//	cassette record -upstream URL [-addr ADDR] PATH
//
// Record is a recording reverse proxy to -upstream (required): each request
// is forwarded, answered and stored in the library at PATH, which is created
// if needed. It prints
//
//	cassette: recording URL into PATH via http://127.0.0.1:PORT
//
// logs each recorded exchange to stderr and, on SIGINT or SIGTERM, stops
// gracefully and saves the library. Replay the result with cassette serve.
//
// # version
//
//	cassette version
//
// Version prints the version of the module cassette was built from, or
// "devel".
package main
