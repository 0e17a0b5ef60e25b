package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

const recordAbout = `
Record starts a recording reverse proxy to the real API at -upstream: point
a program's base URL at the address printed on start, and every request it
sends is forwarded to the API, answered, and stored as an exchange in the
cassette library at PATH (created if needed). A cassette the library held
before that is recorded again is replaced by what this session recorded
for it: its exchanges recorded before this session began, and their body
files, are removed when record stops, so that
replay answers as the API does now. The other cassettes are kept. (To add
new requests while replaying those recorded, use "cassette serve -mode
record -upstream URL PATH".) A PATH ending in .json, .yaml or .yml is a
single-file library; any other PATH is a directory with one file per
cassette. Each recorded exchange is logged to stderr.

Record runs until interrupted (Ctrl-C or SIGTERM), then saves the library.
Replay it with "cassette serve PATH", or, when URL has a path
(https://host/api/v1), with "cassette serve -upstream URL PATH": the
cassettes are named after the requests sent to it (/api/v1/users for
/users), and serve names a request the same way only when given the URL.
With -strict it then lists on
stderr, one file per line, the cassettes the library held before that
were not recorded again in this session (stale ones), and exits with
status 1 if there were any. With -unused FILE it writes that list, and
nothing else, to FILE (empty when there were none), for "cassette prune
-unused FILE"; a FILE that is the library, or lies inside a directory
library or the body folder of a file library, which writing it would
destroy or corrupt, is refused at start with status 2. A cassette is recorded again under the same name only
when the request names the same host and port: an API on loopback
recorded again on a new port gets new cassettes, and the old ones are
listed.

On the first interrupt record waits up to 10 seconds for the requests
still open (an event stream), saying so; a second Ctrl-C stops at once.
Requests still open then are cut off: a stream is stored as far as it had
come, any other response is not recorded. Record says how many on stderr
and exits with status 1 if any was not recorded. Responses whose client
left before their end, which record goes on reading to store them, are
waited for too; a second Ctrl-C gives them up, with status 1.

A library that record could not add to (a stray file in its folder, a
damaged file) is refused at start, before anything is forwarded. Record
exits with status 1 when something it recorded could not be stored (a
body over the -max-body-size limit, 64 MiB by default, a save that
failed), or when the upstream broke off a response body, which is then
not recorded (unless the client retried it and the retry was recorded
whole), or when the upstream did not answer a request (answered 502 or
504); the log says which, and no -unused list is written (it would name
the cassettes of those requests). A response body of over 8 MiB is
written to a body file as it arrives, so with -max-body-size raised (1GiB,
or 0 for no limit) a large download is recorded without filling memory;
request bodies are held in memory up to the limit.
`

const recordExample = `
	cassette record -upstream https://api.example.com -addr 127.0.0.1:8080 testdata/api &
	API_URL=http://127.0.0.1:8080 pytest
	kill %1
	cassette serve -strict testdata/api

	# Record everything again, then remove what was not:
	cassette record -upstream https://api.example.com -addr 127.0.0.1:8080 -unused stale.log testdata/api &
	API_URL=http://127.0.0.1:8080 pytest
	kill %1
	cassette prune -unused stale.log -force testdata/api

	# Record with the naming rules the tests replay with (in Go,
	# replayserver.Naming with the same rules):
	cassette record -upstream https://api.example.com -rules testdata/api-rules.json testdata/api
`

// runRecord runs "cassette record".
func runRecord(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c := newCmdline("cassette record",
		"cassette record -upstream URL [-addr ADDR] [-strict] [-unused FILE] [-max-body-size SIZE] [-no-redact] [-rules FILE] [-header NAME] [-ignore-query KEY] [-body TYPE=RULE] PATH",
		recordAbout+namingAbout, recordExample)
	upstream := c.fs.String("upstream", "", "the real API as an absolute `URL` (required)")
	addr := c.fs.String("addr", "127.0.0.1:0", "listen `address`, HOST:PORT on loopback only, PORT from 0 to 65535 (others are usage errors, status 2); port 0 picks a free port, printed on start; a port in use fails with status 1")
	strict := c.fs.Bool("strict", false, "on exit, list the cassettes that were there before and were not recorded again, and exit with status 1 if any")
	unusedFile := c.fs.String("unused", "", "on exit, write the cassettes that were there before and were not recorded again to `FILE`, one per line, as -strict lists them; outside the library")
	noRedact := c.fs.Bool("no-redact", false, "store credentials (Authorization, cookies, tokens in query parameters) as sent instead of REDACTED, and name requests by them (recorder.NoDefaultRedaction); replay such a library with cassette serve -no-redact")
	maxBody := byteSize(defaultMaxBodySize)
	c.fs.Var(&maxBody, "max-body-size", "the largest request or response body stored, a `SIZE` in bytes or with a unit (512KiB, 64MiB, 1GiB, 100MB); 0 for no limit. An exchange with a larger body is forwarded but not stored, and record exits with status 1")
	nf := addNamingFlags(c.fs)
	pos, code, ok := c.parseOrFail(args, stdout, stderr)
	if !ok {
		return code
	}
	switch {
	case *upstream == "":
		return c.fail(stderr, "missing -upstream URL")
	case len(pos) == 0:
		return c.fail(stderr, "missing PATH")
	case len(pos) > 1:
		return c.fail(stderr, "too many arguments %q", pos[1:])
	}
	rules, err := nf.rules()
	if err != nil {
		return c.fail(stderr, "%v", err)
	}
	if err := checkUpstream(*upstream); err != nil {
		return c.fail(stderr, "%v", err)
	}
	if err := checkNoCredentials(*upstream); err != nil {
		return c.fail(stderr, "%v", err)
	}
	if err := checkLoopback(*addr); err != nil {
		fmt.Fprintf(stderr, "cassette record: %v\n", err)
		return exitUsage
	}
	if err := checkOutsideLibrary("-unused", *unusedFile, pos[0]); err != nil {
		return c.fail(stderr, "%v", err)
	}
	if err := checkOutFile("-unused", *unusedFile); err != nil {
		return c.fail(stderr, "%v", err)
	}
	path := pos[0]

	lib, err := library.Open(path)
	if err == nil {
		err = checkKind(lib) // before recording what could not be saved
	}
	if err != nil {
		fmt.Fprintf(stderr, "cassette record: %v\n", err)
		return exitError
	}
	// The cassettes there before, for -strict and -unused; listed in any
	// case, so that a library that could not take what is recorded (a
	// stray file in its folder, a damaged file) is refused before
	// anything is forwarded.
	var before []string
	if lib.Exists() {
		if before, err = lib.Names(); err != nil {
			fmt.Fprintf(stderr, "cassette record: %v\n", err)
			return exitError
		}
	}
	var (
		mu       sync.Mutex         // guards recorded, stored, storedAt and the counts below
		recorded = map[string]int{} // exchanges stored this session, by cassette
		stored   int                // exchanges stored
		storedAt int                // stored when requests were cut off
		failed   int                // exchanges that could not be stored
		refused  int                // requests refused: for another host, CONNECT (see refusedAdvice)
		lacking  int                // cassettes whose response body the upstream broke off, not made up for by a retry
	)
	ln, ok := listen(*addr, stderr, "cassette record")
	if !ok {
		return exitError // before anything is recorded or written
	}
	unanswered := 0 // requests the upstream did not answer (the proxy answered 502 or 504)
	logf := logTo(stderr)
	since := time.Now().Round(0)  // wall clock, as RecordedAt is stored
	var redaction recorder.Option // nil, which NewProxy ignores: the default redaction
	if *noRedact {
		redaction = recorder.NoDefaultRedaction()
	} else {
		for _, k := range recorderRules.SignificantRedacted(rules.naming()) {
			logf("cassette record: %s", significantWarning(k))
		}
	}
	self := baseURL(ln.Addr())
	p, err := recorder.NewProxy(*upstream, lib, redaction,
		recorder.Logf(func(format string, args ...any) {
			logf("%s", awayAdvice(fmt.Sprintf(format, args...), "cassette record", self))
		}),
		recorder.MaxBodySize(int64(maxBody)), recorder.Naming(rules.naming()),
		recorder.OnUnanswered(func(error) { // logged too
			mu.Lock()
			unanswered++
			mu.Unlock()
		}),
		recorder.OnError(func(err error) {
			if msg, ok := refusedAdvice(err, "cassette record", self); ok {
				logf("%s", msg)
				mu.Lock()
				refused++
				mu.Unlock()
				return
			}
			hint := ""
			if errors.Is(err, recorder.ErrBodyTooLarge) {
				hint = maxBodyHint("cassette record", maxBody)
			}
			logf("%v%s", err, hint)
			mu.Lock()
			failed++
			mu.Unlock()
		}),
		recorder.OnBrokenBody(func(string, error) { // told at Close, each break logged as it happened
			mu.Lock()
			lacking++
			mu.Unlock()
		}),
		recorder.OnRecord(func(name string, _ library.Exchange) {
			mu.Lock()
			recorded[name]++
			stored++
			mu.Unlock()
		}))
	if err != nil {
		ln.Close()
		fmt.Fprintf(stderr, "cassette record: %v\n", err)
		return exitError
	}
	cut, gaveUp, err := serveUntilDone(ctx, ln, p, stderr, "cassette record", func(base string) {
		fmt.Fprintf(stdout, "cassette: recording %s into %s via %s\n", *upstream, path, base)
		if !rules.isDefault() {
			fmt.Fprintf(stdout, "cassette: naming rules: %s\n", rules)
		}
		if *noRedact {
			fmt.Fprintf(stdout, "cassette: %s\n", noRedactHint)
		}
	}, func() {
		mu.Lock()
		storedAt = stored
		mu.Unlock()
	})
	code = exitOK
	if err != nil {
		fmt.Fprintf(stderr, "cassette record: %v\n", err)
		code = exitError
	}
	err = p.Close() // waits for the background saves, saves the rest
	if err == nil {
		mu.Lock()
		again := maps.Clone(recorded)
		mu.Unlock()
		err = dropEarlier(lib, before, again, since)
	}
	if err != nil {
		fmt.Fprintf(stderr, "cassette record: %v\n", err)
		if *unusedFile != "" {
			// Not left with an earlier session's list, which a prune
			// run next would take for this one's.
			switch removed, err := removeList(*unusedFile); {
			case removed:
				fmt.Fprintf(stderr, "cassette record: -unused %s removed, not written, as the library was not saved\n", *unusedFile)
			case err != nil:
				fmt.Fprintf(stderr, "cassette record: -unused %s not written, as the library was not saved, and the list of an earlier session it holds could not be removed: %v\n", *unusedFile, err)
			}
		}
		return exitError
	}
	mu.Lock()
	code = max(code, reportCut(stderr, "cassette record", cut, stored-storedAt, true))
	if n := gaveUp(); n > 0 {
		fmt.Fprintf(stderr, "cassette record: %d response(s) whose client had left not recorded (the log above says why); record them again and let them end before stopping\n", n)
		code = exitError
	}
	if failed > 0 {
		fmt.Fprintf(stderr, "cassette record: %d failure(s) to store what was recorded (the log above says which)\n", failed)
		code = exitError
	}
	if refused > 0 {
		fmt.Fprintf(stderr, "cassette record: %d request(s) refused, neither forwarded nor recorded: a proxy request for another host than the upstream's, or a CONNECT (the log above says which)\n", refused)
		code = exitError
	}
	if unanswered > 0 {
		fmt.Fprintf(stderr, "cassette record: %d request(s) got no answer from the upstream, and were answered 502 or 504 (the log above says which): not recorded\n", unanswered)
		code = exitError
	}
	if lost := lacking; lost > 0 {
		fmt.Fprintf(stderr, "cassette record: %d cassette(s) lack an answer, as the upstream broke off its body and no request of theirs was recorded whole after it (the log above says which); record them again once the upstream answers whole\n", lost)
		code = exitError
	}
	mu.Unlock()
	if lib.Exists() {
		if names, err := lib.Names(); err == nil {
			fmt.Fprintf(stderr, "cassette record: %s holds %d cassette(s)\n", path, len(names))
		}
	}
	var stale []string
	for _, name := range before {
		if recorded[name] == 0 {
			stale = append(stale, lib.File(name))
		}
	}
	incomplete := code != exitOK // a request came and was not recorded: its cassette would be listed
	switch {
	case *unusedFile != "" && incomplete:
		// Not written: "cassette prune -unused FILE -force" would delete
		// the cassette of a request that broke off, or was over the
		// limit. Nor left with an earlier session's list.
		msg := "not written"
		if removed, _ := removeList(*unusedFile); removed {
			msg = "removed, not written"
		}
		fmt.Fprintf(stderr, "cassette record: -unused %s %s, as some requests were not recorded (the lines above say which), and their cassettes would be listed as not recorded again\n", *unusedFile, msg)
	case *unusedFile != "":
		if err := writeLines(*unusedFile, stale); err != nil {
			fmt.Fprintf(stderr, "cassette record: -unused: %v\n", err)
			code = exitError
		}
	}
	if *strict && len(stale) > 0 {
		fmt.Fprintf(stderr, "cassette record: strict: %d cassette(s) in %s not recorded again:\n", len(stale), path)
		for _, f := range stale {
			fmt.Fprintln(stderr, f)
		}
		code = exitError
	}
	return code
}

// dropEarlier removes from each cassette of before recorded again the
// exchanges recorded before since, when this session began: those it held
// before. The exchanges recorded since (this session's, and any another
// writer of the library added, before this save or while it ran) are
// kept, whatever their place. A cassette none of whose exchanges is of
// this session is left as it was. It saves the library if it changed
// anything, knowing every cassette when a dropped exchange had a body
// file, so that the save removes the body files no exchange uses any more.
func dropEarlier(lib *library.Library, before []string, recorded map[string]int, since time.Time) error {
	earlier := func(ex library.Exchange) bool { return ex.RecordedAt.Before(since) } // zero (unknown) too
	changed, bodies := false, false
	for _, name := range before {
		if recorded[name] == 0 {
			continue
		}
		c, ok, err := lib.Get(name)
		if err != nil {
			return fmt.Errorf("removing the earlier exchanges of %s: %w", lib.File(name), err)
		}
		if !ok || !slices.ContainsFunc(c.Exchanges, func(ex library.Exchange) bool { return !earlier(ex) }) {
			continue
		}
		n, err := lib.DropExchanges(name, func(ex library.Exchange) bool {
			if !earlier(ex) {
				return false
			}
			bodies = bodies || ex.Response.BodyFile != ""
			return true
		})
		if err != nil {
			return fmt.Errorf("removing the earlier exchanges of %s: %w", lib.File(name), err)
		}
		changed = changed || n > 0
	}
	if !changed {
		return nil
	}
	if bodies && lib.IsDir() {
		if err := lib.Load(); err != nil { // so that Save sweeps their body files
			return err
		}
	}
	return lib.Save()
}

// writeLines writes lines to the file at path, each ended by a newline,
// replacing the file.
func writeLines(path string, lines []string) error {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return writeList(path, []byte(b.String()))
}
