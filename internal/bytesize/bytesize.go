// Package bytesize writes sizes in bytes the way people set limits.
package bytesize

import "fmt"

// Format writes n bytes in the largest binary unit that divides it:
// "64 MiB", "512 KiB", "1000 B".
func Format(n int64) string {
	for _, u := range []struct {
		size int64
		name string
	}{{1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}} {
		if n >= u.size && n%u.size == 0 {
			return fmt.Sprintf("%d %s", n/u.size, u.name)
		}
	}
	return fmt.Sprintf("%d B", n)
}
