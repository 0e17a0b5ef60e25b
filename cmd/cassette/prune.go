package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cassette-go/cassette/internal/bomtext"
	"github.com/cassette-go/cassette/library"
)

const pruneAbout = `
Prune removes from the library at PATH the cassettes listed in an unused
report (-unused FILE), as written by "cassette serve -unused FILE" or by
replayserver's ReportUnused (the list "cassette serve -strict" prints on
stderr is accepted too; the log lines around it are warnings): one entry per line, for a directory library
the file of a cassette relative to the library folder
("GET_api.example.com_443_v1_users.json"), for a single-file library a
cassette name. Cassette names are accepted for both. Blank lines and lines
starting with "#" are skipped.

Prune also removes the body files (large bodies kept beside the
cassettes) that no cassette refers to any more, those the recorder wrote,
named after their content (bodies/<32 hex digits>.bin: a file you placed
there by hand for a hand-written cassette stays), and the temporary files
(.cassette-*.tmp) that saves interrupted over an hour ago left behind.

Prune is a dry run unless -force: it prints what it would remove. An entry
that is not in the library is a warning on stderr, not an error.
`

const pruneExample = `
	cassette serve -unused unused.log testdata/api &
	go test ./... ; kill -INT $!; wait
	cassette prune -unused unused.log testdata/api          # what would go
	cassette prune -unused unused.log -force testdata/api   # remove it
`

// runPrune runs "cassette prune".
func runPrune(_ context.Context, args []string, stdout, stderr io.Writer) int {
	c := newCmdline("cassette prune", "cassette prune -unused FILE [-force] PATH", pruneAbout, pruneExample)
	unused := c.fs.String("unused", "", "the unused report: a `file` with one cassette file or name per line (required)")
	force := c.fs.Bool("force", false, "remove the cassettes; without it prune only prints what it would remove")
	pos, code, ok := c.parseOrFail(args, stdout, stderr)
	if !ok {
		return code
	}
	switch {
	case *unused == "":
		return c.fail(stderr, "missing -unused FILE")
	case len(pos) == 0:
		return c.fail(stderr, "missing PATH")
	case len(pos) > 1:
		return c.fail(stderr, "too many arguments %q", pos[1:])
	}
	path := pos[0]
	entries, err := readReport(*unused)
	if err != nil {
		fmt.Fprintf(stderr, "cassette prune: %v\n", err)
		return exitError
	}
	lib, err := openExisting(path)
	if err != nil {
		fmt.Fprintf(stderr, "cassette prune: %v\n", err)
		return exitError
	}
	names, err := lib.Names()
	if err != nil {
		fmt.Fprintf(stderr, "cassette prune: %v\n", err)
		return exitError
	}
	byEntry := make(map[string]string, 2*len(names)) // cassette name by file and by name
	for _, n := range names {
		byEntry[n] = n
		byEntry[filepath.ToSlash(lib.File(n))] = n
	}

	removed := make(map[string]bool)
	var files, gone []string // of the cassettes removed, in the order of the report; their names
	for _, e := range entries {
		name, ok := byEntry[filepath.ToSlash(filepath.Clean(e))]
		if !ok {
			fmt.Fprintf(stderr, "cassette prune: warning: %s is not in %s\n", e, path)
			continue
		}
		if removed[name] {
			continue
		}
		removed[name] = true
		file := lib.File(name)
		// Deleted in a dry run too, in memory only (nothing is saved):
		// the body files listed next are those -force would remove.
		if err := lib.Delete(name); err != nil {
			fmt.Fprintf(stderr, "cassette prune: %v\n", err)
			return exitError
		}
		if !*force {
			fmt.Fprintf(stdout, "would remove %s\n", file)
			continue
		}
		files, gone = append(files, file), append(gone, name)
	}
	if !*force {
		if !pruneBodies(lib, false, stdout, stderr) {
			return exitError
		}
		fmt.Fprintf(stdout, "dry run: %d of %d cassette(s) would be removed from %s; use -force to remove them\n", len(removed), len(names), path)
		return exitOK
	}
	// Each cassette is said removed once it is: a Save that fails (a
	// read-only library, a full disk) may have removed none of them, some
	// (a directory library), or all (a file library whose body files could
	// not be removed after): the library, read again, tells.
	err = lib.Save()
	left := map[string]bool{}
	if err != nil {
		after, rerr := library.Open(path)
		var names []string
		if rerr == nil {
			names, rerr = after.Names()
		}
		if rerr != nil {
			fmt.Fprintf(stderr, "cassette prune: save %s: %v\n", path, err)
			fmt.Fprintf(stderr, "cassette prune: which of the %d cassette(s) to remove were removed is not known: %v\n", len(files), rerr)
			return exitError
		}
		for _, n := range names {
			left[n] = true
		}
	}
	n := 0
	for i, file := range files {
		if !left[gone[i]] {
			fmt.Fprintf(stdout, "removed %s\n", file)
			n++
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "cassette prune: save %s: %v\n", path, err)
		fmt.Fprintf(stderr, "cassette prune: %d of the %d cassette(s) to remove were removed\n", n, len(files))
		return exitError
	}
	if !pruneBodies(lib, true, stdout, stderr) {
		return exitError
	}
	fmt.Fprintf(stdout, "removed %d of %d cassette(s) from %s\n", len(removed), len(names), path)
	return exitOK
}

// leftoverAge is how old a temporary file must be for prune to take it
// for one an interrupted save left behind, not one being written.
const leftoverAge = time.Hour

// pruneBodies removes (or with force false, lists) the body files of lib
// that no cassette refers to (those of cassettes just removed from a
// directory library, and any a crash left behind) and the temporary files
// of saves and recordings that were interrupted. It reports success.
func pruneBodies(lib *library.Library, force bool, stdout, stderr io.Writer) bool {
	unused, err := lib.UnusedBodies()
	if err != nil {
		fmt.Fprintf(stderr, "cassette prune: %v\n", err)
		return false
	}
	temp, err := lib.Leftovers(leftoverAge)
	if err != nil {
		fmt.Fprintf(stderr, "cassette prune: %v\n", err)
		return false
	}
	return removeFiles("body file", unused, force, stdout, stderr) &&
		removeFiles("temporary file", temp, force, stdout, stderr)
}

// removeFiles removes (or with force false, lists) the files of paths, of
// the kind what. It reports success.
func removeFiles(what string, paths []string, force bool, stdout, stderr io.Writer) bool {
	wd, _ := os.Getwd()
	for _, p := range paths {
		shown := p
		if rel, err := filepath.Rel(wd, p); err == nil && filepath.IsLocal(rel) {
			shown = rel
		}
		if !force {
			fmt.Fprintf(stdout, "would remove %s %s\n", what, shown)
			continue
		}
		remove := os.Remove
		if fi, err := os.Lstat(p); err == nil && fi.IsDir() {
			remove = os.RemoveAll // a folder an interrupted rerecord was building
		}
		if err := remove(p); err != nil {
			fmt.Fprintf(stderr, "cassette prune: %v\n", err)
			return false
		}
		fmt.Fprintf(stdout, "removed %s %s\n", what, shown)
	}
	return true
}

// readReport returns the entries of the unused report at path.
func readReport(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read unused report: %w", err)
	}
	var entries []string
	sc := bufio.NewScanner(bytes.NewReader(bomtext.UTF8(data))) // Windows tools write a byte order mark, or UTF-16 (PowerShell 5)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		entries = append(entries, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read unused report %s: %w", path, err)
	}
	return entries, nil
}
