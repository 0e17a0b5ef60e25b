package replayserver

import "testing"

// TestInCI: the CI variable counts as set unless empty, "false" in any
// case, or "0", as the README says; CI services set "true" or "1".
func TestInCI(t *testing.T) {
	for v, want := range map[string]bool{
		"":           false,
		"false":      false,
		"FALSE":      false,
		"False":      false,
		" false ":    false,
		"0":          false,
		"true":       true,
		"TRUE":       true,
		"1":          true,
		"yes":        true,
		"woodpecker": true,
	} {
		t.Setenv(EnvCI, v)
		if got := inCI(); got != want {
			t.Errorf("CI=%q: inCI() = %v, want %v", v, got, want)
		}
	}
}
