package library

import (
	"fmt"
	"slices"
	"sync"
	"testing"
)

// Append and DropExchanges of a cassette whose file a directory library
// has not read yet (or dropped from memory: see noteLarge) read the file
// holding the library's lock, so that every other call on the library
// waited for the disk. They read it without, as Get and Put do; what
// changes the cassette meanwhile is taken as if it came first.
func TestAppendAndDropExchangesReadACassetteWithoutHoldingTheLibrary(t *testing.T) {
	x1, x2, x3 := exchange(1), exchange(2), exchange(3) // stored
	p, y, z := exchange(10), exchange(11), exchange(12) // put, appended meanwhile, appended by the call
	isX1 := func(ex Exchange) bool { return ex.Request.URL == x1.Request.URL }
	tests := []struct {
		name      string
		call      string                         // "append" (of z) or "drop" (of x1)
		meanwhile func(t *testing.T, l *Library) // while the call reads GET_a's file
		dropped   int                            // what DropExchanges returns
		want      map[string][]Exchange          // the library after the call, and on disk after Save
	}{
		{
			name:      "append, with Gets of others served meanwhile",
			call:      "append",
			meanwhile: func(t *testing.T, l *Library) {},
			want:      map[string][]Exchange{"GET_a": {x1, x2, z}, "GET_other": {x3}},
		},
		{
			name: "append, after a Put meanwhile",
			call: "append",
			meanwhile: func(t *testing.T, l *Library) {
				if err := l.Put(Cassette{Name: "GET_a", Exchanges: []Exchange{p}}); err != nil {
					t.Errorf("Put(GET_a) meanwhile: %v", err)
				}
			},
			want: map[string][]Exchange{"GET_a": {p, z}, "GET_other": {x3}},
		},
		{
			name: "append, after a Delete meanwhile",
			call: "append",
			meanwhile: func(t *testing.T, l *Library) {
				if err := l.Delete("GET_a"); err != nil {
					t.Errorf("Delete(GET_a) meanwhile: %v", err)
				}
			},
			want: map[string][]Exchange{"GET_a": {z}, "GET_other": {x3}},
		},
		{
			name: "append, after another Append meanwhile",
			call: "append",
			meanwhile: func(t *testing.T, l *Library) {
				if err := l.Append("GET_a", y); err != nil {
					t.Errorf("Append(GET_a) meanwhile: %v", err)
				}
			},
			want: map[string][]Exchange{"GET_a": {x1, x2, y, z}, "GET_other": {x3}},
		},
		{
			name: "append, with a Save of another cassette meanwhile",
			call: "append",
			meanwhile: func(t *testing.T, l *Library) {
				if err := l.Append("GET_other", y); err != nil {
					t.Errorf("Append(GET_other) meanwhile: %v", err)
				}
				if err := l.Save(); err != nil {
					t.Errorf("Save meanwhile: %v", err)
				}
			},
			want: map[string][]Exchange{"GET_a": {x1, x2, z}, "GET_other": {x3, y}},
		},
		{
			name: "append, after a DropExchanges meanwhile",
			call: "append",
			meanwhile: func(t *testing.T, l *Library) {
				if n, err := l.DropExchanges("GET_a", isX1); n != 1 || err != nil {
					t.Errorf("DropExchanges(GET_a) meanwhile = %d, %v; want 1, nil", n, err)
				}
			},
			want: map[string][]Exchange{"GET_a": {x2, z}, "GET_other": {x3}},
		},
		{
			name:      "drop, with Gets of others served meanwhile",
			call:      "drop",
			meanwhile: func(t *testing.T, l *Library) {},
			dropped:   1,
			want:      map[string][]Exchange{"GET_a": {x2}, "GET_other": {x3}},
		},
		{
			name: "drop, after an Append meanwhile",
			call: "drop",
			meanwhile: func(t *testing.T, l *Library) {
				if err := l.Append("GET_a", y); err != nil {
					t.Errorf("Append(GET_a) meanwhile: %v", err)
				}
			},
			dropped: 1,
			want:    map[string][]Exchange{"GET_a": {x2, y}, "GET_other": {x3}},
		},
		{
			name: "drop, after a Put meanwhile",
			call: "drop",
			meanwhile: func(t *testing.T, l *Library) {
				if err := l.Put(Cassette{Name: "GET_a", Exchanges: []Exchange{p, x1, x1}}); err != nil {
					t.Errorf("Put(GET_a) meanwhile: %v", err)
				}
			},
			dropped: 2,
			want:    map[string][]Exchange{"GET_a": {p}, "GET_other": {x3}},
		},
		{
			name: "drop, after a Delete meanwhile",
			call: "drop",
			meanwhile: func(t *testing.T, l *Library) {
				if err := l.Delete("GET_a"); err != nil {
					t.Errorf("Delete(GET_a) meanwhile: %v", err)
				}
			},
			dropped: 0,
			want:    map[string][]Exchange{"GET_other": {x3}},
		},
	}
	for _, s := range stores[2:] {
		for _, tt := range tests {
			t.Run(s.name+"/"+tt.name, func(t *testing.T) {
				root := t.TempDir()
				l0 := s.open(t, root)
				mustAppend(t, l0, "GET_a", x1, x2)
				mustAppend(t, l0, "GET_other", x3)
				mustSave(t, l0)
				l := s.open(t, root)
				if _, ok, err := l.Get("GET_other"); err != nil || !ok {
					t.Fatalf("Get(GET_other) = %v, %v", ok, err)
				}
				reads := 0
				testHookReadCassette = func(hl *Library, name string) {
					if hl != l || name != "GET_a" {
						return
					}
					reads++
					if reads > 1 {
						return // read by a call made meanwhile
					}
					if !l.mu.TryLock() {
						t.Errorf("%s reads the file of GET_a holding the library's lock", tt.call)
						return
					}
					l.mu.Unlock()
					if _, ok, err := l.Get("GET_other"); err != nil || !ok {
						t.Errorf("Get(GET_other) while GET_a is read = %v, %v", ok, err)
					}
					tt.meanwhile(t, l)
				}
				t.Cleanup(func() { testHookReadCassette = nil })
				switch tt.call {
				case "append":
					if err := l.Append("GET_a", z); err != nil {
						t.Errorf("Append(GET_a): %v", err)
					}
				case "drop":
					if n, err := l.DropExchanges("GET_a", isX1); n != tt.dropped || err != nil {
						t.Errorf("DropExchanges(GET_a) = %d, %v; want %d, nil", n, err, tt.dropped)
					}
				}
				testHookReadCassette = nil
				if reads == 0 {
					t.Fatalf("%s did not read the file of GET_a: the test's premise failed", tt.call)
				}
				wantCassettes(t, l, tt.want)
				mustSave(t, l)
				wantCassettes(t, s.open(t, root), tt.want)
			})
		}
	}
}

// Appends and DropExchanges of cassettes not read yet, which read their
// files without the library's lock, run with Puts, Deletes, Saves and
// Gets of the same cassettes (under -race): nothing is lost, and every
// cassette ends as one order of the calls made would leave it.
func TestAppendAndDropExchangesOfUnreadCassettesWithConcurrentChanges(t *testing.T) {
	const n = 8 // cassettes of each kind
	orig := func(i int) Exchange { return exchange(i) }
	added := func(i, k int) Exchange { return exchange(1000*k + i) }
	isOrig := func(i int) func(Exchange) bool {
		return func(ex Exchange) bool { return ex.Request.URL == orig(i).Request.URL }
	}
	urls := func(ex []Exchange) []string {
		var u []string
		for _, x := range ex {
			u = append(u, x.Request.URL)
		}
		return u
	}
	for _, s := range stores[2:] {
		t.Run(s.name, func(t *testing.T) {
			root := t.TempDir()
			l0 := s.open(t, root)
			for i := range n {
				mustAppend(t, l0, fmt.Sprintf("GET_app%d", i), orig(i))
				mustAppend(t, l0, fmt.Sprintf("GET_put%d", i), orig(i))
				mustAppend(t, l0, fmt.Sprintf("GET_del%d", i), orig(i))
			}
			mustSave(t, l0)
			l := s.open(t, root)
			if _, err := l.Names(); err != nil { // listed, no cassette read
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			for i := range n {
				app, put, del := fmt.Sprintf("GET_app%d", i), fmt.Sprintf("GET_put%d", i), fmt.Sprintf("GET_del%d", i)
				for k := 1; k <= 2; k++ {
					wg.Go(func() {
						if err := l.Append(app, added(i, k)); err != nil {
							t.Errorf("Append(%s): %v", app, err)
						}
					})
				}
				wg.Go(func() {
					if got, err := l.DropExchanges(app, isOrig(i)); got != 1 || err != nil {
						t.Errorf("DropExchanges(%s) = %d, %v; want 1, nil", app, got, err)
					}
				})
				wg.Go(func() {
					if err := l.Append(put, added(i, 1)); err != nil {
						t.Errorf("Append(%s): %v", put, err)
					}
				})
				wg.Go(func() {
					if err := l.Put(Cassette{Name: put, Exchanges: []Exchange{added(i, 2)}}); err != nil {
						t.Errorf("Put(%s): %v", put, err)
					}
				})
				wg.Go(func() {
					if err := l.Append(del, added(i, 1)); err != nil {
						t.Errorf("Append(%s): %v", del, err)
					}
				})
				wg.Go(func() {
					if err := l.Delete(del); err != nil {
						t.Errorf("Delete(%s): %v", del, err)
					}
				})
				wg.Go(func() {
					if _, _, err := l.Get(app); err != nil {
						t.Errorf("Get(%s): %v", app, err)
					}
				})
			}
			wg.Go(func() {
				for range 4 {
					if err := l.Save(); err != nil {
						t.Errorf("Save: %v", err)
					}
				}
			})
			wg.Wait()
			mustSave(t, l)

			// Each cassette as one order of the calls leaves it.
			want := map[string][]Exchange{}
			for i := range n {
				app, put, del := fmt.Sprintf("GET_app%d", i), fmt.Sprintf("GET_put%d", i), fmt.Sprintf("GET_del%d", i)
				c, ok, err := l.Get(app)
				if err != nil || !ok {
					t.Fatalf("Get(%s) = %v, %v", app, ok, err)
				}
				if got := urls(c.Exchanges); !slices.Equal(got, urls([]Exchange{added(i, 1), added(i, 2)})) && !slices.Equal(got, urls([]Exchange{added(i, 2), added(i, 1)})) {
					t.Errorf("%s holds %q; want both exchanges appended, and not the one dropped", app, got)
				}
				want[app] = c.Exchanges
				c, ok, err = l.Get(put)
				if err != nil || !ok {
					t.Fatalf("Get(%s) = %v, %v", put, ok, err)
				}
				if got := urls(c.Exchanges); !slices.Equal(got, urls([]Exchange{added(i, 2)})) && !slices.Equal(got, urls([]Exchange{added(i, 2), added(i, 1)})) {
					t.Errorf("%s holds %q; want the exchange put, then perhaps the one appended", put, got)
				}
				want[put] = c.Exchanges
				c, ok, err = l.Get(del)
				if err != nil {
					t.Fatalf("Get(%s): %v", del, err)
				}
				if ok {
					if got := urls(c.Exchanges); !slices.Equal(got, urls([]Exchange{added(i, 1)})) {
						t.Errorf("%s holds %q; want only the exchange appended (after the Delete), or no cassette", del, got)
					}
					want[del] = c.Exchanges
				}
			}
			wantCassettes(t, l, want)
			wantCassettes(t, s.open(t, root), want)
		})
	}
}
