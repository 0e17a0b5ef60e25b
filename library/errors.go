package library

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"unicode"
	"unicode/utf8"

	"github.com/cassette-go/cassette/internal/diskerr"
)

// ErrInvalidName is returned, wrapped, by the methods that change a library
// when they are given a name that [ValidName] refuses.
var ErrInvalidName = errors.New("invalid cassette name")

// A fileError is an error in the content of a library file. It names the
// file and, when known, the line.
type fileError struct {
	path string // the file, as the user named it
	line int    // 1-based; 0 when unknown
	err  error
}

func (e *fileError) Error() string {
	path := printablePath(e.path)
	if e.line > 0 {
		return fmt.Sprintf("%s:%d: %v", path, e.line, e.err)
	}
	return fmt.Sprintf("%s: %v", path, e.err)
}

// printablePath returns path as an error shows it: as it is (the
// path:line form editors read), unless it holds a character that does not
// print (a newline, an escape sequence, bytes that are not UTF-8), which
// would split the message or drive the terminal: then quoted, as Go
// quotes a string.
func printablePath(path string) string {
	for _, r := range path {
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			return strconv.Quote(path)
		}
	}
	return path
}

func (e *fileError) Unwrap() error { return e.err }

// fileErrorf returns a *fileError for path and line.
func fileErrorf(path string, line int, format string, args ...any) error {
	return &fileError{path: path, line: line, err: fmt.Errorf(format, args...)}
}

// errVersion returns the error for a file whose version is not supported.
func errVersion(path string, v int) error {
	if v == 0 {
		return fileErrorf(path, 0, "missing version (this cassette writes version %d)", Version)
	}
	if v < 0 {
		return fileErrorf(path, 0, "invalid version %d", v)
	}
	return fmt.Errorf("file %s has version %d, this cassette supports up to %d: upgrade github.com/cassette-go/cassette", path, v, Version)
}

// errKind returns the error for a library whose path holds something of
// the other kind: a file where a directory library should be (dir), or a
// directory where a file library should be.
func errKind(path string, dir bool) error {
	if dir {
		return fmt.Errorf("%s is a file, not a cassette library: a file library's path ends in .json, .yaml or .yml (any other path names a directory library)", path)
	}
	return fmt.Errorf("%s is a directory, not a file library: a directory library's path does not end in .json, .yaml or .yml", path)
}

// diskHint returns what to do about err, a write that failed for want of
// room on the disk or of the right to write there, "" for another error:
// an error for a cassette that cannot be saved says to fix or delete it,
// which would not help then.
func diskHint(err error) string { return diskerr.Hint(err) }

// withDiskHint returns err with what to do about it appended, when
// diskHint knows; err otherwise.
func withDiskHint(err error) error {
	if h := diskHint(err); h != "" {
		return fmt.Errorf("%w (%s)", err, h)
	}
	return err
}

// inTheWay returns err, an error of the file or folder at abs (called
// path in errors), saying what to do when it failed because a folder on
// the way to abs, or the folder abs to be made, is a file (ENOTDIR: a
// stray file named testdata, or a path mistyped), and naming that file as
// path names it; err as it is otherwise. The system's "not a directory"
// named no file, or the folder to be made, not the file in its way.
func inTheWay(path, abs string, err error) error {
	if !errors.Is(err, syscall.ENOTDIR) {
		return err
	}
	for a, p := abs, path; ; a, p = filepath.Dir(a), filepath.Dir(p) {
		fi, serr := os.Stat(a)
		if serr == nil {
			if fi.IsDir() {
				return err
			}
			what := p + " is"
			switch base := filepath.Base(p); {
			case a == abs:
				what = "it is"
			case base == "." || base == ".." || filepath.Base(a) != base:
				what = a + " is" // path does not name it as abs does (a ".." in it)
			}
			return fmt.Errorf("%s a file, not a folder: rename or remove it, or give the library another path (%w)", what, err)
		}
		if !errors.Is(serr, syscall.ENOTDIR) || filepath.Dir(a) == a {
			return err
		}
	}
}
