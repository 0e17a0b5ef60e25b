package cienv

import "testing"

func TestOn(t *testing.T) {
	for _, c := range []struct {
		v    string
		want bool
		why  string
	}{
		{"", false, "unset or empty is off"},
		{"   ", false, "only spaces is empty"},
		{"false", false, "false turns it off"},
		{"FALSE", false, "in any case"},
		{"False", false, "in any case"},
		{" false ", false, "spaces around aside"},
		{"0", false, "0 turns it off"},
		{" 0\t", false, "spaces around aside"},
		{"true", true, "what most CI services set"},
		{"TRUE", true, "in any case"},
		{"1", true, "what some CI services set"},
		{"yes", true, "anything else is on"},
		{"no", true, "only false and 0 are off"},
		{"00", true, "only 0 itself is off"},
		{"woodpecker", true, "a service's own value"},
	} {
		t.Setenv(Name, c.v)
		if got := On(); got != c.want {
			t.Errorf("CI=%q: On() = %v, want %v (%s)", c.v, got, c.want, c.why)
		}
	}
}
