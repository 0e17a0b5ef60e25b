package bytesize

import "testing"

func TestFormat(t *testing.T) {
	for n, want := range map[int64]string{
		64 << 20: "64 MiB", 512 << 10: "512 KiB", 1000: "1000 B", 3 << 30: "3 GiB",
		1<<20 + 1: "1048577 B", 0: "0 B", 1536: "1536 B",
	} {
		if got := Format(n); got != want {
			t.Errorf("Format(%d) = %q, want %q", n, got, want)
		}
	}
}
