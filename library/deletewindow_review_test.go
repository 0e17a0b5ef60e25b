package library

import (
	"testing"
)

// A cassette deleted while a file library's Save waits for the file's
// lock (another writer saving) stays deleted: the merge with what the
// other writer saved does not bring it back.
func TestReviewFileSaveKeepsADeleteMadeDuringTheSave(t *testing.T) {
	for _, s := range stores {
		for _, clear := range []bool{false, true} {
			if s.dir {
				continue
			}
			name := s.name + "/delete"
			if clear {
				name = s.name + "/clear"
			}
			t.Run(name, func(t *testing.T) {
				root := t.TempDir()
				a, b := s.open(t, root), s.open(t, root)
				mustAppend(t, a, "GET_doomed", exchange(1))
				mustSave(t, a)
				mustAppend(t, b, "GET_b", exchange(2))
				mustSave(t, b) // a must merge this

				unlock, err := lockFile(a.path, a.abs)
				if err != nil {
					t.Fatal(err)
				}
				mustAppend(t, a, "GET_other", exchange(9))
				done := make(chan error)
				go func() { done <- a.Save() }()
				waitSnapshot(t, a)
				if clear { // while a saves
					a.Clear()
				} else if err := a.Delete("GET_doomed"); err != nil {
					t.Fatal(err)
				}
				unlock()
				if err := <-done; err != nil {
					t.Fatal(err)
				}
				mustSave(t, a)
				if _, ok, err := s.open(t, root).Get("GET_doomed"); err != nil || ok {
					t.Errorf("Get(GET_doomed) = %v, %v after it was deleted and saved; want it gone", ok, err)
				}
				if _, ok, _ := a.Get("GET_doomed"); ok {
					t.Errorf("the library holds the cassette it deleted")
				}
			})
		}
	}
}
