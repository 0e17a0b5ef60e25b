package atomicfile

import (
	"os"
	"time"
)

// Rename renames (moves) oldpath to newpath, as os.Rename does, replacing
// a file at newpath. On Windows a file cannot be replaced, renamed or
// removed while a handle opened without sharing its deletion holds it
// (as os.Open opens one): a library's reader in this process or in
// another (go test runs packages in parallel processes), a virus scanner,
// a search indexer. Rename there tries again while the error says so
// (access denied, sharing violation), for up to two seconds, as such
// readers hold a file for moments; elsewhere it is os.Rename.
func Rename(oldpath, newpath string) error {
	return retry(func() error { return os.Rename(oldpath, newpath) }, busy, retryFor)
}

// Remove removes the file or empty folder name, as os.Remove does, trying
// again on Windows as Rename does.
func Remove(name string) error {
	return retry(func() error { return os.Remove(name) }, busy, retryFor)
}

// retryFor is how long Rename and Remove try again.
const retryFor = 2 * time.Second

// retry runs op until it succeeds or fails with an error that again does
// not say is transient, waiting longer between tries (from a millisecond
// to 100), and for at most about wait in all. It returns op's last error.
func retry(op func() error, again func(error) bool, wait time.Duration) error {
	var start time.Time
	pause := time.Millisecond
	for {
		err := op()
		if err == nil || !again(err) {
			return err
		}
		if start.IsZero() {
			start = time.Now()
		} else if time.Since(start)+pause > wait {
			return err
		}
		time.Sleep(pause)
		pause = min(2*pause, 100*time.Millisecond)
	}
}
