package library

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// leadsOut returns where the symbolic link at abs leads when that is out
// of the folder dir (both absolute), and "" when abs is no link, leads
// inside dir, or leads nowhere (what reads and writes then do with it is
// theirs to say).
func leadsOut(abs, dir string) string {
	fi, err := os.Lstat(abs)
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		return ""
	}
	target, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return ""
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	if rel, err := filepath.Rel(dir, target); err == nil && filepath.IsLocal(rel) {
		return ""
	}
	return target
}

// checkBodyFolder returns an error when l's body folder is a symbolic link
// that leads out of the folder of its cassette files. Body files are
// written, listed and removed only inside a library's own folder: through
// such a link, a recording would write them elsewhere (where replay, which
// reads them inside, refuses them), and a Save or a prune would remove
// the files of another library that shares that folder.
func (l *Library) checkBodyFolder() error {
	dir := l.bodyFolder()
	if target := leadsOut(dir, l.baseDir()); target != "" {
		return fmt.Errorf("body folder %s is a symbolic link to %s, out of %s, the folder of its cassette files: body files are kept only inside it (make it a folder, or link to a folder inside %s)",
			dir, target, l.baseDir(), l.baseDir())
	}
	return nil
}
