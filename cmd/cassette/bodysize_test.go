package main

import "testing"

func TestByteSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		str  string // what String gives back
	}{
		{"0", 0, "0"},
		{"1000", 1000, "1000"},
		{"1024", 1 << 10, "1KiB"},
		{"512KiB", 512 << 10, "512KiB"},
		{"64MiB", 64 << 20, "64MiB"},
		{"64mib", 64 << 20, "64MiB"},
		{"64 MiB", 64 << 20, "64MiB"}, // as the recorder's error writes a limit
		{"1GiB", 1 << 30, "1GiB"},
		{"2TiB", 2 << 40, "2TiB"},
		{"100MB", 100e6, "100000000"},
		{"100kB", 100e3, "100000"},
		{"3GB", 3e9, "3000000000"},
		{"1TB", 1e12, "976562500KiB"},
		{"42B", 42, "42"},
	}
	for _, tt := range tests {
		var s byteSize
		if err := s.Set(tt.in); err != nil {
			t.Errorf("Set(%q) = %v, want nil", tt.in, err)
			continue
		}
		if int64(s) != tt.want || s.String() != tt.str {
			t.Errorf("Set(%q) gives %d, String %q; want %d, %q", tt.in, int64(s), s.String(), tt.want, tt.str)
		}
		var again byteSize
		if err := again.Set(s.String()); err != nil || again != s {
			t.Errorf("Set(%q) after Set(%q) = %d, %v; want %d", s.String(), tt.in, int64(again), err, int64(s))
		}
	}
	for _, bad := range []string{"", "MiB", "-1", "+1", "1.5GiB", "64XB", "64 M", "0x10", "1e6", "8EiB", "9000000TiB", "9223372036854775808"} {
		var s byteSize
		if err := s.Set(bad); err == nil {
			t.Errorf("Set(%q) = nil, %d; want an error", bad, int64(s))
		}
	}
}
