package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

const lsAbout = `
Ls lists the cassettes of the library at PATH, one row each, sorted by
name: NAME, then the METHOD, URL and STATUS of its last exchange, SIZE (the
response body of the last exchange), TIMES (how many exchanges it holds)
and AGE (since its newest exchange was recorded: "3d", "5h", "12m", or "-"
when unknown).

Cassettes of a directory library whose names differ only in case (made on
Linux) are listed, then named in a warning on stderr: a clone on macOS or
Windows, whose file systems ignore case, keeps one file of them.
`

const lsExample = `
	cassette ls testdata/api
	cassette ls testdata/api.yaml
`

// runLs runs "cassette ls".
func runLs(_ context.Context, args []string, stdout, stderr io.Writer) int {
	c := newCmdline("cassette ls", "cassette ls PATH", lsAbout, lsExample)
	pos, code, ok := c.parseOrFail(args, stdout, stderr)
	if !ok {
		return code
	}
	switch {
	case len(pos) == 0:
		return c.fail(stderr, "missing PATH")
	case len(pos) > 1:
		return c.fail(stderr, "too many arguments %q", pos[1:])
	}
	lib, err := openExisting(pos[0])
	if err != nil {
		fmt.Fprintf(stderr, "cassette ls: %v\n", err)
		return exitError
	}
	all, err := cassettes(lib, nil)
	if err != nil {
		fmt.Fprintf(stderr, "cassette ls: %v\n", err)
		return exitError
	}
	if len(all) == 0 {
		fmt.Fprintln(stdout, "(no cassettes)")
		return exitOK
	}
	tw := tabwriter.NewWriter(stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tMETHOD\tURL\tSTATUS\tSIZE\tTIMES\tAGE")
	t := now()
	for _, cs := range all {
		if len(cs.Exchanges) == 0 {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t0\t-\n", cs.Name)
			continue
		}
		last := cs.Exchanges[len(cs.Exchanges)-1]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\n", cs.Name, printable(last.Request.Method), printable(last.Request.URL),
			statusText(last.Response.StatusCode), humanSize(bodySize(&last.Response)), len(cs.Exchanges), age(t, newest(cs)))
	}
	if err := tw.Flush(); err != nil {
		fmt.Fprintf(stderr, "cassette ls: %v\n", err)
		return exitError
	}
	twins, err := lib.CaseTwins()
	if err != nil {
		fmt.Fprintf(stderr, "cassette ls: %v\n", err)
		return exitError
	}
	for _, g := range twins {
		fmt.Fprintf(stderr, "cassette ls: warning: cassettes whose names differ only in case: %s (a clone on macOS or Windows keeps one file of them: rename or delete the others)\n", strings.Join(g, ", "))
	}
	return exitOK
}

// humanSize writes n bytes as "512 B", "1.5 KiB", "23 MiB": powers of
// 1024, named as such (2,097,152 bytes are 2.0 MiB, not 2.0 MB).
func humanSize(n int64) string {
	const units = "KMGTPE"
	switch {
	case n < 0:
		return "?"
	case n < 1024:
		return strconv.FormatInt(n, 10) + " B"
	}
	f := float64(n)
	i := -1
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	if f < 10 {
		return fmt.Sprintf("%.1f %ciB", f, units[i])
	}
	return fmt.Sprintf("%.0f %ciB", f, units[i])
}

// age writes the time from then to now in its largest whole unit: "3d",
// "5h", "12m", "40s"; "-" for a zero then.
func age(now, then time.Time) string {
	if then.IsZero() {
		return "-"
	}
	d := max(now.Sub(then), 0)
	switch {
	case d >= 24*time.Hour:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d >= time.Hour:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d >= time.Minute:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return fmt.Sprintf("%ds", d/time.Second)
}
