package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit statuses.
const (
	exitOK    = 0 // success, or help asked for
	exitError = 1 // the command ran and failed
	exitUsage = 2 // bad command line
)

func main() {
	first, second := interrupts()
	code := run(withStopNow(first, second), os.Args[1:], os.Stdout, os.Stderr)
	os.Exit(code)
}

// interrupts returns a context done on the first SIGINT or SIGTERM, which
// stops a server gracefully, and one done on the second, which stops it at
// once. Later ones are ignored, so that what was recorded is saved.
func interrupts() (first, second context.Context) {
	c := make(chan os.Signal, 2)
	signal.Notify(c, os.Interrupt, syscall.SIGTERM)
	first, stop := context.WithCancel(context.Background())
	second, stopNow := context.WithCancel(context.Background())
	go func() {
		<-c
		stop()
		<-c
		stopNow()
		for range c {
		}
	}()
	return first, second
}

// A command is a subcommand of cassette.
type command struct {
	name    string // as typed: "serve"
	summary string // one line for the list of commands
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

// commands lists the subcommands in the order the usage shows them. It is
// set in init because runHelp refers to it.
var commands []command

func init() {
	commands = []command{
		{"serve", "serve a cassette library over HTTP, for clients in any language", runServe},
		{"record", "record exchanges with an API through a reverse proxy", runRecord},
		{"ls", "list the cassettes of a library", runLs},
		{"show", "show one cassette for a reader", runShow},
		{"prune", "remove the cassettes an unused report lists", runPrune},
		{"convert", "convert a library between JSON and YAML, one file and a directory", runConvert},
		{"import", "import the cassettes of go-vcr or a HAR file", runImport},
		{"export", "export a library as a HAR file", runExport},
		{"audit", "find secrets and stale recordings in libraries (a pre-commit check)", runAudit},
		{"drift", "compare a library with the live API: what changed since recording", runDrift},
		{"version", "print the version of cassette", runVersion},
		{"help", "show help for cassette or one of its commands", runHelp},
	}
}

// run runs the cassette command line args (without the program name),
// writing to stdout and stderr, and returns the exit status. Servers run
// until ctx is done.
//
// A command that succeeds but could not write all its output (standard
// output on a full disk, `cassette show -raw ... > body.bin`, or
// redirected to /dev/full) fails with exitError, saying so on stderr: its
// output is cut short, and a script must not take it as whole.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	out := &syncWriter{w: stdout}
	stdout, stderr = out, &syncWriter{w: stderr}
	if len(args) == 0 {
		fmt.Fprintln(stderr, "cassette: missing command (see cassette -h)")
		return exitUsage
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help":
		usage(stdout)
		return outputWritten("cassette", exitOK, out, stderr)
	}
	if c, ok := lookup(name); ok {
		code := c.run(ctx, args[1:], stdout, stderr)
		return outputWritten("cassette "+c.name, code, out, stderr)
	}
	if len(name) > 1 && name[0] == '-' {
		fmt.Fprintf(stderr, "cassette: unknown flag %s before the command (see cassette -h)\n", name)
		return exitUsage
	}
	fmt.Fprintf(stderr, "cassette: unknown command %q (see cassette -h)\n", name)
	return exitUsage
}

// outputWritten returns code, the exit status of the command cmd, or
// exitError when it succeeded but a write to its standard output out
// failed, which it then reports on stderr. A command that failed has
// said why already.
func outputWritten(cmd string, code int, out *syncWriter, stderr io.Writer) int {
	err := out.failed()
	if err == nil || code != exitOK {
		return code
	}
	fmt.Fprintf(stderr, "%s: writing the output failed, so it is incomplete: %v\n", cmd, err)
	return exitError
}

func lookup(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// usage writes the help of cassette itself.
func usage(w io.Writer) {
	fmt.Fprint(w, `Cassette records the HTTP exchanges a program makes and replays them, so its
tests run offline, fast and repeatably, whatever language the program is in.

Usage:

	cassette <command> [flags] [arguments]

The commands are:

`)
	for _, c := range commands {
		fmt.Fprintf(w, "\t%-8s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Use "cassette <command> -h" or "cassette help <command>" for more about a command.

Example: record once, then replay as often as needed:

	cassette record -upstream https://api.example.com testdata/api
	cassette serve -strict testdata/api
`)
}

// runHelp runs "cassette help [command]".
func runHelp(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	switch len(args) {
	case 0:
		usage(stdout)
		return exitOK
	case 1:
		switch args[0] {
		case "-h", "-help", "--help":
			usage(stdout)
			return exitOK
		}
		c, ok := lookup(args[0])
		if !ok {
			fmt.Fprintf(stderr, "cassette help: unknown command %q (see cassette -h)\n", args[0])
			return exitUsage
		}
		if c.name == "help" {
			usage(stdout)
			return exitOK
		}
		return c.run(ctx, []string{"-h"}, stdout, stderr)
	}
	fmt.Fprintf(stderr, "cassette help: too many arguments %q (see cassette -h)\n", args[1:])
	return exitUsage
}
