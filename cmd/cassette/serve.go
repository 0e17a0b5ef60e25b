package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/cassette-go/cassette/internal/atomicfile"
	"github.com/cassette-go/cassette/internal/cienv"
	"github.com/cassette-go/cassette/internal/diskerr"
	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
	"github.com/cassette-go/cassette/replayserver"
)

const serveAbout = `
Serve answers HTTP requests from the cassette library at PATH, so that a
program in any language replays recorded exchanges: point its base URL at
the address printed on start. A PATH ending in .json, .yaml or .yml is a
single-file library; any other PATH is a directory with one file per
cassette.

On start serve prints its address and a table of the cassettes it serves.
Each request is logged to stderr as a hit or a miss; a miss gets status 404
and a report naming the nearest recorded requests, also logged, with the
name computed for the request in its X-Cassette-Miss header.

Modes: replay (the default) never touches the network; once records a
library that does not exist from -upstream (unless the environment
variable CI is set) and replays one that does; record forwards the
requests no cassette answers to -upstream and stores them; rerecord forwards
and stores everything anew; passthrough forwards and stores nothing. The
environment variable CASSETTE_MODE, when set, overrides -mode. In record
and rerecord modes an exchange whose request or response body is larger
than -max-body-size (64 MiB by default; 0 for no limit) is forwarded
whole but not stored, and the log says so; serve then exits with status
1, and a rerecord leaves the library as it was. No more of a request body
than -max-body-size is read to name a request: in replay mode a larger
one is a miss that says so, as no cassette holds it.

Serve runs until interrupted (Ctrl-C or SIGTERM), then saves what it
recorded. In record and rerecord modes it exits with status 1 when the
upstream broke off a response body, which is then not recorded, unless
the client retried it and the retry was recorded whole (a rerecord then
leaves the library as it was, as when a request got no answer). With -strict it then lists the files of the cassettes never used
on stderr, one per line, and exits with status 1 if there were any, or if
a request matched no cassette (as a miss fails a test). In replay mode
it also lists, without changing the exit status, each cassette that
answered requests but not from all of its recorded exchanges (a polled
endpoint asked fewer times than when it was recorded), with the
exchanges never replayed. With
-unused FILE it writes that list, and nothing else, to FILE (empty when
every cassette was used), for "cassette prune -unused FILE" or xargs rm.
In passthrough mode, which uses no cassette, neither fails nor lists any
(FILE is empty): that says nothing of which are stale.
A FILE that is the library, or lies inside a directory library or the
body folder of a file library, which writing it would destroy or
corrupt, is refused at start with status 2.

On the first interrupt serve waits up to 10 seconds for the requests still
open (an event stream), saying so; a second Ctrl-C stops at once. Requests
still open then are cut off: in the modes that record, a stream is stored
as far as it had come and any other response is not recorded. Serve says
how many on stderr. When every request is forwarded (rerecord, or record
into a library that did not exist) it exits with status 1 if any was not
recorded; otherwise a request cut off may have been a replayed hit, and
the log says which recordings were not stored. Responses whose client left
before their end, which serve goes on reading to record them, are waited
for too; a second Ctrl-C gives them up, with status 1.
`

const serveExample = `
	# Replay; fail if a cassette was not used by the test run:
	cassette serve -addr 127.0.0.1:8080 -strict testdata/api &
	API_URL=http://127.0.0.1:8080 pytest

	# The same, keeping the list of unused cassettes to prune them:
	cassette serve -addr 127.0.0.1:8080 -unused unused.log testdata/api &
	API_URL=http://127.0.0.1:8080 pytest; kill -INT $!; wait
	cassette prune -unused unused.log -force testdata/api

	# Record what is missing from the real API:
	cassette serve -mode record -upstream https://api.example.com testdata/api

	# A library recorded in Go with replayserver.Naming(naming.Rules{
	# Headers: []string{"X-Tenant"}, IgnoreQuery: []string{"_"}, Bodies:
	# map[string]naming.BodyRule{"application/json": naming.JSONBody}}):
	cassette serve -header X-Tenant -ignore-query _ -body application/json=json testdata/api
	# The same rules, and routes, in a file:
	cassette serve -rules testdata/api-rules.json testdata/api
`

// ciWarning begins the replay server's warning of a mode that forwards
// requests, asked for with WithMode (here -mode), while CI is set.
const ciWarning = "replayserver: CI is set, and WithMode("

// runServe runs "cassette serve".
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c := newCmdline("cassette serve",
		"cassette serve [-addr ADDR] [-upstream URL] [-mode MODE] [-strict] [-unused FILE] [-max-body-size SIZE] [-no-redact] [-rules FILE] [-header NAME] [-ignore-query KEY] [-body TYPE=RULE] PATH",
		serveAbout+namingAbout, serveExample)
	addr := c.fs.String("addr", "127.0.0.1:0", "listen `address`, HOST:PORT on loopback only, PORT from 0 to 65535 (others are usage errors, status 2); port 0 picks a free port, printed on start; a port in use fails with status 1")
	upstream := c.fs.String("upstream", "", "the real API as an absolute `URL`: where once records a library that does not exist from, and record, rerecord and passthrough forward; in replay too when it has a path (https://host/api/v1), as given to cassette record, so that /users is looked up as /api/v1/users")
	mode := c.fs.String("mode", string(replayserver.ModeReplay), "`mode`: replay, once, record, rerecord or passthrough")
	strict := c.fs.Bool("strict", false, "on exit, list cassettes never used, and exit with status 1 if any, or if a request matched no cassette")
	unusedFile := c.fs.String("unused", "", "on exit, write the cassettes never used to `FILE`, one per line, as -strict lists them; outside the library")
	noRedact := c.fs.Bool("no-redact", false, "name requests, and store those recorded, with their credentials as sent instead of REDACTED (replayserver.NoDefaultRedaction): for a library recorded or imported with -no-redact; miss reports and the log then show them as sent")
	maxBody := byteSize(defaultMaxBodySize)
	c.fs.Var(&maxBody, "max-body-size", "in record and rerecord modes, the largest request or response body stored, a `SIZE` in bytes or with a unit (512KiB, 64MiB, 1GiB, 100MB); 0 for no limit. An exchange with a larger body is forwarded but not stored. In replay and record modes, the most of a request body read to name it: give the limit the library was recorded with")
	nf := addNamingFlags(c.fs)
	pos, code, ok := c.parseOrFail(args, stdout, stderr)
	if !ok {
		return code
	}
	switch {
	case len(pos) == 0:
		return c.fail(stderr, "missing PATH")
	case len(pos) > 1:
		return c.fail(stderr, "too many arguments %q", pos[1:])
	}
	rules, err := nf.rules()
	if err != nil {
		return c.fail(stderr, "%v", err)
	}
	if err := checkLoopback(*addr); err != nil {
		fmt.Fprintf(stderr, "cassette serve: %v\n", err)
		return exitUsage
	}
	if err := checkOutsideLibrary("-unused", *unusedFile, pos[0]); err != nil {
		return c.fail(stderr, "%v", err)
	}
	if err := checkOutFile("-unused", *unusedFile); err != nil {
		return c.fail(stderr, "%v", err)
	}
	path := pos[0]
	m := replayserver.Mode(strings.ToLower(*mode)) // as CASSETTE_MODE is read
	switch m {
	case replayserver.ModeReplay, replayserver.ModeOnce, replayserver.ModeRecord, replayserver.ModeRerecord, replayserver.ModePassthrough:
	default:
		return c.fail(stderr, "unknown -mode %q: want replay, once, record, rerecord or passthrough", *mode)
	}
	if *upstream != "" {
		if err := checkUpstream(*upstream); err != nil {
			return c.fail(stderr, "%v", err)
		}
		if err := checkNoCredentials(*upstream); err != nil {
			return c.fail(stderr, "%v", err)
		}
	} else {
		// The mode asked for: CASSETTE_MODE's, which overrides -mode
		// (so that CASSETTE_MODE=replay runs a script's -mode record
		// offline), else -mode's. once without -upstream has nowhere
		// to record from: it replays. A CASSETTE_MODE that is no mode
		// is left to NewHandler, which names it.
		switch env := envMode(); env {
		case replayserver.ModeRecord, replayserver.ModeRerecord, replayserver.ModePassthrough:
			return c.fail(stderr, "%s=%s forwards requests: it needs -upstream URL", replayserver.EnvMode, env)
		case replayserver.ModeReplay, replayserver.ModeOnce:
		default:
			if m != replayserver.ModeReplay && m != replayserver.ModeOnce {
				return c.fail(stderr, "-mode %s forwards requests: it needs -upstream URL", m)
			}
		}
	}

	// The mode asked for, as the start line and the warning of CI say
	// it: CASSETTE_MODE's, which overrides -mode, else -mode's.
	asked := m
	if env := envMode(); env != "" {
		asked = env // NewHandler refuses one that is no mode
	}
	logf := logTo(stderr)
	var self string // the server's URL, once it listens
	opts := []replayserver.Option{replayserver.WithMode(m), replayserver.MaxBodySize(int64(maxBody)), replayserver.Naming(rules.naming()),
		replayserver.Logf(func(format string, args ...any) {
			msg := fmt.Sprintf(format, args...)
			if strings.Contains(msg, maxBodyAdvice) { // a body over the limit, not stored
				msg = strings.TrimRight(msg, "\n") + maxBodyHint("cassette serve", maxBody)
			}
			if strings.HasPrefix(msg, ciWarning) {
				// A forwarding mode in CI: -mode, not WithMode, which
				// serve has not; its default mode is replay, not once.
				msg = fmt.Sprintf("cassette serve: CI is set, and -mode %s forwards requests to the upstream all the same: only -mode replay (the default) and -mode once replay in CI. If this run is not meant to reach the API in CI, leave -mode %s out of the command CI runs", asked, asked)
			}
			if strings.HasPrefix(msg, "replayserver: naming: ") {
				// A significant header redacted: the flag, not the option.
				msg = strings.Replace(msg, "with "+noDefaultRedaction, "with -no-redact", 1)
			}
			logf("%s", awayAdvice(msg, "cassette serve", self))
		})}
	if *upstream != "" {
		opts = append(opts, replayserver.Upstream(*upstream))
	}
	if *strict {
		opts = append(opts, replayserver.Strict())
	}
	if *noRedact {
		opts = append(opts, replayserver.NoDefaultRedaction())
	}
	var (
		mu       sync.Mutex // guards stored and storedAt
		stored   int        // exchanges stored
		storedAt int        // stored when requests were cut off
	)
	opts = append(opts, replayserver.BeforeSave(func(*library.Exchange) error {
		mu.Lock()
		stored++
		mu.Unlock()
		return nil
	}))
	if lib, err := library.Open(path); err == nil {
		if err := checkKind(lib); err != nil {
			fmt.Fprintf(stderr, "cassette serve: %v\n", err)
			return exitError
		}
	}
	ln, ok := listen(*addr, stderr, "cassette serve")
	if !ok {
		return exitError // before anything is served, recorded or written
	}
	self = baseURL(ln.Addr()) // before anything is logged from the server's goroutines
	h, err := replayserver.NewHandler(path, opts...)
	if err != nil {
		ln.Close()
		if errors.Is(err, replayserver.ErrNoLibrary) {
			// In the command line's words: the handler's advice
			// names Go options (CASSETTE_MODE, replayserver.Upstream).
			fmt.Fprint(stderr, noLibrary(path))
			return exitError
		}
		fmt.Fprintf(stderr, "cassette serve: %v\n", err)
		return exitError
	}

	m = h.Mode()
	// Whether every request is forwarded and recorded, so that one cut off
	// is one not recorded. In record mode over an existing library a
	// request cut off may be a hit being replayed: the count is said, the
	// log says which forwarded ones were not stored.
	recording := m == replayserver.ModeRerecord || ((m == replayserver.ModeRecord || m == replayserver.ModeOnce) && !h.Library().Exists())
	cut, gaveUp, err := serveUntilDone(ctx, ln, h, stderr, "cassette serve", func(base string) {
		fmt.Fprintf(stdout, "cassette: serving %s on %s\n", path, base)
		fmt.Fprint(stdout, modeLine(asked, m, *upstream))
		if !rules.isDefault() {
			fmt.Fprintf(stdout, "cassette: naming rules: %s\n", rules)
		}
		if err := printRoutes(stdout, h.Library()); err != nil {
			fmt.Fprintf(stderr, "cassette serve: %v\n", err)
		}
	}, func() {
		mu.Lock()
		storedAt = stored
		mu.Unlock()
	})
	code = exitOK
	if err != nil {
		fmt.Fprintf(stderr, "cassette serve: %v\n", err)
		code = exitError
	}
	if err := h.Close(); err != nil {
		hint := ""
		if errors.Is(err, recorder.ErrBodyTooLarge) {
			hint = maxBodyHint("cassette serve", maxBody)
		}
		fmt.Fprintf(stderr, "cassette serve: %v%s\n", err, hint)
		code = exitError
	}
	mu.Lock()
	code = max(code, reportCut(stderr, "cassette serve", cut, stored-storedAt, recording))
	if n := gaveUp(); n > 0 {
		fmt.Fprintf(stderr, "cassette serve: %d response(s) whose client had left not recorded (the log above says why); record them again and let them end before stopping\n", n)
		code = exitError
	}
	mu.Unlock()
	// Passthrough uses no cassette: every one is unused, which says
	// nothing of which are stale. The list is left empty, so that
	// prune -unused does not empty the library.
	passthrough := h.Mode() == replayserver.ModePassthrough
	if *unusedFile != "" {
		if err := writeUnused(*unusedFile, h, passthrough); err != nil {
			fmt.Fprintf(stderr, "cassette serve: -unused: %v\n", err)
			code = exitError
		}
	}
	if *strict {
		if n := h.Misses(); n > 0 {
			fmt.Fprintf(stderr, "cassette serve: strict: %d request(s) matched no cassette (their reports are in the log above)\n", n)
			code = exitError
		}
		if unused := h.Unused(); len(unused) > 0 && !passthrough {
			fmt.Fprintf(stderr, "cassette serve: strict: %d cassette(s) in %s never used:\n", len(unused), path)
			if err := h.ReportUnused(stderr); err != nil {
				fmt.Fprintf(stderr, "cassette serve: %v\n", err)
			}
			code = exitError
		}
		// As Strict in a test: listed, not failed on (a cassette used is
		// no unused one); quiet in passthrough and the recording modes.
		var b bytes.Buffer
		if err := h.ReportUnreplayed(&b); err == nil && b.Len() > 0 {
			fmt.Fprintf(stderr, "cassette serve: strict: %d cassette(s) in %s answered requests but not from all their recorded exchanges (this does not change the exit status; if the clients no longer make those requests, record the cassette again or delete those exchanges):\n%s",
				strings.Count(b.String(), "\n"), path, b.String())
		}
	}
	return code
}

// writeUnused writes h's unused report to the file at path, replacing it;
// an empty list when none is to be pruned.
func writeUnused(path string, h *replayserver.Handler, none bool) error {
	var b bytes.Buffer
	if none {
		return writeList(path, nil)
	}
	if err := h.ReportUnused(&b); err != nil {
		return err
	}
	return writeList(path, b.Bytes())
}

// writeList writes the list of an -unused flag to path, as a file of its
// own: to a new file renamed over path, and in place of a symbolic link at
// path rather than through it. A link or a hard link there may lead into
// the library (a link to a library made by this very run, which
// checkOutsideLibrary could not see at the start): writing through it
// would destroy the library. The error of a list that cannot be written
// (a full disk) names path, and the list of an earlier run that path held
// (a regular file) is removed, which a prune would take for this run's; a
// folder made there since the start stays.
func writeList(path string, data []byte) error {
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		// A folder made there since is left, and refuses the list below.
		if _, err := removeLooked(path); err != nil {
			return err
		}
	}
	err := atomicfile.WriteFile(path, data, 0o666)
	if err == nil {
		return nil
	}
	// The error names the temporary file the list went to first, which
	// is gone: name path instead.
	var (
		pe *fs.PathError
		le *os.LinkError
	)
	switch {
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &le):
		err = le.Err
	}
	if fi, lerr := os.Lstat(path); lerr == nil && fi.IsDir() {
		// Made there since the start, which refuses a folder: no list
		// of an earlier run, and not this command's to remove.
		return fmt.Errorf("write %s: a folder is there now; remove it, or give a file elsewhere", path)
	}
	err = fmt.Errorf("write %s: %w", path, err)
	if h := diskerr.Hint(err); h != "" {
		err = fmt.Errorf("%w (%s)", err, h)
	}
	if fi, lerr := os.Lstat(path); lerr == nil && !fi.Mode().IsRegular() {
		return err // no list of an earlier run either
	}
	switch removed, rmErr := removeLooked(path); {
	case removed:
		return fmt.Errorf("%w; the list of an earlier run it held is removed, so that prune does not take it for this run's", err)
	case rmErr != nil:
		return fmt.Errorf("%w; the list of an earlier run it holds could not be removed either (%v): delete it before running prune", err, rmErr)
	default:
		return err // gone, or a folder made there since the Lstat: no list either
	}
}

// removeList removes the list of an earlier run at path, an -unused FILE
// that this run does not write: a regular file, or a symbolic link in its
// place (not what it leads to). Anything else is left, and is no error: a
// folder made there since the start (which refuses one) is no list, and
// not the command's to remove, even one made there between the look and
// the removal (see removeFile). It reports whether it removed something.
func removeList(path string) (removed bool, err error) {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !fi.Mode().IsRegular() && fi.Mode()&fs.ModeSymlink == 0 {
		return false, nil
	}
	return removeLooked(path)
}

// removeLooked removes path, which an Lstat just found to be a regular
// file or a symbolic link, and reports whether it did. Gone since, or
// replaced by a folder (which removeFile never removes), it is left, and
// that is no error.
func removeLooked(path string) (removed bool, err error) {
	switch err := removeFile(path); {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist), folderAt(path):
		return false, nil
	default:
		return false, err
	}
}

// folderAt reports whether a folder is at path (not a link to one).
func folderAt(path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && fi.IsDir()
}

// printRoutes writes a table of the cassettes in lib: the method, URL
// (path and query) and status of each cassette's first exchange, its number
// of exchanges and its name.
func printRoutes(w io.Writer, lib *library.Library) error {
	if !lib.Exists() {
		fmt.Fprintln(w, "(no cassettes yet)")
		return nil
	}
	names, err := lib.Names()
	if err != nil {
		return fmt.Errorf("list cassettes: %w", err)
	}
	if len(names) == 0 {
		fmt.Fprintln(w, "(no cassettes yet)")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "METHOD\tURL\tSTATUS\tEXCHANGES\tNAME")
	var firstErr error
	for _, name := range names {
		c, ok, err := lib.Get(name)
		if err != nil || !ok || len(c.Exchanges) == 0 {
			if err != nil && firstErr == nil {
				firstErr = fmt.Errorf("read cassette %s: %w", name, err)
			}
			fmt.Fprintf(tw, "-\t-\t-\t%d\t%s\n", len(c.Exchanges), name)
			continue
		}
		ex := c.Exchanges[0]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", printable(ex.Request.Method), printable(requestURI(ex.Request.URL)),
			statusText(ex.Response.StatusCode), len(c.Exchanges), name)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return firstErr
}

// requestURI returns the path and query of the absolute URL raw.
func requestURI(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.RequestURI()
}

func statusText(code int) string {
	if code == 0 {
		return "-"
	}
	return strconv.Itoa(code)
}

// noLibrary is what serve says of a library at path that does not exist
// and that its mode does not record: replay, or once without -upstream or
// with the environment variable CI set. With CASSETTE_MODE set, which
// overrides -mode, it says to run the commands it gives without it.
func noLibrary(path string) string {
	msg := fmt.Sprintf("cassette serve: %v: %s\n", replayserver.ErrNoLibrary, path)
	if env := envMode(); env != "" {
		// CASSETTE_MODE overrides -mode: the commands below, run in
		// this environment, would replay again.
		msg += fmt.Sprintf("\twith the environment variable %s unset (%s=%s overrides -mode):\n", replayserver.EnvMode, replayserver.EnvMode, env)
	}
	if cienv.On() { // as replayserver reads CI
		return msg + fmt.Sprintf("\tto record it: cassette serve -mode record -upstream URL %s (-mode once records nothing while the environment variable %s is set)\n", path, replayserver.EnvCI)
	}
	msg += fmt.Sprintf("\tto record it: cassette serve -mode once -upstream URL %s (records it, then replays it on later runs)\n", path)
	return msg + fmt.Sprintf("\tor: cassette serve -mode record -upstream URL %s (records what no cassette answers)\n", path)
}

// modeLine is the line cassette serve prints at start for the mode asked
// for and the one in force (once resolved): none when replaying as asked.
func modeLine(asked, m replayserver.Mode, upstream string) string {
	switch {
	case asked == replayserver.ModeOnce && m == replayserver.ModeReplay:
		return "cassette: mode once, replaying the existing library\n"
	case asked == replayserver.ModeOnce:
		return fmt.Sprintf("cassette: mode once, recording the missing library, forwarding to %s\n", upstream)
	case m == replayserver.ModeReplay:
		return ""
	}
	return fmt.Sprintf("cassette: mode %s, forwarding to %s\n", m, upstream)
}

// envMode returns the mode CASSETTE_MODE asks for, as replayserver reads
// it (trimmed, in any case); "" when it is not set.
func envMode() replayserver.Mode {
	return replayserver.Mode(strings.ToLower(strings.TrimSpace(os.Getenv(replayserver.EnvMode))))
}
