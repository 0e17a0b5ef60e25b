package library

import (
	"strings"
	"testing"
)

// A Save that fails as a full disk makes it fail (here past a file size
// limit, which needs no privileges) says what to do about the disk, in
// both kinds of library, not to fix or delete the cassette, as it did.
func TestASaveTheDiskRefusesSaysWhatToDo(t *testing.T) {
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			l := s.open(t, t.TempDir())
			mustAppend(t, l, "GET_big", Exchange{
				Request:  Request{Method: "GET", URL: "https://api.example.com/big"},
				Response: Response{StatusCode: 200, Body: []byte(strings.Repeat("x", 64<<10))},
			})
			lift := limitFileSize(t, 16<<10)
			err := l.Save()
			lift()
			if err == nil {
				t.Fatalf("Save past the file size limit = nil, want an error")
			}
			if msg := err.Error(); !strings.Contains(msg, "(a file size limit was reached (ulimit -f))") || strings.Contains(msg, "fix or delete it") {
				t.Errorf("Save past the file size limit = %q; want it to say a file size limit was reached, not to fix or delete the cassette", msg)
			}
		})
	}
}
