package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestReplaceDirOfTheWorkingDirectory: a folder named by a relative path
// that is the working directory (".", as `cassette import x.har .` names
// it, which worked before imports were built beside their folder) is
// replaced as any other. Before, the folder was renamed as "." and the
// new one built inside it (filepath.Dir(".") is "."): "exchange
// .cassette-rerecord-... .: device or resource busy".
func TestReplaceDirOfTheWorkingDirectory(t *testing.T) {
	for _, tc := range []struct {
		why  string
		path string // the folder, relative to the working directory
		wd   string // the working directory, relative to the folder's parent
	}{
		{"the working directory itself", ".", "lib"},
		{"the working directory, spelled with a slash", "./", "lib"},
		{"the parent of the working directory", "..", "lib/.notes"},
	} {
		t.Run(tc.why, func(t *testing.T) {
			parent := t.TempDir()
			dir := filepath.Join(parent, "lib")
			if err := os.MkdirAll(filepath.Join(dir, ".notes"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "old.json"), []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Chdir(filepath.Join(parent, tc.wd))
			err := ReplaceDir(tc.path, func(tmp string) error {
				return os.WriteFile(filepath.Join(tmp, "new.json"), []byte("new"), 0o644)
			}, Exchange)
			if err != nil {
				t.Fatalf("ReplaceDir(%q) from %s = %v", tc.path, tc.wd, err)
			}
			ents, err := os.ReadDir(parent)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, e := range ents {
				names = append(names, e.Name())
			}
			if !slices.Equal(names, []string{"lib"}) {
				t.Errorf("after ReplaceDir(%q), %s holds %q; want [lib]", tc.path, parent, names)
			}
			if b, err := os.ReadFile(filepath.Join(dir, "new.json")); string(b) != "new" {
				t.Errorf("after ReplaceDir(%q), new.json = %q, %v", tc.path, b, err)
			}
			if _, err := os.Stat(filepath.Join(dir, "old.json")); err == nil {
				t.Errorf("after ReplaceDir(%q), old.json is still there", tc.path)
			}
			if _, err := os.Stat(filepath.Join(dir, ".notes")); err != nil {
				t.Errorf("after ReplaceDir(%q), the dot folder .notes is gone: %v", tc.path, err)
			}
		})
	}
}

// TestReplaceDirOfAMountPoint: a folder on which a file system is mounted
// (a container's volume, where `cassette import` or `convert` writes a
// library) cannot be replaced by another: ReplaceDir says so before it
// builds anything. Before, it built the new folder beside it, on the
// parent's file system (or failed to, on a read-only one), and then failed
// to swap: "device or resource busy".
func TestReplaceDirOfAMountPoint(t *testing.T) {
	const dir = "/proc" // a mount point wherever there is one
	fi, err := os.Stat(dir)
	if err != nil || !mountPoint(dir, fi) {
		t.Skipf("%s is no mount point here", dir)
	}
	built := false
	err = ReplaceDir(dir, func(tmp string) error {
		built = true
		return errors.New("stop")
	}, Exchange)
	if !errors.Is(err, ErrMountPoint) || built {
		t.Errorf("ReplaceDir(%s) = %v, built %v; want ErrMountPoint, nothing built", dir, err, built)
	}
	if tmp := t.TempDir(); mountPoint(tmp, mustStat(t, tmp)) {
		t.Errorf("mountPoint(%s) = true for a folder made in the temporary folder", tmp)
	}
}

func mustStat(t *testing.T, path string) os.FileInfo {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

// TestReplaceDirSyncsOnceBuilt: the cassette files that WriteFile writes
// into a folder ReplaceDir builds are synced to disk together once the
// build is over, and so are the folders (their entries), all before the
// folder takes the old one's place or, when there was none, is renamed to
// its path; a file written elsewhere is synced as it is written. Before,
// WriteFile synced each file as it wrote it (a library of 3,000 cassettes
// waited for the disk 3,000 times) and no folder was synced.
func TestReplaceDirSyncsOnceBuilt(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("on Windows, WriteFile syncs each file as it writes it, and no folder is synced")
	}
	var (
		mu       sync.Mutex
		synced   []string // the paths synced, in order
		building bool     // the build is running
	)
	old := fsync
	t.Cleanup(func() { fsync = old })
	fsync = func(f *os.File) error {
		mu.Lock()
		defer mu.Unlock()
		if building && !strings.Contains(f.Name(), string(filepath.Separator)+"bodies") {
			t.Errorf("%s synced while the folder is built", f.Name())
		}
		synced = append(synced, f.Name())
		return old(f)
	}
	for _, exists := range []bool{false, true} {
		t.Run(map[bool]string{false: "new folder", true: "folder replaced"}[exists], func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "lib")
			if exists {
				if err := os.Mkdir(dir, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			synced = nil
			var want []string // what must be synced before the swap, tmp's paths
			build := func(tmp string) error {
				mu.Lock()
				building = true
				mu.Unlock()
				defer func() {
					mu.Lock()
					building = false
					mu.Unlock()
				}()
				for i := range 20 {
					name := filepath.Join(tmp, fmt.Sprintf("c%d.json", i))
					if err := WriteFile(name, []byte("{}"), 0o666); err != nil {
						return err
					}
					want = append(want, name)
				}
				// A body file is written and synced on its own (package
				// library): a folder that holds one is synced.
				if err := os.Mkdir(filepath.Join(tmp, "bodies"), 0o777); err != nil {
					return err
				}
				if err := WriteFile(filepath.Join(tmp, "bodies", "b.bin"), []byte("body"), 0o666); err != nil {
					return err
				}
				want = append(want, filepath.Join(tmp, "bodies"), tmp)
				return nil
			}
			swapped := false
			swap := func(a, b string) error {
				swapped = true
				checkSynced(t, &mu, synced, want)
				return Exchange(a, b)
			}
			if err := ReplaceDir(dir, build, swap); err != nil {
				t.Fatal(err)
			}
			if !exists {
				// Renamed into place: a path synced in the new folder
				// was synced before it took dir's path.
				checkSynced(t, &mu, synced, want)
			} else if !swapped {
				t.Skip("no swap here")
			}
			if b, err := os.ReadFile(filepath.Join(dir, "c7.json")); err != nil || string(b) != "{}" {
				t.Errorf("after ReplaceDir, c7.json = %q, %v", b, err)
			}
		})
	}

	// Elsewhere, as ever: synced before it is renamed into place.
	synced = nil
	name := filepath.Join(t.TempDir(), "c.json")
	if err := WriteFile(name, []byte("{}"), 0o666); err != nil {
		t.Fatal(err)
	}
	if len(synced) != 1 || filepath.Dir(synced[0]) != filepath.Dir(name) {
		t.Errorf("WriteFile(%s) synced %q; want its temporary file", name, synced)
	}
}

// checkSynced checks that each path of want is among those synced.
func checkSynced(t *testing.T, mu *sync.Mutex, synced, want []string) {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	for _, w := range want {
		if !slices.Contains(synced, w) {
			t.Errorf("%s was not synced before the folder took its place", w)
		}
	}
}
