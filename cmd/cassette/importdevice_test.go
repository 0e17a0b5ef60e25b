//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A device given as SRC (/dev/zero, /dev/urandom, a terminal) is refused
// before it is read: read to its end, /dev/zero took all the memory of the
// machine until the kernel killed the command. (The test asks sourceFiles
// only, which does not read: without the check the command would.) A named
// pipe, as a shell's <(...) gives, is still read.
func TestImportRefusesADevice(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	files, err := sourceFiles("/dev/zero", []string{".har"})
	if err == nil || !strings.Contains(err.Error(), "/dev/zero") || !strings.Contains(err.Error(), "device") {
		t.Fatalf("sourceFiles(/dev/zero) = %q, %v; want an error naming it a device", files, err)
	}
	fifo := filepath.Join(t.TempDir(), "session.har")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	if files, err := sourceFiles(fifo, []string{".har"}); err != nil || len(files) != 1 {
		t.Errorf("sourceFiles(a named pipe) = %q, %v; want it", files, err)
	}
}
