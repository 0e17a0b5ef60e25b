//go:build !windows

package atomicfile

// busy reports false: a file open elsewhere can be replaced, renamed and
// removed on this system (see Rename).
func busy(error) bool { return false }
