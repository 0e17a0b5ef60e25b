package replayserver

import "testing"

// The error of a rerecord whose staging library cannot be written says
// which variable names the system's temporary folder: os.TempDir reads
// TMP on Windows (the message said TMPDIR there, which it ignores).
func TestTempDirVar(t *testing.T) {
	for goos, want := range map[string]string{"linux": "TMPDIR", "darwin": "TMPDIR", "windows": "TMP"} {
		if got := tempDirVar(goos); got != want {
			t.Errorf("tempDirVar(%q) = %q, want %q", goos, got, want)
		}
	}
}
