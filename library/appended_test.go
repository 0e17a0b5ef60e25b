package library

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
)

// answers returns the bodies of the cassette called name in a fresh
// library at path, in order, joined by commas.
func answers(t *testing.T, s store, root, name string) string {
	t.Helper()
	l := s.open(t, root)
	c, ok, err := l.Get(name)
	if err != nil || !ok {
		t.Fatalf("Get(%s) = %v, %v", name, ok, err)
	}
	var out []string
	for _, ex := range c.Exchanges {
		out = append(out, strings.TrimSpace(string(ex.Response.Body)))
	}
	return strings.Join(out, ",")
}

// Two libraries of one path (two recorders of one test, parallel tests)
// that each append to the same cassette keep both's exchanges: a Save
// stores the cassette as the other saved it, then its own, rather than
// its whole cassette over the other's.
func TestLibrariesAppendingToOneCassetteKeepEachOthersExchanges(t *testing.T) {
	forEachStore(t, func(t *testing.T, s store) {
		root := t.TempDir()
		a, b := s.open(t, root), s.open(t, root)
		if _, err := b.Names(); err != nil { // b reads the library before a saves
			t.Fatal(err)
		}
		mustAppend(t, a, "GET_token", exchange(1))
		mustSave(t, a)
		mustAppend(t, b, "GET_token", exchange(2))
		mustSave(t, b)
		mustAppend(t, a, "GET_token", exchange(3))
		mustSave(t, a)
		if got := answers(t, s, root, "GET_token"); got != "answer 1,answer 2,answer 3" {
			t.Errorf("the cassette holds %q; want answer 1,answer 2,answer 3", got)
		}
		// Each library sees what it merged.
		for name, l := range map[string]*Library{"a": a, "b": b} {
			c, _, _ := l.Get("GET_token")
			if want := map[string]int{"a": 3, "b": 2}[name]; len(c.Exchanges) != want {
				t.Errorf("library %s holds %d exchanges, want %d", name, len(c.Exchanges), want)
			}
		}
		// b merges again: a saved since b last wrote.
		mustAppend(t, b, "GET_token", exchange(4))
		mustSave(t, b)
		if got := answers(t, s, root, "GET_token"); got != "answer 1,answer 2,answer 3,answer 4" {
			t.Errorf("the cassette holds %q; want answers 1 to 4", got)
		}
	})
}

// What a library puts whole, deletes or clears is its own: a Save then
// replaces the stored cassette, whatever another writer saved of it.
func TestAPutDeleteOrClearStillReplacesTheCassette(t *testing.T) {
	forEachStore(t, func(t *testing.T, s store) {
		for _, c := range []struct {
			name   string
			change func(t *testing.T, l *Library)
			want   string
		}{
			{"put", func(t *testing.T, l *Library) {
				if err := l.Put(Cassette{Name: "GET_token", Exchanges: []Exchange{exchange(7)}}); err != nil {
					t.Fatal(err)
				}
			}, "answer 7"},
			{"delete then append", func(t *testing.T, l *Library) {
				if err := l.Delete("GET_token"); err != nil {
					t.Fatal(err)
				}
				mustAppend(t, l, "GET_token", exchange(8))
			}, "answer 8"},
			{"clear then append", func(t *testing.T, l *Library) {
				l.Clear()
				mustAppend(t, l, "GET_token", exchange(9))
			}, "answer 9"},
		} {
			t.Run(c.name, func(t *testing.T) {
				root := t.TempDir()
				a, b := s.open(t, root), s.open(t, root)
				mustAppend(t, a, "GET_token", exchange(1))
				mustSave(t, a)
				if _, _, err := b.Get("GET_token"); err != nil {
					t.Fatal(err)
				}
				mustAppend(t, a, "GET_token", exchange(2)) // saved after b read
				mustSave(t, a)
				c.change(t, b)
				mustSave(t, b)
				if got := answers(t, s, root, "GET_token"); got != c.want {
					t.Errorf("the cassette holds %q; want %q", got, c.want)
				}
			})
		}
	})
}

// Many libraries appending to one cassette at once, each saving after
// each exchange, lose none.
func TestConcurrentAppendsToOneCassetteAreAllKept(t *testing.T) {
	forEachStore(t, func(t *testing.T, s store) {
		root := t.TempDir()
		const writers, each = 6, 5
		var wg sync.WaitGroup
		for i := range writers {
			l := s.open(t, root)
			wg.Go(func() {
				for j := range each {
					if err := l.Append("GET_token", exchange(i*each+j)); err != nil {
						t.Error(err)
					}
					if err := l.Save(); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		got := strings.Split(answers(t, s, root, "GET_token"), ",")
		if len(got) != writers*each {
			t.Fatalf("the cassette holds %d exchanges; want %d: %q", len(got), writers*each, got)
		}
		seen := map[string]bool{}
		for _, a := range got {
			seen[a] = true
		}
		for i := range writers * each {
			if a := fmt.Sprintf("answer %d", i); !seen[a] {
				t.Errorf("%s was lost", a)
			}
		}
	})
}

// A Save that merged what another writer saved removes no body file (the
// other's exchanges may use it), but the next Save removes those no
// cassette uses any more: the body file of a deleted cassette is not left
// behind for good.
func TestABodyFileDroppedInAMergingSaveIsRemovedLater(t *testing.T) {
	forEachStore(t, func(t *testing.T, s store) {
		root := t.TempDir()
		a := s.open(t, root)
		gone := writeBody(t, a, []byte("deleted"))
		mustAppend(t, a, "GET_gone", fileExchange(gone))
		mustAppend(t, a, "GET_kept", exchange(1))
		mustSave(t, a)
		c := s.open(t, root) // a later run, which did not commit the body file
		if err := c.Load(); err != nil {
			t.Fatal(err)
		}
		b := s.open(t, root)
		mustAppend(t, b, "GET_other", exchange(2))
		mustSave(t, b) // c's next Save merges this
		if err := c.Delete("GET_gone"); err != nil {
			t.Fatal(err)
		}
		mustSave(t, c)
		mustAppend(t, c, "GET_kept", exchange(3))
		mustSave(t, c)
		if _, err := os.Stat(gone); err == nil {
			t.Errorf("the body file of the deleted cassette is still there after two Saves")
		}
		if got := answers(t, s, root, "GET_other"); got != "answer 2" {
			t.Errorf("the other writer's cassette holds %q; want answer 2", got)
		}
	})
}
