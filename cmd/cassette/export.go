package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/cassette-go/cassette/internal/atomicfile"
	"github.com/cassette-go/cassette/internal/har"
)

const exportAbout = `
Export writes the cassettes of the library at SRC in the format of another
tool, to the file DST ("-" for stdout). It refuses to overwrite a DST that
exists and is not empty, unless -force, and refuses a DST inside a
directory SRC, a DST that is a folder and one in a folder that does not
exist (exit status 2).

-to har writes a HAR 1.2 log that browsers' developer tools and HTTP
tools open: one entry per exchange, cassette after cassette, with the
recording time as startedDateTime and the latency as the time waited.
Bodies that are not UTF-8 text are written in base64. A response body in
gzip or deflate is written decoded, as browsers write it, unless it
decodes to more than 64 MiB (a decompression bomb): that one is written
as sent, as a body in br or zstd is. What HAR cannot hold (trailers, the
encoding of a binary request body) is kept in custom fields, so
"cassette import -from har" gives back the same cassettes.
`

const exportExample = `
	cassette export -to har testdata/api api.har
	cassette export -to har testdata/api.yaml - | jq '.log.entries | length'
`

// runExport runs "cassette export".
func runExport(_ context.Context, args []string, stdout, stderr io.Writer) int {
	c := newCmdline("cassette export", "cassette export -to har [-force] SRC DST", exportAbout, exportExample)
	to := c.fs.String("to", "", "the `format` to write: har (required)")
	force := c.fs.Bool("force", false, "overwrite a DST that exists and is not empty")
	pos, code, ok := c.parseOrFail(args, stdout, stderr)
	if !ok {
		return code
	}
	switch {
	case *to == "":
		return c.fail(stderr, "missing -to har")
	case strings.ToLower(*to) != "har":
		return c.fail(stderr, "unknown -to %q: want har", *to)
	case len(pos) < 2:
		return c.fail(stderr, "want SRC and DST")
	case len(pos) > 2:
		return c.fail(stderr, "too many arguments %q", pos[2:])
	}
	src, dst := pos[0], pos[1]
	if dst != "-" && sameFile(src, dst) {
		return c.fail(stderr, "SRC and DST are both %s", src)
	}
	if dst != "-" && inside(dst, src) {
		return c.fail(stderr, "DST %s is inside the directory library SRC %s, which it would corrupt; choose a DST outside %s", dst, src, src)
	}
	if dst != "-" {
		// Else the rename of the temporary file onto a folder, or its
		// creation in a folder that does not exist, fails naming that
		// temporary file, after the whole library was read.
		if err := checkOutFile("DST", dst); err != nil {
			return c.fail(stderr, "%v", err)
		}
	}
	if dst != "-" && !*force {
		if nonEmpty, err := hasContent(dst); err != nil {
			fmt.Fprintf(stderr, "cassette export: %v\n", err)
			return exitError
		} else if nonEmpty {
			fmt.Fprintf(stderr, "cassette export: %s exists and is not empty; use -force to overwrite it\n", dst)
			return exitError
		}
	}
	lib, err := openExisting(src)
	if err != nil {
		fmt.Fprintf(stderr, "cassette export: %v\n", err)
		return exitError
	}
	p := newProgress(stderr, "exporting")
	all, err := cassettes(lib, p)
	p.done()
	if err != nil {
		fmt.Fprintf(stderr, "cassette export: %v\n", err)
		return exitError
	}
	for i := range all {
		// The cassettes share memory with the library (and a small file
		// library's with every library of the process that reads it):
		// put the bodies in a copy of the exchanges.
		all[i].Exchanges = slices.Clone(all[i].Exchanges)
		for j := range all[i].Exchanges {
			if all[i].Exchanges[j], err = withBody(all[i].Exchanges[j]); err != nil {
				fmt.Fprintf(stderr, "cassette export: cassette %s: %v\n", all[i].Name, err)
				return exitError
			}
		}
	}
	data, err := har.Export(all)
	if err != nil {
		fmt.Fprintf(stderr, "cassette export: %v\n", err)
		return exitError
	}
	if dst == "-" {
		if _, err := stdout.Write(data); err != nil {
			fmt.Fprintf(stderr, "cassette export: %v\n", err)
			return exitError
		}
		return exitOK
	}
	if err := writeFileAtomic(dst, data); err != nil {
		fmt.Fprintf(stderr, "cassette export: %v\n", err)
		return exitError
	}
	n := 0
	for _, c := range all {
		n += len(c.Exchanges)
	}
	fmt.Fprintf(stdout, "exported %d exchange(s) of %d cassette(s) to %s\n", n, len(all), dst)
	return exitOK
}

// writeFileAtomic writes data to a temporary file beside path, synced,
// then renames it to path (see package atomicfile): a new file gets the
// mode the umask gives, an existing one keeps its own.
func writeFileAtomic(path string, data []byte) error {
	return atomicfile.WriteFile(path, data, 0o666)
}
