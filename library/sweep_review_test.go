package library

import (
	"os"
	"testing"
)

// The body file of a cassette deleted in a Save that merged another
// writer's cassettes is given back to be removed by the next Save: a
// next Save with nothing else changed (the only Save left: cassette rm
// then a Save at exit, a recorder's Save at cleanup) removes it too.
func TestReviewBodyFileDroppedInAMergingSaveIsRemovedByANextSaveWithNothingElse(t *testing.T) {
	forEachStore(t, func(t *testing.T, s store) {
		root := t.TempDir()
		a := s.open(t, root)
		gone := writeBody(t, a, []byte("deleted"))
		mustAppend(t, a, "GET_gone", fileExchange(gone))
		mustAppend(t, a, "GET_kept", exchange(1))
		mustSave(t, a)
		c := s.open(t, root)
		if err := c.Load(); err != nil {
			t.Fatal(err)
		}
		b := s.open(t, root)
		mustAppend(t, b, "GET_other", exchange(2))
		mustSave(t, b)
		if err := c.Delete("GET_gone"); err != nil {
			t.Fatal(err)
		}
		mustSave(t, c)
		mustSave(t, c)
		if _, err := os.Stat(gone); err == nil {
			t.Errorf("the body file of the deleted cassette is still there after two Saves")
		}
	})
}
