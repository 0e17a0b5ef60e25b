//go:build !unix

package atomicfile

import "os"

// mountPoint reports false: this system has no mount points that a
// rename refuses (see the Unix file).
func mountPoint(dir string, fi os.FileInfo) bool { return false }
