package atomicfile

import (
	"cmp"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
)

// A folder that ReplaceDir builds is nobody's library until it takes the
// old folder's place: a crash before then leaves the old library as it
// was, whatever the new folder holds. So WriteFile does not sync, one by
// one, the files it writes into such a folder (each sync waits for the
// disk: a library of thousands of cassettes took seconds to write);
// ReplaceDir syncs them all at once, then the folders, before the new
// folder takes the old one's place, so that the library there is then on
// disk as one saved file by file is.

// building holds the folders ReplaceDir is building, each with the files
// WriteFile wrote directly into it without syncing them.
var building struct {
	mu      sync.Mutex
	folders map[string]map[string]bool // guarded by mu: folder -> files written
}

// buildFolder runs build(dir), during which WriteFile does not sync the
// files it writes directly into dir, and returns those files.
func buildFolder(dir string, build func(dir string) error) (unsynced map[string]bool, err error) {
	building.mu.Lock()
	if building.folders == nil {
		building.folders = map[string]map[string]bool{}
	}
	building.folders[dir] = map[string]bool{}
	building.mu.Unlock()
	defer func() {
		building.mu.Lock()
		unsynced = building.folders[dir]
		delete(building.folders, dir)
		building.mu.Unlock()
	}()
	return nil, build(dir)
}

// deferSync reports whether the file name is written directly into a
// folder ReplaceDir is building, which syncs it later (see noteUnsynced).
// Not on Windows, where a file is synced only through a handle that may
// write it.
func deferSync(name string) bool {
	if runtime.GOOS == "windows" {
		return false
	}
	building.mu.Lock()
	defer building.mu.Unlock()
	_, ok := building.folders[filepath.Dir(name)]
	return ok
}

// noteUnsynced notes that WriteFile wrote the file name, unsynced, into a
// folder ReplaceDir builds; false if it no longer builds it (a build that
// went on writing after it returned): the caller then syncs the file.
func noteUnsynced(name string) bool {
	building.mu.Lock()
	defer building.mu.Unlock()
	files, ok := building.folders[filepath.Dir(name)]
	if ok {
		files[name] = true
	}
	return ok
}

// fsync syncs f to disk; a test sees each call.
var fsync = (*os.File).Sync

// open is os.Open, which syncPath opens a file or folder with; a test
// stands in a folder it may not read.
var open = os.Open

// syncWorkers is how many files syncBuilt syncs at once: the disk, or the
// journal of its file system, takes many syncs in one go.
const syncWorkers = 32

// syncBuilt syncs to disk files, the files of the folder dir that
// WriteFile wrote without syncing them, several at once, then the
// folders of dir (their entries: the files renamed into them), dir last.
// A file removed since is not an error.
func syncBuilt(dir string, files map[string]bool) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error // guarded by mu
	)
	names := make(chan string)
	for range min(syncWorkers, len(files)) {
		wg.Go(func() {
			for name := range names {
				if err := syncPath(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
					mu.Lock()
					first = cmp.Or(first, err)
					mu.Unlock()
				}
			}
		})
	}
	for name := range files {
		names <- name
	}
	close(names)
	wg.Wait()
	if first != nil {
		return first
	}
	if runtime.GOOS == "windows" {
		return nil // no folder is synced there; no file was left unsynced either
	}
	var folders []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			folders = append(folders, p)
		}
		return err
	})
	if err != nil {
		return err
	}
	for _, p := range slices.Backward(folders) { // the inner ones first
		if err := syncPath(p); err != nil {
			return err
		}
	}
	return nil
}

// syncPath syncs the file or folder path to disk.
func syncPath(path string) error {
	f, err := open(path)
	if err != nil {
		return err
	}
	if err := fsync(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
