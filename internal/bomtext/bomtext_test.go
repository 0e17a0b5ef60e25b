package bomtext

import "testing"

func TestUTF8(t *testing.T) {
	for _, tt := range []struct {
		why        string
		data, want string
	}{
		{"plain UTF-8", "GET_a.json\né\n", "GET_a.json\né\n"},
		{"UTF-8 with a byte order mark", "\ufeffGET_a.json\n", "GET_a.json\n"},
		{"UTF-16 little-endian", "\xff\xfeG\x00E\x00T\x00\xe9\x00\n\x00", "GETé\n"},
		{"UTF-16 big-endian", "\xfe\xff\x00G\x00E\x00T\x00\xe9\x00\n", "GETé\n"},
		{"UTF-16 with an odd last byte", "\xff\xfeG\x00E", "G"},
		{"empty", "", ""},
	} {
		if got := string(UTF8([]byte(tt.data))); got != tt.want {
			t.Errorf("%s: UTF8(%q) = %q, want %q", tt.why, tt.data, got, tt.want)
		}
	}
}
