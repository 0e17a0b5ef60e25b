package library

import (
	"os"
	"path/filepath"
	"testing"
)

// holdSaveLock takes the lock of the saves of l (as another library's
// Save would), and returns its unlock.
func holdSaveLock(t *testing.T, s store, l *Library) (unlock func()) {
	t.Helper()
	if s.dir {
		if err := os.MkdirAll(l.abs, 0o777); err != nil {
			t.Fatal(err)
		}
		return lockFolder(l.abs)
	}
	unlock, err := lockFile(l.path, l.abs)
	if err != nil {
		t.Fatal(err)
	}
	return unlock
}

// brokenExchange returns an exchange whose body file, outside the
// library, is removed once appended: a Save cannot save its cassette.
func brokenExchange(t *testing.T) (ex Exchange, remove func()) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "body")
	writeFile(t, p, "broken")
	ex = exchange(99)
	ex.Response.Body, ex.Response.BodyFile = nil, p
	return ex, func() {
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
}

// An exchange appended here that DropExchanges drops while a Save that
// fails is writing it is not counted as appended by the next Save: that
// Save keeps what another writer saved, once, then the exchanges appended
// here.
func TestReviewDropDuringAFailedSaveKeepsTheAppendedCount(t *testing.T) {
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			root := t.TempDir()
			a := s.open(t, root)
			mustAppend(t, a, "GET_token", exchange(1))
			mustSave(t, a)

			broken, remove := brokenExchange(t)
			mustAppend(t, a, "GET_token", exchange(2), broken)
			remove()
			unlock := holdSaveLock(t, s, a)
			done := make(chan error)
			go func() { done <- a.Save() }()
			waitSnapshot(t, a)
			isBroken := func(ex Exchange) bool { return ex.Response.BodyFile != "" }
			if n, err := a.DropExchanges("GET_token", isBroken); n != 1 || err != nil {
				t.Fatalf("DropExchanges = %d, %v; want 1, nil", n, err)
			}
			unlock()
			if err := <-done; err == nil {
				t.Fatal("the Save of a cassette with a missing body file did not fail")
			}

			b := s.open(t, root)
			mustAppend(t, b, "GET_token", exchange(3))
			mustSave(t, b)

			mustSave(t, a)
			if got := answers(t, s, root, "GET_token"); got != "answer 1,answer 3,answer 2" {
				t.Errorf("the cassette holds %q; want answer 1,answer 3,answer 2", got)
			}
		})
	}
}

// As above, for a Save that fails whole: a directory is where it writes.
func TestReviewDropDuringASaveThatFailsWholeKeepsTheAppendedCount(t *testing.T) {
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			root := t.TempDir()
			a := s.open(t, root)
			mustAppend(t, a, "GET_token", exchange(1))
			mustSave(t, a)
			b := s.open(t, root)
			if _, _, err := b.Get("GET_token"); err != nil {
				t.Fatal(err)
			}

			mustAppend(t, a, "GET_token", exchange(2), exchange(9))
			target := s.path(root)
			if s.dir {
				target = filepath.Join(target, a.File("GET_token"))
			}
			unlock := holdSaveLock(t, s, a)
			done := make(chan error)
			go func() { done <- a.Save() }()
			waitSnapshot(t, a)
			if n, err := a.DropExchanges("GET_token", func(ex Exchange) bool { return ex.Request.URL == exchange(9).Request.URL }); n != 1 || err != nil {
				t.Fatalf("DropExchanges = %d, %v; want 1, nil", n, err)
			}
			if err := os.Remove(target); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(target, 0o777); err != nil {
				t.Fatal(err)
			}
			unlock()
			if err := <-done; err == nil {
				t.Fatal("the Save onto a directory did not fail")
			}
			if err := os.Remove(target); err != nil {
				t.Fatal(err)
			}

			mustAppend(t, b, "GET_token", exchange(3))
			mustSave(t, b) // the file holds 1, 3

			mustSave(t, a)
			if got := answers(t, s, root, "GET_token"); got != "answer 1,answer 3,answer 2" {
				t.Errorf("the cassette holds %q; want answer 1,answer 3,answer 2", got)
			}
		})
	}
}

// drop is called with the library locked, as its doc says, also when a
// Save applies it again to what another writer saved: calls of it are
// never concurrent, whatever goroutines drop and save.
func TestReviewDropIsCalledWithTheLibraryLocked(t *testing.T) {
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			root := t.TempDir()
			a := s.open(t, root)
			mustAppend(t, a, "GET_token", exchange(1))
			mustSave(t, a)
			b := s.open(t, root)
			mustAppend(t, b, "GET_token", exchange(2))
			mustSave(t, b)

			calls, unlocked := 0, 0
			drop := func(ex Exchange) bool {
				calls++
				if a.mu.TryLock() {
					unlocked++
					a.mu.Unlock()
				}
				return string(ex.Response.Body) == "answer 1\n"
			}
			if n, err := a.DropExchanges("GET_token", drop); n != 1 || err != nil {
				t.Fatalf("DropExchanges = %d, %v; want 1, nil", n, err)
			}
			mustSave(t, a)
			if calls < 3 {
				t.Fatalf("drop was called %d times; want it called again by the Save", calls)
			}
			if unlocked > 0 {
				t.Errorf("drop was called %d times of %d without the library locked", unlocked, calls)
			}
			if got := answers(t, s, root, "GET_token"); got != "answer 2" {
				t.Errorf("the cassette holds %q; want answer 2", got)
			}
		})
	}
}
