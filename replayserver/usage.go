package replayserver

import (
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/cassette-go/cassette/library"
)

// usage records, for the whole process, which cassettes of each library
// were used by any handler, so that a package's tests can report the
// cassettes none of them used (see [ReportUnusedIn]).
var usage struct {
	mu   sync.Mutex                 // guards used
	used map[string]map[string]bool // absolute library path, as a handler was made with it -> used names
}

// noteUsage adds the cassettes hits counts as used in the library at the
// absolute path abs, and those named in all.
func noteUsage(abs string, hits map[string]*served, all []string) {
	usage.mu.Lock()
	defer usage.mu.Unlock()
	if usage.used == nil {
		usage.used = map[string]map[string]bool{}
	}
	u := usage.used[abs]
	if u == nil {
		u = map[string]bool{}
		usage.used[abs] = u
	}
	for n, s := range hits {
		if s.used() {
			u[n] = true
		}
	}
	for _, n := range all {
		u[n] = true
	}
}

// UnusedIn returns the names of the cassettes of the library at path that
// no server or transport of this process has used, sorted. Only servers
// and transports that were closed (their test ended) count, so call it
// after the tests ran, typically in TestMain after m.Run. In a run that
// left tests out (go test -run or -skip), a cassette only those tests use
// is unused too: it says so on standard error. A library counts as one
// whatever path each server or transport was given for it: relative (to
// the working folder when it was made) or absolute, spelt with "./" or
// ".." or not, or a symbolic link to it.
func UnusedIn(path string) ([]string, error) {
	if f := filtered(); f != "" {
		fmt.Fprintf(os.Stderr, "replayserver: unused cassettes of %s: this run left tests out (%s), and the cassettes only they use are listed as unused too: run the whole package before pruning\n", path, f)
	}
	lib, err := library.Open(path)
	if err != nil {
		return nil, fmt.Errorf("replayserver: %w", err)
	}
	names, err := lib.Names()
	if err != nil {
		return nil, fmt.Errorf("replayserver: %w", err)
	}
	used := usedIn(path)
	var out []string
	for _, n := range names {
		if !used[n] {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out, nil
}

// usedIn returns the names of the cassettes used in the library at path,
// whatever path the handlers that used it were given: the same absolute
// path (relative or absolute, with "./" or ".." or not), or one that
// names the same file or folder (through a symbolic link, or in another
// case on a file system that ignores it).
func usedIn(path string) map[string]bool {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	usage.mu.Lock()
	defer usage.mu.Unlock()
	used := maps.Clone(usage.used[abs])
	if used == nil {
		used = map[string]bool{}
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return used // no other path can be told to name it
	}
	for k, u := range usage.used {
		if k == abs {
			continue
		}
		if ki, err := os.Stat(k); err != nil || !os.SameFile(fi, ki) {
			continue
		}
		for n := range u {
			used[n] = true
		}
	}
	return used
}

// ReportUnusedIn writes the cassettes of the library at path that no test
// of this process used, in the format of [Server.ReportUnused]: one line
// each, sorted, a file path relative to the library folder for a directory
// library, a name for a file library. It is the package-wide report:
//
//	func TestMain(m *testing.M) {
//		code := m.Run()
//		f, _ := os.Create("unused.log")
//		replayserver.ReportUnusedIn("testdata/api", f)
//		f.Close()
//		os.Exit(code)
//	}
//
// then `cd testdata/api && xargs rm < ../../unused.log` prunes them. A
// cassette a server or transport recorded in this process counts as used,
// and so does every one after a run in passthrough mode, which uses none
// and so cannot tell.
func ReportUnusedIn(path string, w io.Writer) error {
	unused, err := UnusedIn(path)
	if err != nil {
		return err
	}
	lib, err := library.Open(path)
	if err != nil {
		return fmt.Errorf("replayserver: %w", err)
	}
	return writeReport(w, lib, unused)
}

// filtersBelow returns the go test flags of this run, as given, that may
// have left out subtests of the test called name (a sub-benchmark, when
// bench), or "" for none: a -run or -skip (for a benchmark, -bench or
// -skip) pattern, split as package testing splits it, with an
// alternative that matches the name's levels and has more levels than
// it. An alternative that does not match the name filters other tests;
// one with as many levels or fewer filters tests at the levels of the
// name and above, and a -run with one that matches runs every subtest
// of the test.
func filtersBelow(name string, bench bool) string {
	return filtersBelowBy(flag.Lookup, name, bench)
}

// filtersBelowBy is filtersBelow with the flags lookup finds.
func filtersBelowBy(lookup func(name string) *flag.Flag, name string, bench bool) string {
	elems := strings.Split(name, "/")
	flags := []string{"run", "skip"}
	if bench {
		flags = []string{"bench", "skip"}
	}
	var given []string
	for _, f := range flags {
		fl := lookup("test." + f)
		if fl == nil || fl.Value.String() == "" {
			continue
		}
		deeper, whole := false, false
		for _, alt := range splitPattern(fl.Value.String()) {
			if !prefixMatches(alt, elems) {
				continue // it filters other tests
			}
			if len(alt) > len(elems) {
				deeper = true
			} else {
				whole = true
			}
		}
		// -skip: an alternative as deep as the name or less would have
		// skipped the test itself.
		if deeper && (f == "skip" || !whole) {
			given = append(given, fmt.Sprintf("-%s %q", f, fl.Value.String()))
		}
	}
	return strings.Join(given, " ")
}

// prefixMatches reports whether the levels of the go test pattern
// alternative alt match the elements of a test name, as far as both go,
// as package testing matches them (a regular expression that does not
// compile counts as matching).
func prefixMatches(alt, elems []string) bool {
	for i := 0; i < len(alt) && i < len(elems); i++ {
		re, err := regexp.Compile(alt[i])
		if err == nil && !re.MatchString(elems[i]) {
			return false
		}
	}
	return true
}

// splitPattern splits the go test pattern p as package testing does: into
// alternatives at bars, and each into levels at slashes, outside brackets
// and parentheses.
func splitPattern(p string) [][]string {
	var alts [][]string
	var levels []string
	brackets, parens := 0, 0
	for i := 0; i < len(p); {
		switch p[i] {
		case '[':
			brackets++
		case ']':
			if brackets > 0 {
				brackets--
			}
		case '(':
			if brackets == 0 {
				parens++
			}
		case ')':
			if brackets == 0 {
				parens--
			}
		case '\\':
			i++
		case '/', '|':
			if brackets == 0 && parens == 0 {
				levels = append(levels, p[:i])
				if p[i] == '|' {
					alts = append(alts, levels)
					levels = nil
				}
				p = p[i+1:]
				i = 0
				continue
			}
		}
		i++
	}
	return append(alts, append(levels, p))
}

// filtered returns the go test flags of this run that left tests out
// (-run, -skip), as given, or "" for none.
func filtered() string { return filteredBy(flag.Lookup) }

// filteredBy is filtered with the flags lookup finds.
func filteredBy(lookup func(name string) *flag.Flag) string {
	var given []string
	for _, name := range []string{"run", "skip"} {
		if f := lookup("test." + name); f != nil && f.Value.String() != "" {
			given = append(given, fmt.Sprintf("-%s %q", name, f.Value.String()))
		}
	}
	return strings.Join(given, " ")
}
