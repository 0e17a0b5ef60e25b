package library

import (
	"os"
	"path/filepath"
	"slices"
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

// TestRenamingACassetteByCase: a cassette deleted and added again under a
// name that differs only in case is saved by removing the old file
// before writing the new one: on a case-insensitive file system they are
// one file, and removing the old one after the write removed the new one.
func TestRenamingACassetteByCase(t *testing.T) {
	root := t.TempDir()
	l := stores[2].open(t, root)
	mustAppend(t, l, "GET_a_80_x", exchange(1))
	mustAppend(t, l, "GET_a_80_gone", exchange(2))
	mustSave(t, l)
	l = stores[2].open(t, root)
	for _, name := range []string{"GET_a_80_x", "GET_a_80_gone"} {
		if err := l.Delete(name); err != nil {
			t.Fatal(err)
		}
	}
	mustAppend(t, l, "get_a_80_x", exchange(3))
	l.mu.Lock()
	p, err := l.planDir()
	l.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(p.removeFirst, " ") != "GET_a_80_x.json" || strings.Join(p.remove, " ") != "GET_a_80_gone.json" {
		t.Errorf("plan removes first %q, then %q; want the case twin first, the other after the writes", p.removeFirst, p.remove)
	}

	// Carried out (here, on a file system that tells case apart): the
	// new spelling alone is left.
	l = stores[2].open(t, root)
	if err := l.Delete("GET_a_80_x"); err != nil {
		t.Fatal(err)
	}
	mustAppend(t, l, "get_a_80_x", exchange(3))
	mustSave(t, l)
	names, err := stores[2].open(t, root).Names()
	if err != nil || strings.Join(names, " ") != "GET_a_80_gone get_a_80_x" {
		t.Errorf("after the save the library holds %q, %v", names, err)
	}
}

// TestCaseTwinsReadFromDisk: a directory made on Linux may hold two
// spellings of one name; once one is deleted, the other still keeps a
// third spelling out.
func TestCaseTwinsReadFromDisk(t *testing.T) {
	root := t.TempDir()
	skipIfCaseInsensitive(t, root)
	dir := filepath.Join(root, "lib")
	for _, name := range []string{"GET_a", "get_a"} {
		writeFile(t, filepath.Join(dir, name+".json"), `{"version": 1, "exchanges": []}`)
	}
	for range 10 { // whatever order the names are found in
		l, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		mustAppend(t, l, "GET_b", exchange(1)) // the names are noted now
		if err := l.Delete("GET_a"); err != nil {
			t.Fatal(err)
		}
		if err := l.Append("Get_A", exchange(1)); err == nil || !strings.Contains(err.Error(), `"get_a"`) {
			t.Fatalf("Append(Get_A) with get_a still held = %v; want an error naming get_a", err)
		}
	}
}

// TestARemovalNeverTakesAKeptFile: a file to remove that is the file of a
// cassette kept, under a name differing only in case (on macOS or Windows,
// after a Save failed to remove a renamed cassette's old file before
// writing the new one), is left: removing it removed the cassette. A hard
// link stands for the second name of the same file here.
func TestARemovalNeverTakesAKeptFile(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "lib")
	l := stores[2].open(t, root)
	mustAppend(t, l, "get_a_80_x", exchange(1))
	mustSave(t, l)
	old := filepath.Join(dir, "GET_a_80_x.json")
	if err := os.Link(filepath.Join(dir, "get_a_80_x.json"), old); err != nil {
		t.Skip("no hard links here:", err)
	}
	l.mu.Lock()
	l.gone = map[string]string{"GET_a_80_x": "GET_a_80_x.json"} // its removal failed before
	l.changed = true
	l.mu.Unlock()
	mustSave(t, l)
	if _, err := os.Stat(old); err != nil {
		t.Errorf("Save removed %s, the file of the cassette kept: %v", old, err)
	}
}

// TestARenameByCaseRemovesTheOldSpelling: on a case-insensitive file
// system the new spelling of a cassette renamed by case is, before the
// Save, the old file itself (a hard link stands for it here): the old
// spelling is still removed before the write, which sameAsKept must not
// prevent.
func TestARenameByCaseRemovesTheOldSpelling(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "lib")
	l := stores[2].open(t, root)
	mustAppend(t, l, "GET_a_80_x", exchange(1))
	mustSave(t, l)
	l = stores[2].open(t, root)
	if err := l.Delete("GET_a_80_x"); err != nil {
		t.Fatal(err)
	}
	mustAppend(t, l, "get_a_80_x", exchange(2))
	if err := os.Link(filepath.Join(dir, "GET_a_80_x.json"), filepath.Join(dir, "get_a_80_x.json")); err != nil {
		t.Skip("no hard links here:", err)
	}
	mustSave(t, l)
	if _, err := os.Stat(filepath.Join(dir, "GET_a_80_x.json")); err == nil {
		t.Errorf("the old spelling GET_a_80_x.json is still there after the rename by case")
	}
	c, ok, err := stores[2].open(t, root).Get("get_a_80_x")
	if err != nil || !ok || len(c.Exchanges) != 1 || string(c.Exchanges[0].Response.Body) != "answer 2\n" {
		t.Errorf("get_a_80_x after the save = %v, %v, %v; want the new cassette", c, ok, err)
	}
}

// TestCaseTwinsListsNamesDifferingOnlyInCase: the cassettes of a directory
// library made on Linux whose names differ only in case are listed, by
// group; a library without any lists none, and so does a file library.
func TestCaseTwinsListsNamesDifferingOnlyInCase(t *testing.T) {
	root := t.TempDir()
	skipIfCaseInsensitive(t, root)
	dir := filepath.Join(root, "lib")
	for _, name := range []string{"GET_a", "get_a", "Get_A", "GET_b", "POST_c", "post_c"} {
		writeFile(t, filepath.Join(dir, name+".json"), `{"version": 1, "exchanges": []}`)
	}
	l, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := l.CaseTwins()
	want := [][]string{{"GET_a", "Get_A", "get_a"}, {"POST_c", "post_c"}}
	if err != nil || !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("CaseTwins = %q, %v; want %q", got, err, want)
	}
	// GET_b.json and get_b.yaml are two files on any file system.
	writeFile(t, filepath.Join(dir, "get_b.yaml"), "version: 1\nexchanges: []\n")
	l, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err = l.CaseTwins()
	if err != nil || !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("with get_b.yaml beside GET_b.json: CaseTwins = %q, %v; want %q", got, err, want)
	}
	clean, err := Open(filepath.Join(t.TempDir(), "clean"))
	if err != nil {
		t.Fatal(err)
	}
	mustAppend(t, clean, "GET_a", exchange(1))
	file, err := Open(filepath.Join(t.TempDir(), "api.json"))
	if err != nil {
		t.Fatal(err)
	}
	mustAppend(t, file, "GET_a", exchange(1))
	mustAppend(t, file, "get_a", exchange(2))
	for _, l := range []*Library{clean, file} {
		if got, err := l.CaseTwins(); err != nil || len(got) != 0 {
			t.Errorf("%s: CaseTwins = %q, %v; want none", l.Path(), got, err)
		}
	}
}

// skipIfCaseInsensitive skips the test where the file system of the
// folder dir takes two names differing only in case for one file (as
// macOS's and Windows's do by default): the files a test makes to be case
// twins are one there.
func skipIfCaseInsensitive(t *testing.T, dir string) {
	t.Helper()
	probe := filepath.Join(dir, "case-probe")
	if err := os.WriteFile(probe, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(probe)
	if _, err := os.Stat(filepath.Join(dir, "CASE-PROBE")); err == nil {
		t.Skipf("the file system of %s does not tell names apart by case", dir)
	}
}
