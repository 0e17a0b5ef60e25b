package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cassette-go/cassette/library"
)

// now is the clock of ls and audit; tests replace it.
var now = time.Now

// isTerminal reports whether w is a terminal, so that progress is shown; tests
// replace it.
var isTerminal = func(w io.Writer) bool {
	if s, ok := w.(*syncWriter); ok {
		w = s.w
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// errNoLibrary is returned by openExisting for a library not on disk.
var errNoLibrary = errors.New("no cassette library there")

// openExisting opens the library at path, which must exist.
func openExisting(path string) (*library.Library, error) {
	lib, err := library.Open(path)
	if err != nil {
		return nil, err
	}
	if !lib.Exists() {
		if err := checkKind(lib); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%s: %w", path, errNoLibrary)
	}
	return lib, nil
}

// checkKind returns an error when what is at the path of lib is not of its
// kind: a file at the path of a directory library (a path without a
// library extension), or a directory at the path of a file library. A
// path that does not exist yet passes.
func checkKind(lib *library.Library) error {
	if lib.Exists() {
		return nil
	}
	_, err := lib.Names() // nothing there lists nothing; another kind is an error
	return err
}

// inside reports whether path is the directory dir or lies inside it, as
// the file system resolves them: both paths are made absolute and cleaned,
// and the symbolic links of their existing parts resolved; or a folder on
// path's way is dir, spelled otherwise (on macOS, whose file system takes
// names differing only in case for one, testdata/API is testdata/api,
// which resolving does not tell there). It is false when dir is not an
// existing directory.
func inside(path, dir string) bool {
	di, err := os.Stat(dir)
	if err != nil || !di.IsDir() {
		return false
	}
	d, errD := resolve(dir)
	p, errP := resolve(path)
	if errD != nil || errP != nil {
		return false
	}
	rel, err := filepath.Rel(d, p)
	if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return true
	}
	for q := p; ; q = filepath.Dir(q) {
		if fi, err := os.Stat(q); err == nil && os.SameFile(fi, di) {
			return true
		}
		if filepath.Dir(q) == q {
			return false
		}
	}
}

// checkOutsideLibrary returns an error when the file out, which flag
// names, would be written over or into the library at path: out is the
// library itself (its file, or its folder), lies inside a directory
// library, or is or lies inside the body folder of a single-file library
// (NAME.json.bodies). Paths are compared as [inside] compares them, so
// that a relative path, a link or a trailing slash does not hide one. A
// path that is not a library passes: it is reported when opened.
func checkOutsideLibrary(flag, out, path string) error {
	lib, err := library.Open(path)
	if out == "" || err != nil {
		return nil
	}
	o, errO := resolve(out)
	p, errP := resolve(path)
	if sameFile(out, path) || (errO == nil && errP == nil && o == p) {
		return fmt.Errorf("%s %s is the library %s itself: writing it on exit would destroy the library; give a file outside it", flag, out, path)
	}
	if lib.IsDir() {
		if inside(out, path) {
			return fmt.Errorf("%s %s is inside the directory library %s: writing it on exit would corrupt the library; give a file outside %s", flag, out, path, path)
		}
		return nil
	}
	if errP != nil {
		return nil
	}
	if bodies := p + ".bodies"; (errO == nil && o == bodies) || inside(out, bodies) {
		return fmt.Errorf("%s %s is in %s, the folder of the body files of the library %s: writing it on exit would corrupt the library; give a file outside that folder", flag, out, bodies, path)
	}
	return nil
}

// resolve returns path absolute and cleaned, with the symbolic links of
// its longest existing part resolved; the parts that do not exist yet
// follow as they are.
func resolve(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	var rest []string // the parts that do not exist, last first
	for p := abs; ; {
		real, err := filepath.EvalSymlinks(p)
		if err == nil {
			for i := len(rest) - 1; i >= 0; i-- {
				real = filepath.Join(real, rest[i])
			}
			return real, nil
		}
		parent := filepath.Dir(p)
		if parent == p || !errors.Is(err, fs.ErrNotExist) {
			return abs, nil // nothing to resolve, or a part that cannot be read
		}
		rest = append(rest, filepath.Base(p))
		p = parent
	}
}

// cassettes returns every cassette of lib, in name order, reporting progress
// of the reading to p (which may be nil).
func cassettes(lib *library.Library, p *progress) ([]library.Cassette, error) {
	names, err := lib.Names()
	if err != nil {
		return nil, err
	}
	out := make([]library.Cassette, 0, len(names))
	for i, name := range names {
		c, ok, err := lib.Get(name)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, c)
		}
		p.step(i+1, len(names))
	}
	return out, nil
}

// newest returns the latest RecordedAt of the exchanges of c, zero if none
// is known.
func newest(c library.Cassette) time.Time {
	var t time.Time
	for _, ex := range c.Exchanges {
		if ex.RecordedAt.After(t) {
			t = ex.RecordedAt
		}
	}
	return t
}

// A progress shows "\rVERB i/n" on a terminal, and nothing elsewhere. A nil
// *progress shows nothing.
type progress struct {
	w    io.Writer
	verb string // "converting"
	last int    // last count shown
}

// newProgress returns a progress on w when w is a terminal, else nil.
func newProgress(w io.Writer, verb string) *progress {
	if !isTerminal(w) {
		return nil
	}
	return &progress{w: w, verb: verb}
}

// step shows that i of n are done. It writes at most about 100 updates.
func (p *progress) step(i, n int) {
	if p == nil || n == 0 {
		return
	}
	if i != n && i-p.last < max(1, n/100) {
		return
	}
	p.last = i
	fmt.Fprintf(p.w, "\r%s %d/%d", p.verb, i, n)
}

// done ends the progress line.
func (p *progress) done() {
	if p == nil || p.last == 0 {
		return
	}
	fmt.Fprint(p.w, "\n")
	p.last = 0
}

// printable returns s as it is when every rune of it prints, else quoted
// as Go quotes a string ("v\r\nX-Other: w"): the text of a hand-edited
// cassette shown to a reader (a header value holding a line break, an
// escape sequence, a bidirectional override) must not pass for more lines
// than it is, nor drive the terminal.
func printable(s string) string {
	if !utf8.ValidString(s) {
		return strconv.Quote(s)
	}
	for _, r := range s {
		if !strconv.IsPrint(r) {
			return strconv.Quote(s)
		}
	}
	return s
}

// shownNames returns names joined by sep, each as shownName shows it.
func shownNames(names []string, sep string) string {
	shown := make([]string, len(names))
	for i, n := range names {
		shown[i] = shownName(n)
	}
	return strings.Join(shown, sep)
}

// shownName returns a name of a list that a naming rule or the line of
// the rules in force shows (a header, a query key, a member a body rule
// leaves out) as it is, or quoted as Go quotes a string when it would not
// read back as one name: empty, or holding a comma or a semicolon (which
// part the names and the rules), a double quote, white space or a
// character that does not print. So {"formWithout": ["x,y"]} shows as
// form-without:"x,y", not as the form-without:x,y of two fields.
func shownName(s string) string {
	if s == "" || strings.ContainsAny(s, ",;\"") || strings.ContainsFunc(s, unicode.IsSpace) {
		return strconv.Quote(s)
	}
	return printable(s)
}

// withBody returns ex with the content of its response's body file, if it
// has one, in Response.Body: for the tools that need the bytes (audit,
// drift, export), not for serving.
func withBody(ex library.Exchange) (library.Exchange, error) {
	if ex.Response.BodyFile == "" {
		return ex, nil
	}
	b, err := ex.Response.ReadBody()
	if err != nil {
		return ex, fmt.Errorf("%s %s: %w", ex.Request.Method, ex.Request.URL, err)
	}
	ex.Response.Body, ex.Response.BodyFile = b, ""
	return ex, nil
}

// bodySize returns the size of the response body of ex, -1 when its body
// file cannot be read (or leads out of the library's folder).
func bodySize(r *library.Response) int64 {
	if r.BodyFile == "" {
		return int64(len(r.Body))
	}
	f, size, err := r.OpenBody()
	if err != nil {
		return -1
	}
	f.Close()
	return size
}
