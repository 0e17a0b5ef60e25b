package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cassette-go/cassette/internal/govcr"
	"github.com/cassette-go/cassette/internal/har"
	"github.com/cassette-go/cassette/internal/redact"
	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
)

const importAbout = `
Import brings into the library at DST the exchanges recorded by another
tool, read from SRC: a file, or a directory whose files of that tool are
read in name order, subdirectories included. Each exchange goes to the
cassette its request names, as if cassette had recorded it; the requests
of one name are kept in order as exchanges of one cassette. DST is created
if needed; its cassettes of other names are kept, and those of an imported
name are replaced, so importing again gives the same library. -format sets
the format of the files of a new directory DST. A DST inside a directory
SRC is refused when SRC's files and DST's share an extension (a YAML
library among go-vcr cassettes): the next import would read it back.

A response body of over 8 MiB is stored in a body file, as the recorder
stores it, not in its cassette: in the library's "bodies" folder, or in
DST.bodies beside a single-file library DST (api.json.bodies), named after
its content. So a library exported to HAR and imported again comes back as
it was recorded, its large bodies in body files.

Credentials are redacted as the recorder redacts them, before the
exchanges are named: the values of the Authorization, Proxy-Authorization,
Cookie, Set-Cookie, X-Api-Key, X-Auth-Token and X-Amz-Security-Token headers,
of headers named like credentials (X-Vault-Token, Private-Token, ...)
and of query parameters such as token, api_key, key, signature and
password become REDACTED ("Bearer REDACTED"), so that the library is safe
to commit and replays requests that carry other credentials. -no-redact
keeps them.

The naming rules (-rules, -header, -ignore-query, -body; see below) name
the cassettes as cassette record names what it records, after redaction:
import with the rules the library is served with (cassette serve) or
replayed with in Go (replayserver.Naming), or the requests they concern
miss. A request is named as a server gets it: a Host or Transfer-Encoding
listed among its headers (in a HAR of HTTP/1.1) counts for nothing, as
no server finds them among a request's header fields (-header refuses
them). A significant header that is redacted (Authorization) tells
cassettes apart only by being there: import warns of it. Cassettes that
an earlier import into DST named with other rules are kept: import into
a new DST to replace them all.

-from go-vcr reads go-vcr cassettes (version 2, as go-vcr v4 writes them,
or version 1), the *.yaml and *.yml files of a directory. go-vcr stores no
recording times: the exchanges have none. An interaction with nothing to
replay (no method, no absolute http or https URL, no response code, or a
null interaction) stops the import with an error naming its file, its
line and its place in the file. vcrpy's cassettes are not read
(convert them through HAR).

-from har reads HAR 1.2 files (*.har in a directory), as browsers' "Save all
as HAR" writes them, with or without a UTF-8 byte order mark at the start
(as PowerShell and Windows editors write one). A form request given as postData.params is rebuilt as
its URL-encoded body, and postData.mimeType is the request's Content-Type
when no header gives one, so that its fields are redacted. A browser stores a compressed body decoded: such a
response is imported decoded, without its Content-Encoding header and with
its Content-Length set to the decoded length, so that it replays
consistently. Requests that got no response (status 0: blocked, aborted
or failed) have nothing to replay: they are skipped, each with a warning
on stderr; so is a response whose body the HAR does not hold (a size but
no text), which is imported with an empty body. A SRC with nothing to import is an error when DST does not
exist yet: no empty library is made.
`

const importExample = `
	# The go-vcr fixtures of a Go project:
	cassette import -from go-vcr testdata/fixtures testdata/api

	# What the browser did, from DevTools' "Save all as HAR with content":
	cassette import -from har -format yaml session.har testdata/api

	# Named with the rules the library is served with:
	cassette import -from har -rules testdata/api-rules.json session.har testdata/api
	cassette serve -rules testdata/api-rules.json testdata/api
`

// An importer reads the cassettes of another tool from one file.
type importer struct {
	exts []string // file extensions read from a directory
	// read returns the cassettes of data, named by rules, calling prepare
	// (if not nil) on each exchange before it names it; skipped are
	// warnings, a line each.
	read func(data []byte, prepare func(*library.Exchange) error, rules naming.Rules) (cs []library.Cassette, skipped []string, err error)
}

var importers = map[string]importer{
	"go-vcr": {[]string{".yaml", ".yml"}, func(data []byte, prepare func(*library.Exchange) error, rules naming.Rules) ([]library.Cassette, []string, error) {
		cs, err := govcr.ImportWith(data, prepare, rules)
		return cs, nil, err
	}},
	"har": {[]string{".har"}, har.ImportWith},
}

// runImport runs "cassette import".
func runImport(_ context.Context, args []string, stdout, stderr io.Writer) int {
	c := newCmdline("cassette import",
		"cassette import -from go-vcr|har [-format json|yaml] [-no-redact] [-rules FILE] [-header NAME] [-ignore-query KEY] [-body TYPE=RULE] SRC DST",
		importAbout+namingAbout, importExample)
	from := c.fs.String("from", "", "the `tool` that wrote SRC: go-vcr or har (required)")
	format := c.fs.String("format", "", "`format` of the files of a new directory DST: json or yaml (default json)")
	noRedact := c.fs.Bool("no-redact", false, "keep credentials as they are in SRC, instead of replacing them with REDACTED")
	nf := addNamingFlags(c.fs)
	pos, code, ok := c.parseOrFail(args, stdout, stderr)
	if !ok {
		return code
	}
	asked := *from
	*from = strings.ToLower(*from) // in any case, as CASSETTE_MODE
	imp, known := importers[*from]
	switch {
	case *from == "":
		return c.fail(stderr, "missing -from go-vcr|har")
	case !known:
		return c.fail(stderr, "unknown -from %q: want go-vcr or har", asked)
	case len(pos) < 2:
		return c.fail(stderr, "want SRC and DST")
	case len(pos) > 2:
		return c.fail(stderr, "too many arguments %q", pos[2:])
	}
	rules, err := nf.rules()
	if err != nil {
		return c.fail(stderr, "%v", err)
	}
	src, dst := pos[0], pos[1]
	if sameFile(src, dst) {
		return c.fail(stderr, "SRC and DST are both %s", src)
	}
	var opts []library.Option
	if *format != "" {
		var err error
		if opts, err = dstOptions(dst, *format); err != nil {
			return c.fail(stderr, "%v", err)
		}
	}
	if ext, ok := readBack(src, dst, imp.exts, opts); ok {
		return c.fail(stderr, "DST %s is inside the directory SRC %s, and import would read its %s files as %s files; choose a DST outside %s", dst, src, ext, *from, src)
	}

	if lib, err := library.Open(dst, opts...); err == nil {
		if err := checkKind(lib); err != nil {
			fmt.Fprintf(stderr, "cassette import: %v\n", err)
			return exitError
		}
	}

	files, err := sourceFiles(src, imp.exts)
	if err != nil {
		fmt.Fprintf(stderr, "cassette import: %v\n", err)
		return exitError
	}
	var all []library.Cassette
	index := make(map[string]int) // position in all, by name
	exchanges := 0
	p := newProgress(stderr, "reading")
	// Credentials are redacted before an exchange is named, as the
	// recorder does: a redacted query changes the name, and the replay
	// server names what it gets redacted.
	prepare := redact.Default().Exchange
	if *noRedact {
		prepare = nil
	} else {
		for _, k := range recorderRules.SignificantRedacted(rules.naming()) {
			fmt.Fprintf(stderr, "cassette import: warning: %s\n", significantWarning(k))
		}
	}
	named := rules.naming()
	for i, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			p.done()
			fmt.Fprintf(stderr, "cassette import: %v\n", err)
			return exitError
		}
		cs, skipped, err := imp.read(data, prepare, named)
		for _, s := range skipped {
			p.done() // end the progress line first
			fmt.Fprintf(stderr, "cassette import: %s: warning: %s\n", f, s)
		}
		if err != nil {
			p.done()
			fmt.Fprintf(stderr, "cassette import: %s: %v\n", f, err)
			return exitError
		}
		for _, c := range cs {
			exchanges += len(c.Exchanges)
			if j, ok := index[c.Name]; ok {
				all[j].Exchanges = append(all[j].Exchanges, c.Exchanges...)
				continue
			}
			index[c.Name] = len(all)
			all = append(all, c)
		}
		p.step(i+1, len(files))
	}
	p.done()

	lib, err := library.Open(dst, opts...)
	if err != nil {
		fmt.Fprintf(stderr, "cassette import: %v\n", err)
		return exitError
	}
	if lib.IsDir() && len(all) > 0 && onlyDotFiles(dst) {
		// A new library (or an empty folder): written whole or not at
		// all, so that an import that fails part way (a full disk) leaves
		// no library holding part of it. Not a folder holding anything
		// that the new folder would not keep (a body folder of files
		// placed by hand): the import adds to it.
		if err := writeAll(lib, all, putSpilled, newProgress(stderr, "importing"), opts...); err != nil {
			fmt.Fprintf(stderr, "cassette import: %v\n", err)
			return exitError
		}
		fmt.Fprintf(stdout, "imported %d exchange(s) from %d file(s) into %d cassette(s) in %s\n", exchanges, len(files), len(all), dst)
		printNamedBy(stdout, rules, *noRedact)
		return exitOK
	}
	replaced := 0
	p = newProgress(stderr, "importing")
	for i, c := range all {
		if _, ok, err := lib.Get(c.Name); err != nil {
			p.done()
			fmt.Fprintf(stderr, "cassette import: %v\n", err)
			return exitError
		} else if ok {
			replaced++
		}
		if err := putSpilled(lib, c); err != nil {
			p.done()
			lib.Discard() // and the body files of what it put
			fmt.Fprintf(stderr, "cassette import: %v\n", err)
			return exitError
		}
		p.step(i+1, len(all))
	}
	p.done()
	if len(all) == 0 && !lib.Exists() {
		// Most likely the wrong SRC: say so rather than report a library
		// that was never made.
		fmt.Fprintf(stderr, "cassette import: %s holds no exchange to import (no entries, or only requests without a response): %s was not created\n", src, dst)
		return exitError
	}
	if err := lib.Save(); err != nil {
		lib.Discard() // the body files of the cassettes not saved
		fmt.Fprintf(stderr, "cassette import: save %s: %v\n", dst, err)
		return exitError
	}
	fmt.Fprintf(stdout, "imported %d exchange(s) from %d file(s) into %d cassette(s) in %s", exchanges, len(files), len(all), dst)
	if replaced > 0 {
		fmt.Fprintf(stdout, " (%d replaced)", replaced)
	}
	fmt.Fprintln(stdout)
	printNamedBy(stdout, rules, *noRedact)
	return exitOK
}

// printNamedBy says, after an import, which naming rules named its
// cassettes, unless they are the default ones, and, when noRedact, that
// they are named by the credentials they keep.
func printNamedBy(w io.Writer, rules rulesSpec, noRedact bool) {
	if !rules.isDefault() {
		fmt.Fprintf(w, "named with the naming rules %s: serve the library (and replay it in Go) with the same rules\n", rules)
	}
	if noRedact {
		fmt.Fprintln(w, noRedactHint)
	}
}

// noRedactHint is what import and record say of a library whose
// credentials -no-redact keeps.
const noRedactHint = "credentials kept as sent (-no-redact), and requests named by them: serve the library with -no-redact (and replay it in Go with replayserver.NoDefaultRedaction), or the requests whose names hold one miss"

// readBack reports whether the library at dst, opened with opts, lies
// inside the directory src and writes files of an extension in exts, that
// an import from src reads; it returns that extension.
func readBack(src, dst string, exts []string, opts []library.Option) (ext string, ok bool) {
	if !inside(dst, src) {
		return "", false
	}
	lib, err := library.Open(dst, opts...)
	if err != nil {
		return "", false // reported when dst is opened to be written
	}
	ext = strings.ToLower(filepath.Ext(dst))
	if lib.IsDir() {
		ext = "." + string(lib.Format())
	}
	return ext, slices.Contains(exts, ext)
}

// sourceFiles returns src if it is a file (or a named pipe; not a device),
// else the files under the directory src with one of the extensions exts
// (in any case), sorted.
func sourceFiles(src string, exts []string) ([]string, error) {
	fi, err := os.Stat(src)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		if fi.Mode()&(fs.ModeDevice|fs.ModeCharDevice|fs.ModeSocket) != 0 {
			// Read to its end, /dev/zero would take all the memory there
			// is; a terminal would wait for typing. A named pipe (a
			// shell's <(...)) is read.
			return nil, fmt.Errorf("%s is a device or a socket, not a file to import", src)
		}
		return []string{src}, nil
	}
	var files []string
	err = filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && slices.Contains(exts, strings.ToLower(filepath.Ext(path))) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no %s file in %s", strings.Join(exts, " or "), src)
	}
	slices.Sort(files)
	return files, nil
}
