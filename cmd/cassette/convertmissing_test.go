package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
)

// A cassette of SRC whose body file is missing (not committed, deleted by
// hand) stops convert, as the library refuses to add an exchange naming
// a body file that is not there. The error gave the advice of Go's API,
// "write it with Library.NewBody", which a user of the command line
// cannot follow. It names the cassette and the body file, and says what
// to do; nothing is written.
func TestConvertOfAMissingBodyFileSaysWhatToDo(t *testing.T) {
	src := filepath.Join(t.TempDir(), "src")
	lib, err := library.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	ex := exchange("GET", "http://127.0.0.1:40001/export", "", 200, "text/csv", nil, fixedNow)
	ex.Response.BodyFile = commitBody(t, lib, "id,total\n1,2\n")
	if err := lib.Append(nameOf(ex), ex); err != nil {
		t.Fatal(err)
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(ex.Response.BodyFile); err != nil {
		t.Fatal(err)
	}
	for _, dst := range []string{filepath.Join(t.TempDir(), "dst"), filepath.Join(t.TempDir(), "dst.yaml")} {
		code, _, stderr := runSync(t, "convert", src, dst)
		if code != exitError || !strings.Contains(stderr, nameOf(ex)) || !strings.Contains(stderr, filepath.Base(ex.Response.BodyFile)) ||
			strings.Contains(stderr, "NewBody") || !strings.Contains(stderr, "restore the body file") {
			t.Errorf("convert %s %s = %d, stderr %q; want %d and an error naming the cassette and its body file, and how to bring it back", src, dst, code, stderr, exitError)
		}
		if _, err := os.Lstat(dst); err == nil {
			t.Errorf("convert %s %s left %s", src, dst, dst)
		}
	}
}
