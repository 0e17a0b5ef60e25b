package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
)

// runVersion runs "cassette version".
func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) int {
	c := newCmdline("cassette version", "cassette version",
		"Version prints the version of the cassette module the command was built\nfrom, or \"devel\" for a build from a working tree.", "")
	pos, code, ok := c.parseOrFail(args, stdout, stderr)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return c.fail(stderr, "too many arguments %q", pos)
	}
	fmt.Fprintf(stdout, "cassette %s\n", version())
	return exitOK
}

// version returns the main module's version, or "devel".
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok || info.Main.Version == "" || info.Main.Version == "(devel)" {
		return "devel"
	}
	return info.Main.Version
}
