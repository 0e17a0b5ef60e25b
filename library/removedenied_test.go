package library

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A Save that cannot remove a deleted cassette's file (`cassette prune`
// of a library in a folder the user may not write) says what to do, as
// one that cannot write a file does: it said only "permission denied".
// Root removes files there anyway: the test needs another user.
func TestASaveThatCannotRemoveAFileSaysWhatToDo(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root removes files from a folder without write permission")
	}
	for _, s := range stores {
		if !s.dir {
			continue // a file library is written whole: the write fails, with its hint
		}
		t.Run(s.name, func(t *testing.T) {
			l := s.open(t, t.TempDir())
			mustAppend(t, l, "GET_a", Exchange{Request: Request{Method: "GET", URL: "https://api.example.com/a"}, Response: Response{StatusCode: 200}})
			if err := l.Save(); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(l.abs, 0o555); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(l.abs, 0o755) })
			if err := l.Delete("GET_a"); err != nil {
				t.Fatal(err)
			}
			err := l.Save()
			file := filepath.Join(l.path, "GET_a"+filepath.Ext(l.File("GET_a")))
			if err == nil || !strings.Contains(err.Error(), file) || !strings.Contains(err.Error(), "make its folder writable") {
				t.Errorf("Save() removing %s from a read-only folder = %v, want an error naming it and saying what to do", file, err)
			}
		})
	}
}
