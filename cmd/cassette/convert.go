package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/cassette-go/cassette/internal/atomicfile"
	"github.com/cassette-go/cassette/library"
)

const convertAbout = `
Convert copies every cassette of the library at SRC into a new library at
DST, losslessly: bodies byte for byte (binary ones included), every value
of every header in order, trailers, latencies and recording times. It
converts between JSON and YAML and between a single-file library and a
directory library, as the paths say: a path ending in .json, .yaml or .yml
is a single file in that format, any other path a directory with one file
per cassette, written in the -format given (default json). A response
body over 8 MiB held in a cassette of SRC goes to a body file of DST, as
the recorder stores it (the same bytes), unless it was streamed: its
chunks, which a body file would lose, keep it in its cassette. A body
file of SRC that cannot be read (deleted by hand, never committed) stops
convert, naming it, before anything is written.

Convert refuses to overwrite a DST that exists and is not empty, unless
-force: then DST holds exactly the cassettes of SRC afterwards (other
cassette files of a directory DST are removed; a directory DST holding
files that are not cassettes, or in its bodies folder files other than
the body files a library names after their content, such as one placed
there by hand, is refused, before anything is written). It
refuses, before writing anything, a DST inside a directory SRC and a SRC
inside a directory DST.
`

const convertExample = `
	# One JSON file to a directory of YAML files, one per cassette:
	cassette convert -format yaml testdata/api.json testdata/api

	# And back to a single YAML file:
	cassette convert testdata/api testdata/api.yaml
`

// runConvert runs "cassette convert".
func runConvert(_ context.Context, args []string, stdout, stderr io.Writer) int {
	c := newCmdline("cassette convert", "cassette convert [-format json|yaml] [-force] SRC DST", convertAbout, convertExample)
	format := c.fs.String("format", "", "`format` of the files of a directory DST: json or yaml (default json)")
	force := c.fs.Bool("force", false, "overwrite a DST that exists and is not empty")
	pos, code, ok := c.parseOrFail(args, stdout, stderr)
	if !ok {
		return code
	}
	switch {
	case len(pos) < 2:
		return c.fail(stderr, "want SRC and DST")
	case len(pos) > 2:
		return c.fail(stderr, "too many arguments %q", pos[2:])
	}
	src, dst := pos[0], pos[1]
	opts, err := dstOptions(dst, *format)
	if err != nil {
		return c.fail(stderr, "%v", err)
	}
	if sameFile(src, dst) {
		return c.fail(stderr, "SRC and DST are the same library %s", src)
	}
	if inside(dst, src) {
		return c.fail(stderr, "DST %s is inside the directory library SRC %s, which it would corrupt; choose a DST outside %s", dst, src, src)
	}
	if inside(src, dst) {
		return c.fail(stderr, "SRC %s is inside the directory DST %s, whose files convert replaces; choose a DST that does not hold SRC", src, dst)
	}

	in, err := openExisting(src)
	if err != nil {
		fmt.Fprintf(stderr, "cassette convert: %v\n", err)
		return exitError
	}
	out, err := openTarget(dst, *force, opts...)
	if err != nil {
		fmt.Fprintf(stderr, "cassette convert: %v\n", err)
		return exitError
	}
	p := newProgress(stderr, "converting")
	all, err := cassettes(in, p)
	p.done()
	if err == nil {
		err = checkAllBodyFiles(all)
	}
	if err != nil {
		fmt.Fprintf(stderr, "cassette convert: %v\n", err)
		return exitError
	}
	if err := writeAll(out, all, putConverted, nil, opts...); err != nil {
		fmt.Fprintf(stderr, "cassette convert: %v\n", err)
		return exitError
	}
	fmt.Fprintf(stdout, "converted %d cassette(s) from %s to %s\n", len(all), src, dst)
	return exitOK
}

// dstOptions returns the library options for a new library at dst in
// format ("" for the default), or an error if format does not fit dst.
func dstOptions(dst, format string) ([]library.Option, error) {
	format = strings.ToLower(format)
	explicit := format != ""
	switch format {
	case "":
		format = string(library.JSON)
	case string(library.JSON), string(library.YAML):
	default:
		return nil, fmt.Errorf("unknown -format %q: want json or yaml", format)
	}
	lib, err := library.Open(dst)
	if err != nil {
		return nil, err
	}
	if !lib.IsDir() {
		if explicit && string(lib.Format()) != format {
			return nil, fmt.Errorf("-format %s does not fit %s: the extension of a file library gives its format", format, dst)
		}
		return nil, nil
	}
	return []library.Option{library.WithFormat(library.Format(format))}, nil
}

// sameFile reports whether a and b name the same file or directory.
func sameFile(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

// openTarget opens the library at path to be written anew: it refuses a
// library that exists and is not empty, unless force, and clears it.
func openTarget(path string, force bool, opts ...library.Option) (*library.Library, error) {
	lib, err := library.Open(path, opts...)
	if err != nil {
		return nil, err
	}
	if err := checkKind(lib); err != nil {
		return nil, err
	}
	if !force {
		if nonEmpty, err := hasContent(path); err != nil {
			return nil, err
		} else if nonEmpty {
			return nil, fmt.Errorf("%s exists and is not empty; use -force to overwrite it", path)
		}
	}
	if lib.IsDir() && lib.Exists() {
		// -force replaces the cassettes of a directory, not other files,
		// which would be left among the new ones: a library that no
		// longer opens.
		foreign, err := foreignFiles(path)
		if err != nil {
			return nil, err
		}
		if len(foreign) > 0 {
			return nil, fmt.Errorf("%s holds %s, which %s no cassette file: a library is written there only when it holds nothing else; move it elsewhere",
				path, strings.Join(foreign, ", "), map[bool]string{true: "is", false: "are"}[len(foreign) == 1])
		}
	}
	lib.Clear()
	return lib, nil
}

// foreignFiles returns what the folder dir holds that a directory library
// would not take for its own, as package library lists a folder: anything
// but NAME.json, NAME.yaml and NAME.yml files of valid names, its
// "bodies" folder, and the names it leaves alone (see
// library.IgnoredFile: dot files, Explorer's desktop.ini), which the
// folder that replaces DST keeps. (Two files of one
// cassette are its own: a convert -force replaces both.) In the body
// folder, which a convert -force replaces whole, anything but the body
// files the library names after their content is foreign: a file placed
// there by hand (for a hand-written body_file), which the library never
// removes, is not lost.
func foreignFiles(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, de := range ents {
		name := de.Name()
		if library.IgnoredFile(name) {
			continue
		}
		fi, err := os.Stat(filepath.Join(dir, name)) // through a link
		switch {
		case err != nil:
			out = append(out, name+" (a broken link)")
		case fi.IsDir() && name == "bodies":
			bodies, err := os.ReadDir(filepath.Join(dir, name))
			if err != nil {
				return nil, err
			}
			for _, b := range bodies {
				if !b.Type().IsRegular() || !contentNamed.MatchString(b.Name()) {
					out = append(out, "bodies/"+b.Name())
				}
			}
		case fi.IsDir():
			out = append(out, name+"/")
		default:
			ext := strings.ToLower(filepath.Ext(name))
			if !fi.Mode().IsRegular() || (ext != ".json" && ext != ".yaml" && ext != ".yml") || !library.ValidName(strings.TrimSuffix(name, filepath.Ext(name))) {
				out = append(out, name)
			}
		}
	}
	return out, nil
}

// onlyDotFiles reports whether there is nothing at path, or a folder
// holding nothing but names a library leaves alone (see
// library.IgnoredFile: .gitkeep, a .notes folder, Explorer's
// desktop.ini): all that a folder built to replace it keeps (see
// atomicfile.ReplaceDir).
func onlyDotFiles(path string) bool {
	ents, err := os.ReadDir(path)
	if errors.Is(err, fs.ErrNotExist) {
		_, err := os.Lstat(path)
		return errors.Is(err, fs.ErrNotExist) // not a link to nothing
	}
	if err != nil {
		return false
	}
	for _, e := range ents {
		if !library.IgnoredFile(e.Name()) {
			return false
		}
	}
	return true
}

// contentNamed matches the names of the body files a library writes,
// named after their content (see package library: the first 128 bits of
// their SHA-256, in hex, then .bin).
var contentNamed = regexp.MustCompile(`^[0-9a-f]{32}\.bin$`)

// hasContent reports whether path is a file that is not empty or a
// directory that holds anything.
func hasContent(path string) (bool, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !fi.IsDir() {
		return fi.Size() > 0, nil
	}
	ents, err := os.ReadDir(path)
	return len(ents) > 0, err
}

// writeAll writes the cassettes all as the library lib, opened with opts,
// replacing what it held, whole or not at all: a file library by its Save
// (one file renamed into place), a directory library by a new folder,
// built beside it and then put in its place (see atomicfile.ReplaceDir),
// so that a write that fails (a full disk) leaves no library at its path
// that holds part of the cassettes, nor changes the one there. A folder
// that is a mount point (a container's volume), which no other folder can
// replace, is written into, as lib's Save writes (see putAll).
// put puts each cassette into the library written (putConverted, or
// putSpilled). p, if not nil, shows the cassettes put.
func writeAll(lib *library.Library, all []library.Cassette, put func(*library.Library, library.Cassette) error, p *progress, opts ...library.Option) error {
	if !lib.IsDir() {
		return putAll(lib, all, put, p)
	}
	err := atomicfile.ReplaceDir(lib.Path(), func(tmp string) error {
		next, err := library.Open(tmp, opts...)
		if err != nil {
			return err
		}
		return putAll(next, all, put, p)
	}, atomicfile.Exchange)
	if errors.Is(err, atomicfile.ErrMountPoint) {
		return putAll(lib, all, put, p)
	}
	if err != nil {
		what := "was not created"
		if lib.Exists() {
			what = "is left as it was"
		}
		return fmt.Errorf("%v\n%s %s (the library is written in a new folder beside it, which then takes its place)", err, lib.Path(), what)
	}
	return nil
}

// putAll puts every cassette into lib with put and saves it; p, if not
// nil, shows the cassettes put. If it fails, lib gives up what it holds
// unsaved (see library.Library.Discard), with the body files committed
// for it (see putWithBodyFiles).
func putAll(lib *library.Library, all []library.Cassette, put func(*library.Library, library.Cassette) error, p *progress) error {
	defer p.done()
	for i, c := range all {
		if err := put(lib, c); err != nil {
			lib.Discard()
			return err
		}
		p.step(i+1, len(all))
	}
	if err := lib.Save(); err != nil {
		lib.Discard()
		return fmt.Errorf("save %s: %w", lib.Path(), err)
	}
	return nil
}

// checkAllBodyFiles returns an error naming the first body file of cs
// that cannot be opened (one not committed, or deleted by hand), which no
// library takes, and saying what to do, before anything is written.
func checkAllBodyFiles(cs []library.Cassette) error {
	for _, c := range cs {
		for i := range c.Exchanges {
			r := &c.Exchanges[i].Response
			if r.BodyFile == "" {
				continue
			}
			rc, _, err := r.OpenBody()
			if err != nil {
				return fmt.Errorf("cassette %s, exchange %d: %w; restore the body file (from version control), or record the cassette again: nothing was written", c.Name, i+1, err)
			}
			rc.Close()
		}
	}
	return nil
}
