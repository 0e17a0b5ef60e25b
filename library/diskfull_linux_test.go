package library

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/internal/fsizelimit"
)

// A Save that fails as a full disk makes it fail (here past a file size
// limit, which needs no privileges) says what to do about the disk, in
// both kinds of library, not to fix or delete the cassette, as it did.
func TestASaveTheDiskRefusesSaysWhatToDo(t *testing.T) {
	if !fsizelimit.InOwnProcess(t) { // the limit is the process's
		return
	}
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			l := s.open(t, t.TempDir())
			mustAppend(t, l, "GET_big", Exchange{
				Request:  Request{Method: "GET", URL: "https://api.example.com/big"},
				Response: Response{StatusCode: 200, Body: []byte(strings.Repeat("x", 64<<10))},
			})
			lift := fsizelimit.Limit(t, 16<<10)
			err := l.Save()
			lift()
			if err == nil {
				t.Fatalf("Save past the file size limit = nil, want an error")
			}
			if msg := err.Error(); !strings.Contains(msg, "(a file size limit was reached: raise it (ulimit -f))") || strings.Contains(msg, "fix or delete it") {
				t.Errorf("Save past the file size limit = %q; want it to say a file size limit was reached, not to fix or delete the cassette", msg)
			}
		})
	}
}

// A directory library whose first Save fails as on a full disk (here
// past a file size limit) leaves no folder at its path: an empty one
// would be taken for a library recorded, so that a test in once mode
// would replay it, and miss, rather than record it on the next run.
func TestAFirstSaveThatFailsLeavesNoLibraryFolder(t *testing.T) {
	if !fsizelimit.InOwnProcess(t) { // the limit is the process's
		return
	}
	path := filepath.Join(t.TempDir(), "testdata", "api")
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	mustAppend(t, l, "GET_big", Exchange{
		Request:  Request{Method: "GET", URL: "https://api.example.com/big"},
		Response: Response{StatusCode: 200, Body: []byte(strings.Repeat("x", 64<<10))},
	})
	lift := fsizelimit.Limit(t, 16<<10)
	err = l.Save()
	lift()
	if err == nil {
		t.Fatalf("Save past the file size limit = nil, want an error")
	}
	if _, err := os.Lstat(path); err == nil {
		t.Errorf("after a first Save that wrote nothing, %s exists, holding %q", path, listDir(t, path))
	}
}
