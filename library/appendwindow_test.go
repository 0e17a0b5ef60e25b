package library

import (
	"testing"
	"time"
)

// waitSnapshot waits until a Save of l running in another goroutine took
// its snapshot (marked l clean).
func waitSnapshot(t *testing.T, l *Library) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; {
		l.mu.RLock()
		changed := l.changed
		l.mu.RUnlock()
		if !changed {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the Save took no snapshot")
		}
		time.Sleep(time.Millisecond)
	}
}

// A file library's Save waits for the lock of the file while another
// writer saves; an exchange appended meanwhile to a cassette the other
// writer changed is merged with what that writer saved, not written over
// it by the next Save.
func TestFileSaveKeepsOthersExchangesOfACassetteAppendedDuringTheSave(t *testing.T) {
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			root := t.TempDir()
			a, b := s.open(t, root), s.open(t, root)
			mustAppend(t, a, "GET_token", exchange(1))
			mustSave(t, a)
			if _, _, err := b.Get("GET_token"); err != nil {
				t.Fatal(err)
			}
			mustAppend(t, b, "GET_token", exchange(2))
			mustSave(t, b) // the file holds 1, 2; a still 1

			// Another save holds the lock: a's Save waits for it with its
			// snapshot taken.
			var unlock func()
			if s.dir {
				unlock = lockFolder(a.abs)
			} else {
				var err error
				if unlock, err = lockFile(a.path, a.abs); err != nil {
					t.Fatal(err)
				}
			}
			mustAppend(t, a, "GET_other", exchange(9))
			done := make(chan error)
			go func() { done <- a.Save() }()
			waitSnapshot(t, a)
			mustAppend(t, a, "GET_token", exchange(3)) // while a saves
			unlock()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			mustSave(t, a)
			if got := answers(t, s, root, "GET_token"); got != "answer 1,answer 2,answer 3" {
				t.Errorf("the cassette holds %q; want answer 1,answer 2,answer 3", got)
			}
		})
	}
}
