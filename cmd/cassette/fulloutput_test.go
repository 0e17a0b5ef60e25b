package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A fullWriter fails every write, as standard output redirected to
// /dev/full or to a file on a full disk does.
type fullWriter struct{}

func (fullWriter) Write(p []byte) (int, error) {
	return 0, &os.PathError{Op: "write", Path: "/dev/stdout", Err: syscall.ENOSPC}
}

// TestOutputThatCannotBeWrittenFails checks that a command whose standard
// output cannot be written exits non-zero and says so: `cassette show
// -raw lib NAME > body.bin` on a full disk must not pass for a whole body.
func TestOutputThatCannotBeWrittenFails(t *testing.T) {
	lib := writeSample(t, "api")
	name := nameOf(sampleExchanges(t)[0])
	clean := filepath.Join(t.TempDir(), "clean") // nothing for audit to find
	writeExchanges(t, clean, exchange("GET", "https://api.example.com/v1/x", "", 200, "text/plain", []byte("hi"), time.Time{}))
	for _, args := range [][]string{
		{"-h"},
		{"help"},
		{"help", "show"},
		{"ls", "-h"},
		{"version"},
		{"ls", lib},
		{"show", lib, name},
		{"show", "-raw", lib, name},
		{"audit", clean},
		{"prune", "-unused", os.DevNull, lib},
		{"export", "-to", "har", lib, "-"},
		{"convert", lib, filepath.Join(t.TempDir(), "copy.json")},
	} {
		var stderr bytes.Buffer
		code := run(context.Background(), args, fullWriter{}, &stderr)
		if code != exitError || !strings.Contains(stderr.String(), "no space left on device") {
			t.Errorf("cassette %s > /dev/full = %d, stderr %q; want %d and the write error", strings.Join(args, " "), code, stderr.String(), exitError)
		}
	}
}
