package library

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// bodyExists reports whether the body file path is on disk.
func bodyExists(t *testing.T, path string) bool {
	t.Helper()
	_, err := os.Lstat(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return err == nil
}

// mustRelease calls ReleaseBody, failing the test on an error.
func mustRelease(t *testing.T, l *Library, path string) {
	t.Helper()
	if err := l.ReleaseBody(path); err != nil {
		t.Fatalf("ReleaseBody(%s): %v", path, err)
	}
}

// TestReleaseBodyRemovesTheBodyOfARefusedExchange: the body file of an
// exchange given up (a hook refused it) is removed, with the body folder
// it leaves empty, and nothing lists it afterwards.
func TestReleaseBodyRemovesTheBodyOfARefusedExchange(t *testing.T) {
	forEachStore(t, func(t *testing.T, s store) {
		root := t.TempDir()
		l := s.open(t, root)
		secret := writeBody(t, l, []byte("a body holding a secret"))
		mustRelease(t, l, secret)
		if bodyExists(t, secret) {
			t.Errorf("after ReleaseBody, the body file %s is still there", secret)
		}
		if bodyExists(t, l.bodyFolder()) {
			t.Errorf("after ReleaseBody, the empty body folder %s is still there", l.bodyFolder())
		}
		// Released once: a second call, or one for a path l never
		// committed, does nothing.
		mustRelease(t, l, secret)
		mustRelease(t, l, "/no/such/body.bin")
		// The library goes on recording.
		kept := writeBody(t, l, []byte("a body to keep"))
		mustAppend(t, l, "GET_a", fileExchange(kept))
		mustSave(t, l)
		if got, err := s.open(t, root).UnusedBodies(); err != nil || len(got) != 0 {
			t.Errorf("UnusedBodies = %q, %v; want none", got, err)
		}
	})
}

// TestReleaseBodyKeepsASharedBodyFile: body files are named after their
// content, so that the file of an exchange given up may be another's;
// ReleaseBody leaves it then.
func TestReleaseBodyKeepsASharedBodyFile(t *testing.T) {
	content := []byte("the same large answer")
	cases := []struct {
		name string
		// run commits content in l (or other libraries of root), releases
		// one commit, and returns the path, and the library to save.
		run func(t *testing.T, s store, root string, l *Library) (string, *Library)
	}{
		{"another commit of it is pending", func(t *testing.T, s store, root string, l *Library) (string, *Library) {
			// Two identical answers recorded at once: one is refused,
			// the other is being stored.
			refused := writeBody(t, l, content)
			stored := writeBody(t, l, content)
			mustRelease(t, l, refused)
			mustAppend(t, l, "GET_stored", fileExchange(stored))
			return stored, l
		}},
		{"an appended exchange refers to it", func(t *testing.T, s store, root string, l *Library) (string, *Library) {
			stored := writeBody(t, l, content)
			mustAppend(t, l, "GET_stored", fileExchange(stored))
			refused := writeBody(t, l, content)
			mustRelease(t, l, refused)
			return stored, l
		}},
		{"a saved cassette refers to it", func(t *testing.T, s store, root string, l *Library) (string, *Library) {
			stored := writeBody(t, l, content)
			mustAppend(t, l, "GET_stored", fileExchange(stored))
			mustSave(t, l)
			// Another run: the file was there before this library's commit.
			again := s.open(t, root)
			refused := writeBody(t, again, content)
			mustRelease(t, again, refused)
			return stored, again
		}},
		{"a deleted cassette still refers to it on disk", func(t *testing.T, s store, root string, l *Library) (string, *Library) {
			stored := writeBody(t, l, content)
			mustAppend(t, l, "GET_stored", fileExchange(stored))
			mustSave(t, l)
			if err := l.Delete("GET_stored"); err != nil {
				t.Fatal(err)
			}
			refused := writeBody(t, l, content)
			mustRelease(t, l, refused)
			if !bodyExists(t, refused) {
				t.Fatalf("ReleaseBody removed %s before the Save that deletes its cassette", refused)
			}
			// The Save that deletes the cassette removes it; bring it back.
			mustSave(t, l)
			if bodyExists(t, refused) {
				t.Errorf("the Save after Delete left %s", refused)
			}
			stored = writeBody(t, l, content)
			mustAppend(t, l, "GET_stored", fileExchange(stored))
			return stored, l
		}},
		{"another library replaced it", func(t *testing.T, s store, root string, l *Library) (string, *Library) {
			// Another library of the same folder (a parallel test) commits
			// the same content after this one; this one's is refused.
			refused := writeBody(t, l, content)
			other := s.open(t, root)
			stored := writeBody(t, other, content)
			mustRelease(t, l, refused)
			mustAppend(t, other, "GET_stored", fileExchange(stored))
			return stored, other
		}},
		{"another library imported it", func(t *testing.T, s store, root string, l *Library) (string, *Library) {
			// Another library of the same folder saves a cassette put
			// from a third one: its Save takes the file this one
			// committed as the copy of the third's.
			src := s.open(t, t.TempDir())
			mustAppend(t, src, "GET_stored", fileExchange(writeBody(t, src, content)))
			mustSave(t, src)
			c, _, err := src.Get("GET_stored")
			if err != nil {
				t.Fatal(err)
			}
			refused := writeBody(t, l, content)
			other := s.open(t, root)
			if err := other.Put(c); err != nil {
				t.Fatal(err)
			}
			mustSave(t, other)
			mustRelease(t, l, refused)
			return refused, other
		}},
		{"another library of the folder, named through a link, imported it", func(t *testing.T, s store, root string, l *Library) (string, *Library) {
			// As above, the other library opened through a symbolic link
			// to the folder: the file is one, whatever its path's spelling.
			link := filepath.Join(t.TempDir(), "link")
			if err := os.Symlink(root, link); err != nil {
				t.Skipf("no symbolic links: %v", err)
			}
			src := s.open(t, t.TempDir())
			mustAppend(t, src, "GET_stored", fileExchange(writeBody(t, src, content)))
			mustSave(t, src)
			c, _, err := src.Get("GET_stored")
			if err != nil {
				t.Fatal(err)
			}
			refused := writeBody(t, l, content)
			other := s.open(t, link)
			if err := other.Put(c); err != nil {
				t.Fatal(err)
			}
			mustSave(t, other)
			mustRelease(t, l, refused)
			return refused, other
		}},
		{"another library committed it at the same moment", func(t *testing.T, s store, root string, l *Library) (string, *Library) {
			// This library's commit looks for a file at the path, finds
			// none, and before it puts its own there the other library
			// commits the same content whole: only one of them created it.
			other := s.open(t, root)
			var stored string
			testHookPlaceBody = func(string) {
				testHookPlaceBody = nil
				stored = writeBody(t, other, content)
			}
			t.Cleanup(func() { testHookPlaceBody = nil })
			refused := writeBody(t, l, content)
			mustAppend(t, other, "GET_stored", fileExchange(stored))
			mustSave(t, other)
			mustRelease(t, l, refused)
			return stored, other
		}},
		{"another library appended an exchange naming it", func(t *testing.T, s store, root string, l *Library) (string, *Library) {
			refused := writeBody(t, l, content)
			other := s.open(t, root)
			mustAppend(t, other, "GET_stored", fileExchange(refused))
			mustSave(t, other)
			mustRelease(t, l, refused)
			return refused, other
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			forEachStore(t, func(t *testing.T, s store) {
				root := t.TempDir()
				path, l := tc.run(t, s, root, s.open(t, root))
				if !bodyExists(t, path) {
					t.Fatalf("ReleaseBody removed %s, which a stored exchange uses", path)
				}
				mustSave(t, l)
				c, ok, err := s.open(t, root).Get("GET_stored")
				if err != nil || !ok || len(c.Exchanges) != 1 {
					t.Fatalf("Get(GET_stored) = %v, %v, %v; want one exchange", c, ok, err)
				}
				if got := readBody(t, &c.Exchanges[0].Response); string(got) != string(content) {
					t.Errorf("body read back = %q, want %q", got, content)
				}
			})
		})
	}
}

// TestReleaseBodyOfEachCommit: of two identical bodies committed and both
// given up, the file goes with the second release, not the first.
func TestReleaseBodyOfEachCommit(t *testing.T) {
	l := stores[2].open(t, t.TempDir())
	a := writeBody(t, l, []byte("twice"))
	b := writeBody(t, l, []byte("twice"))
	mustRelease(t, l, a)
	if !bodyExists(t, a) {
		t.Fatal("the first ReleaseBody removed a body file another commit waits for")
	}
	mustRelease(t, l, b)
	if bodyExists(t, b) {
		t.Error("the second ReleaseBody left the body file")
	}
}

// TestReleaseBodyAfterClear: after Clear, the cassette files on disk may
// still refer to a body file until the next Save, which removes it if no
// cassette does.
func TestReleaseBodyAfterClear(t *testing.T) {
	forEachStore(t, func(t *testing.T, s store) {
		l := s.open(t, t.TempDir())
		stored := writeBody(t, l, []byte("recorded before"))
		mustAppend(t, l, "GET_stored", fileExchange(stored))
		mustSave(t, l)
		l.Clear()
		refused := writeBody(t, l, []byte("recorded before"))
		mustRelease(t, l, refused)
		if !bodyExists(t, refused) {
			t.Fatal("ReleaseBody after Clear removed a body file the saved cassettes refer to")
		}
		mustSave(t, l)
		if bodyExists(t, refused) {
			t.Error("the Save after Clear left a body file no cassette refers to")
		}
	})
}

// TestReleaseBodyLeavesAFileItDidNotCreate: a body file that was there
// before the commit and that no cassette refers to (a crash left it) is
// not removed by ReleaseBody, but listed by UnusedBodies.
func TestReleaseBodyLeavesAFileItDidNotCreate(t *testing.T) {
	root := t.TempDir()
	s := stores[2]
	l := s.open(t, root)
	orphan := writeBody(t, l, []byte("left by a crash"))
	l = s.open(t, root)
	refused := writeBody(t, l, []byte("left by a crash"))
	if refused != orphan {
		t.Fatalf("paths %s and %s, want the same", refused, orphan)
	}
	mustRelease(t, l, refused)
	if !bodyExists(t, refused) {
		t.Fatal("ReleaseBody removed a file it did not create")
	}
	if got, err := l.UnusedBodies(); err != nil || len(got) != 1 || got[0] != orphan {
		t.Errorf("UnusedBodies = %q, %v; want [%s]", got, err, orphan)
	}
}

// TestImportedBodyNotReleased: a body file a Save copied into the library
// from another is referred to by a cassette file: a commit of the same
// content given up leaves it.
func TestImportedBodyNotReleased(t *testing.T) {
	src := stores[2].open(t, t.TempDir())
	body := writeBody(t, src, []byte("imported"))
	mustAppend(t, src, "GET_a", fileExchange(body))
	mustSave(t, src)
	c, _, err := src.Get("GET_a")
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	dst := stores[2].open(t, root)
	if err := dst.Put(c); err != nil {
		t.Fatal(err)
	}
	mustSave(t, dst)
	refused := writeBody(t, dst, []byte("imported"))
	// The cassette dst holds may still name the source's file (see
	// adoptImports); the cassette file names the copy.
	dst.mu.Lock()
	for _, e := range dst.entries {
		e.c.Exchanges[0].Response.BodyFile = body
	}
	dst.mu.Unlock()
	mustRelease(t, dst, refused)
	if !bodyExists(t, refused) {
		t.Fatal("ReleaseBody removed a body file a Save imported")
	}
}

// TestReleaseBodyRemovesTheFolderItsBodyFileMade: a directory library's
// folder that the NewBody of an exchange given up made goes with its body
// file, as Discard removes it: a hook that refused the only exchange of a
// first recording left it, empty, and it passed for a library recorded,
// which a test in once mode replays (missing every request) rather than
// records. A folder that was there stays, and so does one holding
// anything else: another body being written, or a file of the user's.
func TestReleaseBodyRemovesTheFolderItsBodyFileMade(t *testing.T) {
	for _, tc := range []struct {
		why       string
		existed   bool   // the library's folder was there before
		other     string // a file put in the folder meanwhile
		writing   bool   // another body file is being written
		wantThere bool
	}{
		{why: "a folder made for the body file goes", wantThere: false},
		{why: "a folder that was there stays", existed: true, wantThere: true},
		{why: "a folder holding another file stays", other: ".gitkeep", wantThere: true},
		{why: "a folder where another body is being written stays", writing: true, wantThere: true},
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
			body := writeBody(t, l, []byte("a large body a hook refused"))
			if tc.other != "" {
				writeFile(t, filepath.Join(path, tc.other), "")
			}
			if tc.writing {
				w, err := l.NewBody()
				if err != nil {
					t.Fatal(err)
				}
				defer w.Abort()
			}
			mustRelease(t, l, body)
			if bodyExists(t, body) {
				t.Errorf("ReleaseBody left the body file %s", body)
			}
			if there := bodyExists(t, path); there != tc.wantThere {
				t.Errorf("after ReleaseBody, %s there = %v, want %v", path, there, tc.wantThere)
			}
		})
	}
}

// TestPutBackEndsNoPendingCommit: a cassette put back as Get returned it
// (Put(Get(c)), as a tool that rewrites a library does) adds no exchange:
// the exchanges naming a body file that it puts back are not the one a
// commit of that file waits for. Before, each ended a pending commit, so
// that the file of an exchange still to be appended was taken for one
// given up: Discard removed it, or a ReleaseBody for another commit let a
// Save sweep it, and its Append then failed (no such body file).
func TestPutBackEndsNoPendingCommit(t *testing.T) {
	body := []byte("the same large body, recorded three times")
	for _, tc := range []struct {
		why string
		// giveUp gives something up while the commit for GET_b waits,
		// given the path of the body file of a third exchange, if any.
		giveUp func(t *testing.T, l *Library, third string)
		third  bool // a third exchange, refused, commits the body too
	}{
		{"Discard keeps the file of a commit still waiting", func(t *testing.T, l *Library, _ string) {
			if err := l.Discard(); err != nil {
				t.Fatalf("Discard: %v", err)
			}
		}, false},
		{"a Save does not sweep the file of a commit still waiting", func(t *testing.T, l *Library, third string) {
			if err := l.Delete("GET_a"); err != nil {
				t.Fatal(err)
			}
			mustRelease(t, l, third)
			mustSave(t, l)
		}, true},
	} {
		t.Run(tc.why, func(t *testing.T) {
			forEachStore(t, func(t *testing.T, s store) {
				l := s.open(t, t.TempDir())
				mustAppend(t, l, "GET_a", fileExchange(writeBody(t, l, body)))
				waiting := writeBody(t, l, body) // GET_b's, appended below
				third := ""
				if tc.third {
					third = writeBody(t, l, body)
				}
				c, ok, err := l.Get("GET_a")
				if err != nil || !ok {
					t.Fatalf("Get(GET_a) = %v, %v", ok, err)
				}
				if err := l.Put(c); err != nil {
					t.Fatalf("Put(Get(GET_a)): %v", err)
				}
				tc.giveUp(t, l, third)
				if !bodyExists(t, waiting) {
					t.Errorf("the body file %s, whose commit waits for its Append, was removed", waiting)
				}
				if err := l.Append("GET_b", fileExchange(waiting)); err != nil {
					t.Errorf("Append of the exchange whose commit waited: %v", err)
				}
			})
		})
	}
}

// TestAbortRemovesTheFolderAnEarlierBodyFileMade: a directory library's
// folder that the NewBody of a body file given up made goes once the body
// files written beside it are given up too, whichever goes last: the
// BodyWriter whose NewBody found the folder there took it for another's,
// and its Abort left it, empty (with its bodies folder), to pass for a
// library recorded. A folder that holds something else stays.
func TestAbortRemovesTheFolderAnEarlierBodyFileMade(t *testing.T) {
	for _, tc := range []struct {
		why string
		// first gives up the body file that made the folder, given a
		// second one, still being written.
		first     func(t *testing.T, l *Library) (second *BodyWriter)
		other     string // a file put in the folder meanwhile
		wantThere bool
	}{
		{why: "a body file released, then one aborted", first: func(t *testing.T, l *Library) *BodyWriter {
			p := writeBody(t, l, []byte("a large body a hook refused"))
			second := newBody(t, l)
			mustRelease(t, l, p)
			return second
		}},
		{why: "a body file aborted, then another", first: func(t *testing.T, l *Library) *BodyWriter {
			first := newBody(t, l)
			second := newBody(t, l)
			first.Abort()
			return second
		}},
		{why: "a folder holding another file stays", other: ".gitkeep", wantThere: true, first: func(t *testing.T, l *Library) *BodyWriter {
			first := newBody(t, l)
			second := newBody(t, l)
			first.Abort()
			return second
		}},
	} {
		t.Run(tc.why, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "testdata", "api")
			l, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			second := tc.first(t, l)
			if tc.other != "" {
				writeFile(t, filepath.Join(path, tc.other), "")
			}
			if !bodyExists(t, path) {
				t.Fatalf("%s is gone while a body file is being written there", path)
			}
			second.Abort()
			if there := bodyExists(t, path); there != tc.wantThere {
				t.Errorf("after the last body file was given up, %s there = %v, want %v", path, there, tc.wantThere)
			}
			if tc.wantThere && bodyExists(t, filepath.Join(path, "bodies")) {
				t.Errorf("after the last body file was given up, the empty %s is there", filepath.Join(path, "bodies"))
			}
		})
	}
}

// newBody starts a body file in l and writes a little of it.
func newBody(t *testing.T, l *Library) *BodyWriter {
	t.Helper()
	w, err := l.NewBody()
	if err != nil {
		t.Fatalf("NewBody: %v", err)
	}
	if _, err := w.Write([]byte("part of a body")); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return w
}

// TestNewBodyKnowsTheFolderItMadeAgain: a NewBody that found the library's
// folder there, and then, as another body file given up removed it (found
// empty) before its own was created there, made it again, knows that it
// made it: its Abort removes it. It took the folder for another's, as it
// was there when it looked, and left it, empty, to pass for a library
// recorded.
func TestNewBodyKnowsTheFolderItMadeAgain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "testdata", "api")
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	first := newBody(t, l) // makes the folder
	testHookBodyFolder = func(string) {
		testHookBodyFolder = nil
		// The second NewBody has its folders, and has not created its
		// file: the first body file is given up now, and its folders,
		// empty, with it.
		first.Abort()
	}
	t.Cleanup(func() { testHookBodyFolder = nil })
	second := newBody(t, l)
	if testHookBodyFolder != nil {
		t.Fatal("NewBody did not run the hook: the test's premise failed")
	}
	if !bodyExists(t, path) {
		t.Fatalf("%s is gone while a body file is being written there", path)
	}
	second.Abort()
	if bodyExists(t, path) {
		t.Errorf("after every body file was given up, %s is there", path)
	}
}

// TestPutBackOfACassetteDroppedFromMemoryEndsNoPendingCommit: as
// TestPutBackEndsNoPendingCommit, for a directory library's cassette that
// was dropped from memory between Get and Put (a large one, past the
// budget of large cassettes: see noteLarge). Its exchanges put back were
// taken for new ones, as the library no longer held them to compare: each
// ended a pending commit of its body file, which a Save then swept, and
// the Append that commit waited for failed.
func TestPutBackOfACassetteDroppedFromMemoryEndsNoPendingCommit(t *testing.T) {
	body := []byte("the same large body, recorded three times")
	for _, s := range stores[2:] {
		t.Run(s.name, func(t *testing.T) {
			root := t.TempDir()
			l0 := s.open(t, root)
			mustAppend(t, l0, "GET_a", fileExchange(writeBody(t, l0, body)))
			mustSave(t, l0)
			l := s.open(t, root)             // which reads GET_a from its file
			waiting := writeBody(t, l, body) // GET_b's, appended below
			third := writeBody(t, l, body)   // refused, released below
			c, ok, err := l.Get("GET_a")
			if err != nil || !ok {
				t.Fatalf("Get(GET_a) = %v, %v", ok, err)
			}
			// Dropped from memory, as noteLarge drops a large cassette.
			l.mu.Lock()
			if e := l.entries["GET_a"]; e != nil && e.loaded && !e.dirty && !e.owned && e.file != "" {
				e.c, e.loaded = Cassette{}, false
			} else {
				l.mu.Unlock()
				t.Fatal("GET_a cannot be dropped from memory: the test's premise failed")
			}
			l.mu.Unlock()
			if err := l.Put(c); err != nil {
				t.Fatalf("Put(Get(GET_a)): %v", err)
			}
			if err := l.Delete("GET_a"); err != nil {
				t.Fatal(err)
			}
			mustRelease(t, l, third)
			mustSave(t, l)
			if !bodyExists(t, waiting) {
				t.Errorf("the body file %s, whose commit waits for its Append, was removed", waiting)
			}
			if err := l.Append("GET_b", fileExchange(waiting)); err != nil {
				t.Errorf("Append of the exchange whose commit waited: %v", err)
			}
		})
	}
}
