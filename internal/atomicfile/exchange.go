package atomicfile

// Exchange swaps the files or folders at the paths a and b in one step: a
// crash leaves each where it was or each where the other was, never one
// path empty. Both must exist, on one file system. Where the system cannot
// swap in one step (systems other than Linux, or a file system without
// the feature), it returns an error that matches errors.ErrUnsupported,
// and changes nothing: the caller falls back on renames.
func Exchange(a, b string) error { return exchange(a, b) }
