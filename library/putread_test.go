package library

import (
	"fmt"
	"sync"
	"testing"
)

// dropFromMemory drops the cassette name of l from memory, as noteLarge
// drops a large cassette read from its file, and reports whether it
// could: only one that is on disk as it is in memory is dropped.
func dropFromMemory(l *Library, name string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.entries[name]
	if e == nil || !e.loaded || e.dirty || e.owned || e.file == "" {
		return false
	}
	e.c, e.loaded = Cassette{}, false
	return true
}

// Put of a cassette dropped from memory since Get, while a commit waits
// for an exchange naming its body file, reads the cassette's file again
// (see TestPutBackOfACassetteDroppedFromMemoryEndsNoPendingCommit): it
// read it holding the library's lock, so that every other call on the
// library waited for the disk. It reads it without, and a change of the
// cassette meanwhile (here a Get that loads it) is seen: the exchanges
// put back still end no pending commit.
func TestPutReadsADroppedCassetteWithoutHoldingTheLibrary(t *testing.T) {
	body := []byte("the same large body, recorded three times")
	for _, s := range stores[2:] {
		t.Run(s.name, func(t *testing.T) {
			root := t.TempDir()
			l0 := s.open(t, root)
			mustAppend(t, l0, "GET_a", fileExchange(writeBody(t, l0, body)))
			mustAppend(t, l0, "GET_other", exchange(1))
			mustSave(t, l0)
			l := s.open(t, root)
			waiting := writeBody(t, l, body) // GET_b's, appended below
			c, ok, err := l.Get("GET_a")
			if err != nil || !ok {
				t.Fatalf("Get(GET_a) = %v, %v", ok, err)
			}
			if _, ok, err := l.Get("GET_other"); err != nil || !ok {
				t.Fatalf("Get(GET_other) = %v, %v", ok, err)
			}
			if !dropFromMemory(l, "GET_a") {
				t.Fatal("GET_a cannot be dropped from memory: the test's premise failed")
			}
			reads := 0
			testHookReadCassette = func(hl *Library, name string) {
				if hl != l || name != "GET_a" {
					return
				}
				reads++
				if reads > 1 {
					return // the Get below
				}
				if !l.mu.TryLock() {
					t.Error("Put reads the file of GET_a holding the library's lock")
					return
				}
				l.mu.Unlock()
				// Meanwhile, the library serves others, and GET_a is
				// loaded again.
				if _, ok, err := l.Get("GET_other"); err != nil || !ok {
					t.Errorf("Get(GET_other) while Put reads GET_a = %v, %v", ok, err)
				}
				if _, ok, err := l.Get("GET_a"); err != nil || !ok {
					t.Errorf("Get(GET_a) while Put reads it = %v, %v", ok, err)
				}
			}
			t.Cleanup(func() { testHookReadCassette = nil })
			err = l.Put(c)
			testHookReadCassette = nil
			if err != nil {
				t.Fatalf("Put(Get(GET_a)): %v", err)
			}
			if reads == 0 {
				t.Fatal("Put did not read GET_a again: the test's premise failed")
			}
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

// Puts of cassettes dropped from memory, which read their files again
// without the library's lock, run with Saves, Gets and Appends of others
// (under -race): nothing put or appended is lost, and a commit that
// waits for its Append is not ended by the exchanges put back.
func TestPutOfDroppedCassettesWithConcurrentSaves(t *testing.T) {
	const n = 12 // cassettes put back
	body := []byte("one body, shared by every cassette put back")
	for _, s := range stores[2:] {
		t.Run(s.name, func(t *testing.T) {
			root := t.TempDir()
			l0 := s.open(t, root)
			file := writeBody(t, l0, body)
			for i := range n {
				mustAppend(t, l0, fmt.Sprintf("GET_put%d", i), fileExchange(file))
			}
			mustSave(t, l0)
			l := s.open(t, root)
			waiting := writeBody(t, l, body) // the same file: its commit waits for GET_b
			cs := make([]Cassette, n)
			for i := range n {
				c, ok, err := l.Get(fmt.Sprintf("GET_put%d", i))
				if err != nil || !ok {
					t.Fatalf("Get(GET_put%d) = %v, %v", i, ok, err)
				}
				cs[i] = c
				if !dropFromMemory(l, c.Name) {
					t.Fatalf("%s cannot be dropped from memory: the test's premise failed", c.Name)
				}
			}
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					if err := l.Put(cs[i]); err != nil {
						t.Errorf("Put(%s): %v", cs[i].Name, err)
					}
					if _, ok, err := l.Get(cs[i].Name); err != nil || !ok {
						t.Errorf("Get(%s) after Put = %v, %v", cs[i].Name, ok, err)
					}
				})
			}
			wg.Go(func() {
				for i := range n {
					if err := l.Append(fmt.Sprintf("GET_new%d", i), exchange(i)); err != nil {
						t.Errorf("Append(GET_new%d): %v", i, err)
					}
				}
			})
			wg.Go(func() {
				for range 4 {
					if err := l.Save(); err != nil {
						t.Errorf("Save: %v", err)
					}
				}
			})
			wg.Wait()
			mustSave(t, l)
			if !bodyExists(t, waiting) {
				t.Fatalf("the body file %s, whose commit waits for its Append, was removed", waiting)
			}
			mustAppend(t, l, "GET_b", fileExchange(waiting))
			mustSave(t, l)
			want := map[string][]Exchange{"GET_b": {fileExchange(waiting)}}
			for i := range n {
				want[cs[i].Name] = cs[i].Exchanges
				want[fmt.Sprintf("GET_new%d", i)] = []Exchange{exchange(i)}
			}
			again := s.open(t, root)
			for name, ex := range want {
				c, ok, err := again.Get(name)
				if err != nil || !ok {
					t.Errorf("after the Saves, Get(%s) = %v, %v", name, ok, err)
					continue
				}
				if len(c.Exchanges) != len(ex) || c.Exchanges[0].Response.BodyFile != ex[0].Response.BodyFile || c.Exchanges[0].Request.URL != ex[0].Request.URL {
					t.Errorf("after the Saves, %s holds %+v; want %+v", name, c.Exchanges, ex)
				}
			}
			if names, _ := again.Names(); len(names) != len(want) {
				t.Errorf("after the Saves, the library holds %d cassettes %q, want %d", len(names), names, len(want))
			}
		})
	}
}
