package library

import (
	"strings"
	"testing"
)

func TestValidName(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
		why  string
	}{
		{"GET_api.example.com_443_v1_users__page=2,sort=name", true, "a name from package naming"},
		{"POST_api.example.com_443_v1_orders~b1a2b3c4d", true, "hash suffix"},
		{"GET_127.0.0.1_8080_search__q=caf%C3%A9~u0f1e2d3c", true, "escaped query"},
		{"a+b", true, "plus"},
		{"a", true, "one letter"},
		{"_x", true, "leading underscore"},
		{"~x", true, "leading tilde"},
		{strings.Repeat("a", 200), true, "200 bytes"},
		{strings.Repeat("a", 201), false, "too long"},
		{"", false, "empty"},
		{".x", false, "dotfile"},
		{"..", false, "parent"},
		{"-x", false, "looks like a flag"},
		{"a/b", false, "slash"},
		{`a\b`, false, "backslash"},
		{"a:b", false, "colon (Windows drive, macOS)"},
		{"a b", false, "space"},
		{"a*b", false, "star"},
		{"a\x00b", false, "NUL"},
		{"café", false, "not ASCII"},
		{"CON", false, "device"},
		{"con", false, "device, lower case"},
		{"Nul.json", false, "device with an extension"},
		{"aux.tar.gz", false, "device with extensions"},
		{"COM1", false, "serial port"},
		{"lpt9.txt", false, "printer port"},
		{"COM0", false, "serial port 0"},
		{"COM", true, "not a device"},
		{"COM10", true, "not a device"},
		{"CONSOLE", true, "not a device"},
		{"x.CON", true, "device name as an extension is fine"},
	} {
		if got := ValidName(tc.name); got != tc.want {
			t.Errorf("ValidName(%q) = %v, want %v (%s)", tc.name, got, tc.want, tc.why)
		}
	}
}
