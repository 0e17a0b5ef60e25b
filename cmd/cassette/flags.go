package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// A cmdline is the command line of one subcommand: its flags and its help.
type cmdline struct {
	name     string // "cassette serve"
	synopsis string // "cassette serve [flags] PATH"
	about    string // what the command does, in paragraphs
	example  string // one or more example invocations with comments
	fs       *flag.FlagSet
}

func newCmdline(name, synopsis, about, example string) *cmdline {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported in one line by fail
	fs.Usage = func() {}
	return &cmdline{name: name, synopsis: synopsis, about: about, example: example, fs: fs}
}

// usage writes the help of the command.
func (c *cmdline) usage(w io.Writer) {
	fmt.Fprintf(w, "Usage: %s\n\n%s\n", c.synopsis, strings.TrimSpace(c.about))
	hasFlags := false
	c.fs.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		fmt.Fprint(w, "\nFlags:\n")
		c.fs.SetOutput(w)
		c.fs.PrintDefaults()
		c.fs.SetOutput(io.Discard)
	}
	if c.example != "" {
		fmt.Fprintf(w, "\nExample:\n\n%s\n", strings.Trim(c.example, "\n"))
	}
}

// errHelp is returned by parse when help was asked for and written.
var errHelp = errors.New("help requested")

// parse parses args and returns the positional arguments. Flags may come
// before or after them; "--" ends the flags. On -h it writes the help to
// stdout and returns errHelp.
func (c *cmdline) parse(args []string, stdout io.Writer) ([]string, error) {
	var pos []string
	for {
		err := c.fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			c.usage(stdout)
			return nil, errHelp
		}
		if err != nil {
			return nil, err
		}
		rest := c.fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// fail reports a command line error in one line and returns exitUsage.
func (c *cmdline) fail(stderr io.Writer, format string, args ...any) int {
	fmt.Fprintf(stderr, "%s: %s (see %s -h)\n", c.name, fmt.Sprintf(format, args...), c.name)
	return exitUsage
}

// parseOrFail parses args; when it returns ok false, the caller exits with
// code (help was shown, or the error reported).
func (c *cmdline) parseOrFail(args []string, stdout, stderr io.Writer) (pos []string, code int, ok bool) {
	pos, err := c.parse(args, stdout)
	if errors.Is(err, errHelp) {
		return nil, exitOK, false
	}
	if err != nil {
		return nil, c.fail(stderr, "%v", err), false
	}
	return pos, 0, true
}

// A syncWriter serializes writes, so that lines logged by server goroutines
// do not interleave. It is safe for concurrent use.
type syncWriter struct {
	mu  sync.Mutex // guards w and err
	w   io.Writer
	err error // the first write that failed, if any
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.w.Write(p)
	if err != nil && s.err == nil {
		s.err = err
	}
	return n, err
}

// failed returns the error of the first write that failed, nil if none
// did.
func (s *syncWriter) failed() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// logTo returns a Logf function writing one line per call to w.
func logTo(w io.Writer) func(format string, args ...any) {
	return func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		if !strings.HasSuffix(msg, "\n") {
			msg += "\n"
		}
		io.WriteString(w, msg)
	}
}

// checkOutFile returns an error when the file path, which flag names, is
// to be written on exit where it cannot be: in a folder that does not
// exist, or where a folder is. It is checked at start, not after a whole
// session. An empty path is no file.
func checkOutFile(flag, path string) error {
	if path == "" {
		return nil
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("%s %s: is a folder; give a file to write", flag, path)
	}
	dir := filepath.Dir(path)
	switch fi, err := os.Stat(dir); {
	case err != nil:
		return fmt.Errorf("%s %s: folder %s does not exist; create it, or give a file in a folder that does", flag, path, dir)
	case !fi.IsDir():
		return fmt.Errorf("%s %s: %s is not a folder; give a file in a folder", flag, path, dir)
	}
	return nil
}
