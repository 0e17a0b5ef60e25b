//go:build !(linux || darwin || ios || freebsd || netbsd || openbsd || dragonfly)

package library

// lockDir takes no lock where the system gives no flock (Windows, Plan 9,
// Solaris, wasm): there, the saves of a file library are serialized
// within the process only (see lockFile).
func lockDir(dir string) (unlock func()) {
	return func() {}
}
