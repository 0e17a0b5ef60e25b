package library

import (
	"strings"
	"testing"
)

// TestNamesDifferingOnlyInCase: a directory library refuses a cassette
// whose name differs only in case from one it holds, by Append or Put,
// saved or not; on macOS or Windows their two files would be one. A file
// library, one file, takes both.
func TestNamesDifferingOnlyInCase(t *testing.T) {
	forEachStore(t, func(t *testing.T, s store) {
		root := t.TempDir()
		l := s.open(t, root)
		mustAppend(t, l, "GET_a_80_x", exchange(1))
		mustSave(t, l)
		l = s.open(t, root) // the first one on disk only
		errA := l.Append("get_a_80_x", exchange(2))
		errP := l.Put(Cassette{Name: "GET_A_80_X", Exchanges: []Exchange{exchange(3)}})
		if !s.dir {
			if errA != nil || errP != nil {
				t.Errorf("file library: Append = %v, Put = %v; want both taken", errA, errP)
			}
			return
		}
		for what, err := range map[string]error{"Append": errA, "Put": errP} {
			if err == nil || !strings.Contains(err.Error(), `differs only in case from cassette "GET_a_80_x"`) {
				t.Errorf("%s of a name differing only in case = %v; want an error naming the other", what, err)
			}
		}
		mustAppend(t, l, "GET_a_80_y", exchange(4))
		if err := l.Append("GET_A_80_Y", exchange(5)); err == nil {
			t.Errorf("Append of a twin of a cassette not saved yet = nil error")
		}
		if err := l.Delete("GET_a_80_x"); err != nil {
			t.Fatal(err)
		}
		if err := l.Append("get_a_80_x", exchange(6)); err != nil {
			t.Errorf("Append once the other was deleted = %v", err)
		}
		mustSave(t, l)
		names, err := s.open(t, root).Names()
		if err != nil || strings.Join(names, " ") != "GET_a_80_y get_a_80_x" {
			t.Errorf("saved names = %q, %v", names, err)
		}
	})
}
