// Command cassette serves and records cassette libraries over HTTP, so that
// programs in any language get the record/replay testing of package
// replayserver: point the program's base URL at the address cassette prints.
// It also inspects libraries (ls, show, audit, drift), maintains them
// (prune, convert) and exchanges cassettes with other tools (import from
// go-vcr and HAR, export to HAR).
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
//	cassette serve [-addr ADDR] [-upstream URL] [-mode MODE] [-strict] [-unused FILE] [-max-body-size SIZE]
//		[-no-redact] [-rules FILE] [-header NAME] [-ignore-query KEY] [-body TYPE=RULE] PATH
//
// Serve answers requests from the library at PATH. It listens on -addr
// (default 127.0.0.1:0: loopback, a free port; an address off loopback, or
// a port that is no number from 0 to 65535, is a usage error, exit status
// 2, and a port in use a failure, exit status 1) and prints
//
//	cassette: serving PATH on http://127.0.0.1:PORT
//
// followed, in a mode that forwards, by a line naming it and -upstream
// (cassette: mode record, forwarding to URL; with -mode once, the mode
// it chose: cassette: mode once, recording the missing library,
// forwarding to URL, or cassette: mode once, replaying the existing
// library), when naming rules are given (see "Naming rules" below), by a
// line saying which, and a table of the cassettes it serves (METHOD, URL,
// STATUS, EXCHANGES, NAME). Each request is logged to stderr as a hit or a miss; a
// miss is answered with status 404 and a report naming the nearest
// recorded requests, also logged, and the name computed for the request
// in the X-Cassette-Miss header.
//
// -mode is replay (the default: never touches the network), once (records
// a library that does not exist from -upstream, unless the environment
// variable CI is set, and replays one that does), record
// (requests no cassette answers are forwarded to -upstream and stored),
// rerecord (everything is forwarded and stored anew) or passthrough
// (forwarded, nothing stored). The environment variable CASSETTE_MODE, when
// set, overrides it. In replay mode (and once without -upstream, or with
// the environment variable CI set) a library that does not exist is an
// error (exit status 1) that gives the serve commands that record it (to
// run with CASSETTE_MODE unset, when it is set: it overrides -mode). In record and rerecord modes an exchange whose
// request or response body is larger than -max-body-size (a number of
// bytes, or 512KiB, 64MiB, 1GiB, 100MB; 64MiB by default, 0 for no limit)
// is forwarded but not stored, and the log says so, naming the flag; serve
// then exits with status 1, as when the upstream broke off a response
// body, and a rerecord leaves the library as it was. No more of a request
// body than -max-body-size is read to name a request: in replay mode a
// larger one is a miss that says so, as no cassette holds it, so give
// serve the limit the library was recorded with.
//
// -no-redact names requests, and stores those recorded, with their
// credentials as sent (replayserver.NoDefaultRedaction): give it for a
// library recorded or imported with -no-redact, which is named by them,
// or every request whose name holds one misses. Miss reports, and the
// log, then show credentials as sent.
//
// Serve runs until SIGINT or SIGTERM, then stops gracefully and saves what it
// recorded (see "Stopping" below). With -strict it then lists the
// cassettes never used on stderr, one file per line (relative to a
// directory library) after a line saying how many, and exits with status
// 1 if there were any, or if a request matched no cassette (as a miss
// fails a test). In replay mode it also lists, without changing the exit
// status, each cassette that answered requests but not from all of its
// recorded exchanges (a polled endpoint asked fewer times than when it
// was recorded), with the exchanges never replayed. With -unused FILE it writes that list, and nothing else,
// to FILE (empty when every cassette was used): what prune reads. A FILE
// that is the library, or lies inside a directory library or the body
// folder of a file library, is refused at start (exit status 2). A list
// that cannot be written (a full disk) is an error naming FILE (exit
// status 1), and an earlier list FILE held is removed, so that prune does
// not take it for this run's.
//
// # record
//
//	cassette record -upstream URL [-addr ADDR] [-strict] [-unused FILE] [-max-body-size SIZE]
//		[-no-redact] [-rules FILE] [-header NAME] [-ignore-query KEY] [-body TYPE=RULE] PATH
//
// Record is a recording reverse proxy to -upstream (required): each request
// is forwarded, answered and stored in the library at PATH, which is created
// if needed. It prints
//
//	cassette: recording URL into PATH via http://127.0.0.1:PORT
//
// (then, when naming rules are given, a line saying which, and with
// -no-redact a line saying to serve the library with -no-redact: it
// stores credentials as sent, and names requests by them,
// recorder.NoDefaultRedaction), logs each recorded exchange to stderr and, on SIGINT or SIGTERM, stops
// gracefully and saves the library (see "Stopping" below). With -strict it
// then lists the cassettes the library held before that were not recorded
// again, and exits with status 1 if any; with -unused FILE it writes that
// list, and nothing else, to FILE, for prune (FILE outside the library,
// and removed when the list cannot be written, as for serve). It exits with status 1 when an exchange could not be
// stored, such as one whose body is larger than -max-body-size (given as
// to serve). A request is recorded again
// under the same name only when it names the same host and port: an API on
// loopback recorded again on a new port gets new cassettes, and the old
// ones are listed. Replay the result with cassette serve, given the same
// -upstream when URL has a path (https://host/api/v1): the cassettes are
// named after the requests the API got (/api/v1/users for /users).
//
// # Naming rules
//
// Serve, record and import name requests, and so match them to cassettes,
// with the rules of package naming: by default no header counts, every
// query parameter does, and a body counts byte for byte. A library
// recorded in Go with replayserver.Naming or recorder.Naming and other
// rules is served with the same rules given by flags, and record records
// (and import imports) with them what Go tests replay with those rules:
//
//   - -header NAME: a significant request header (Headers), in any case;
//   - -ignore-query KEY: a query parameter left out (IgnoreQuery), matched
//     exactly against the decoded key;
//   - -body TYPE=RULE: the body rule (Bodies) of a media type
//     (application/json), a structured syntax suffix (+json), a whole type
//     (multipart/*) or */* (or "") for any other body, in any case and
//     without parameters: a key naming.Rules.Validate accepts. RULE is exact, json, form, multipart or ignore
//     (naming.ExactBody, JSONBody, FormBody, MultipartBody, IgnoreBody),
//     json-without:M,... (naming.JSONBodyWithout: /id, a JSON Pointer,
//     leaves out that place; a bare name that member at any depth) or
//     form-without:F,... (naming.FormBodyWithout);
//   - -rules FILE: a JSON file of rules, with routes.
//
// -header and -ignore-query are repeatable and take comma-separated lists;
// -body is repeatable, one rule per TYPE. A rules file holds the fields of
// naming.Rules and naming.Route in lower camel case, body rules as RULE
// above or as {"jsonWithout": [...]} or {"formWithout": [...]} (for names
// holding a comma):
//
//	{
//	  "headers": ["X-Tenant"],
//	  "ignoreQuery": ["_"],
//	  "bodies": {"application/json": "json", "multipart/*": "multipart"},
//	  "routes": [
//	    {"pattern": "POST /v1/search", "rules": {"bodies": {"*/*": "ignore"}}},
//	    {"pattern": "POST /rpc", "rules": {"bodies": {"+json": "json-without:/id"}}}
//	  ]
//	}
//
// A route's pattern is written as for http.ServeMux ("POST
// /v1/items/{id}") and matches the path the API gets; the first route that
// matches gives its rules, used whole instead of the top-level ones. An
// unknown or repeated field, a key of bodies given twice, a route without
// pattern or with an invalid one, and routes inside a route are errors
// naming the file, line and column. The other flags add to the file's
// top-level rules, not to its routes; a media type given a rule by both is
// an error. Bad rules are usage errors (exit status 2). Record and import
// warn of a significant header that they redact: its value is REDACTED
// before a request is named, but for what is kept (an Authorization's
// scheme, a Cookie's cookie names), which alone then tells cassettes apart.
//
// # Stopping
//
// On the first SIGINT (Ctrl-C) or SIGTERM, serve and record stop taking
// requests and wait up to 10 seconds for those still open (an event
// stream, a long download), saying so on stderr; a second signal stops
// them at once. Requests still open then are cut off, their connections
// closed: a stream is stored as far as it had come (replay ends it there),
// any other response is not recorded. What was recorded is saved either
// way; stderr says how many requests were cut off, and the exit status is
// 1 if any was not recorded. Responses whose client left before their end,
// which the server goes on reading to record them, are waited for too; a
// second signal gives them up, and the exit status is then 1.
//
// # ls
//
//	cassette ls PATH
//
// Ls lists the cassettes of a library in a table: NAME, then the METHOD,
// URL, STATUS and response body SIZE of the last exchange, TIMES (the
// number of exchanges) and AGE (since the newest was recorded, "3d", "5h",
// or "-" when unknown).
//
// # show
//
//	cassette show [-raw] PATH NAME
//
// Show prints one cassette for a reader: each exchange's request line,
// headers and body, then its response status, headers, trailers and body.
// JSON bodies are indented and bodies that are not text summarized as
// "<N bytes, TYPE>", unless -raw; text stored in gzip or deflate (as most
// APIs answer) is summarized, then shown decoded when it decodes to 64 MiB
// or less; a method, URL, header name or value that
// does not print (a line break, an escape sequence) is quoted, as ls and
// the table of serve quote a method or URL. An unknown NAME is an error (exit status
// 1) listing the nearest names, in any case, those that hold NAME first (a
// part of a name: "alerts").
//
// # prune
//
//	cassette prune -unused FILE [-force] PATH
//
// Prune removes the cassettes listed in an unused report (one file of a
// directory library, or one cassette name, per line, as serve -unused,
// record -unused and replayserver's ReportUnused write it). It is a dry run unless -force.
// Entries not in the library are warnings.
//
// # convert
//
//	cassette convert [-format json|yaml] [-force] SRC DST
//
// Convert copies a library losslessly between JSON and YAML and between a
// single file and a directory (the paths decide; -format sets the format of
// a directory DST). It refuses to overwrite a DST that is not empty unless
// -force. A response body over 8 MiB held in a cassette of SRC goes to a
// body file of DST, as the recorder stores it, unless it was streamed:
// with its chunks, which a body file would lose, it stays in its cassette.
//
// # import and export
//
//	cassette import -from go-vcr|har [-format json|yaml] [-no-redact]
//		[-rules FILE] [-header NAME] [-ignore-query KEY] [-body TYPE=RULE] SRC DST
//	cassette export -to har [-force] SRC DST
//
// Import reads go-vcr cassettes (versions 1 and 2) or HAR 1.2 files, a
// file or a directory of them, and stores each exchange in the cassette its
// request names, with the naming rules given (see "Naming rules" above:
// those the library is served or replayed with); cassettes of the same
// names in DST are replaced. Credentials are redacted first, as the
// recorder redacts them, unless -no-redact. A UTF-8 byte order mark at the start of a HAR file is
// skipped. A response that a browser stored decoded in a HAR loses its
// Content-Encoding header, so that it replays consistently. Export writes
// a library as a HAR 1.2 file ("-" for stdout) that import reads back
// unchanged: a response body in gzip or deflate decoded, with its bytes as
// sent beside it, unless it decodes to more than 64 MiB (a decompression
// bomb), which is written as sent; a DST that is a folder, or in a folder
// that does not exist, is a usage error (exit status 2).
//
// # audit
//
//	cassette audit [-max-age AGE] PATH...
//
// Audit reports likely secrets (unredacted credential headers and cookies,
// API keys of known shapes, private keys, JWTs, tokens in query
// parameters), one line per finding with the secret masked, and with
// -max-age the cassettes recorded longer ago than AGE ("90d", "12h"). It
// exits with status 1 if it found anything: a pre-commit check.
//
// # drift
//
//	cassette drift -upstream URL [-ignore-fields F,...] [-headers H,...] [-ignore-headers H,...] [-H 'Name: value'] [-timeout D] PATH
//
// Drift sends the first recorded request of each cassette to the live API
// and reports what changed: status, Content-Type and the -headers, and the
// body (JSON structurally, ignoring -ignore-fields at any depth, numbers by
// value). Each request gets -timeout (default 30s) to be answered. It exits
// with status 1 if anything drifted or a request failed.
//
// Import, export, convert and drift show their progress on stderr when it
// is a terminal, and nothing otherwise.
//
// # version
//
//	cassette version
//
// Version prints the version of the module cassette was built from, or
// "devel".
package main
