package library

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// Discard gives up what a library holds unsaved, as a recording does
// when its last Save failed: the library is as its files have it, and the
// body files committed for the exchanges given up are removed, but for
// one a saved cassette names (the same body saved before).
func TestDiscard(t *testing.T) {
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			root := t.TempDir()
			l := s.open(t, root)
			saved := writeBody(t, l, []byte("saved body"))
			mustAppend(t, l, "GET_a", fileExchange(saved))
			mustSave(t, l)

			again := writeBody(t, l, []byte("saved body")) // the same file
			lost := writeBody(t, l, []byte("body of an exchange given up"))
			mustAppend(t, l, "GET_a", fileExchange(again))
			mustAppend(t, l, "GET_b", fileExchange(lost))
			if err := l.Discard(); err != nil {
				t.Fatalf("Discard: %v", err)
			}

			if names, err := l.Names(); err != nil || !slices.Equal(names, []string{"GET_a"}) {
				t.Errorf("after Discard, Names() = %q, %v; want what was saved, [GET_a]", names, err)
			}
			if c, _, _ := l.Get("GET_a"); len(c.Exchanges) != 1 {
				t.Errorf("after Discard, GET_a holds %d exchanges, want the 1 saved", len(c.Exchanges))
			}
			if _, err := os.Stat(saved); err != nil {
				t.Errorf("Discard removed the body file a saved cassette names: %v", err)
			}
			if _, err := os.Stat(lost); err == nil {
				t.Errorf("Discard left %s, the body file of an exchange given up", filepath.Base(lost))
			}
			// Saving now writes nothing, and the library still reads.
			mustSave(t, l)
			c, ok, err := s.open(t, root).Get("GET_a")
			if err != nil || !ok || len(c.Exchanges) != 1 {
				t.Fatalf("reopened Get(GET_a) = %d exchanges, %v, %v", len(c.Exchanges), ok, err)
			}
			if b := readBody(t, &c.Exchanges[0].Response); string(b) != "saved body" {
				t.Errorf("reopened GET_a's body = %q", b)
			}
		})
	}
}

// A recording given up in a directory library that did not exist leaves
// no folder behind: the folder its first body file made would pass for a
// library recorded, which a test in once mode replays (missing every
// request) rather than records. Before, Discard removed the body file and
// the body folder, and left the library's folder, empty. A folder that was
// there stays, and so does one holding anything else.
func TestDiscardRemovesTheFolderItsBodyFileMade(t *testing.T) {
	for _, tc := range []struct {
		why       string
		existed   bool   // the library's folder was there before
		other     string // a file put in the folder meanwhile
		wantThere bool
	}{
		{why: "a folder made for the body file goes", wantThere: false},
		{why: "a folder that was there stays", existed: true, wantThere: true},
		{why: "a folder holding another file stays", other: ".gitkeep", wantThere: true},
	} {
		t.Run(tc.why, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "testdata", "api")
			if tc.existed {
				if err := os.MkdirAll(path, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			l, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			body := writeBody(t, l, []byte("a large body"))
			mustAppend(t, l, "GET_a", fileExchange(body))
			if tc.other != "" {
				writeFile(t, filepath.Join(path, tc.other), "")
			}
			if err := l.Discard(); err != nil {
				t.Fatalf("Discard: %v", err)
			}
			if _, err := os.Stat(body); err == nil {
				t.Errorf("Discard left the body file %s", body)
			}
			_, err = os.Lstat(path)
			if there := err == nil; there != tc.wantThere {
				t.Errorf("after Discard, %s there = %v (%v), want %v", path, there, err, tc.wantThere)
			}
			if tc.wantThere {
				if _, err := os.Lstat(filepath.Join(path, "bodies")); err == nil {
					t.Errorf("after Discard, %s holds an empty body folder", path)
				}
			}
		})
	}
}

// Discard removes a body file that a reader holds open for a moment (a
// replay in another process, a virus scanner), as ReleaseBody and a
// Save's sweep do: on Windows, where such a file cannot be removed, it
// tries again until the reader lets it go (see atomicfile.Remove); it
// failed at once there. Elsewhere the file is removed at once, and this
// checks only that it is.
func TestDiscardRemovesABodyFileHeldOpen(t *testing.T) {
	l, err := Open(filepath.Join(t.TempDir(), "api"))
	if err != nil {
		t.Fatal(err)
	}
	body := writeBody(t, l, []byte("body of an exchange given up"))
	mustAppend(t, l, "GET_a", fileExchange(body))
	f, err := os.Open(body)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(100 * time.Millisecond)
		f.Close()
	}()
	if err := l.Discard(); err != nil {
		t.Fatalf("Discard with the body file held open for 100ms = %v", err)
	}
	if _, err := os.Stat(body); err == nil {
		t.Errorf("Discard left the body file %s", body)
	}
}
