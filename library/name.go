package library

import "strings"

// maxNameLen is the longest valid name, in bytes. With an extension it
// stays well below the 255 bytes most file systems allow.
const maxNameLen = 200

// ValidName reports whether name can be stored: not empty, at most 200
// bytes, only ASCII letters, digits and ".-_=,~%+", not starting with "." or
// "-", and not a reserved Windows device name (CON, PRN, AUX, NUL, COM0 to
// COM9, LPT0 to LPT9, in any case, with or without an extension). Every
// name made by package naming is valid.
func ValidName(name string) bool {
	if name == "" || len(name) > maxNameLen || name[0] == '.' || name[0] == '-' {
		return false
	}
	for i := 0; i < len(name); i++ {
		if !nameByte[name[i]] {
			return false
		}
	}
	return !reservedName(name)
}

// nameByte[b] reports whether b may appear in a name.
var nameByte = func() (t [256]bool) {
	for b := '0'; b <= '9'; b++ {
		t[b] = true
	}
	for b := 'a'; b <= 'z'; b++ {
		t[b] = true
		t[b-'a'+'A'] = true
	}
	for _, b := range ".-_=,~%+" {
		t[b] = true
	}
	return t
}()

// reservedName reports whether name, up to its first dot, is a device name
// that Windows refuses as a file name.
func reservedName(name string) bool {
	base, _, _ := strings.Cut(name, ".")
	switch len(base) {
	case 3:
		for _, r := range [...]string{"CON", "PRN", "AUX", "NUL"} {
			if strings.EqualFold(base, r) {
				return true
			}
		}
	case 4:
		if base[3] >= '0' && base[3] <= '9' {
			p := base[:3]
			return strings.EqualFold(p, "COM") || strings.EqualFold(p, "LPT")
		}
	}
	return false
}
