package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
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
