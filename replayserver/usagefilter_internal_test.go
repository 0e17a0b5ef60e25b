package replayserver

import (
	"flag"
	"testing"
)

// A run that left tests out is told apart by its -run and -skip flags.
func TestFilteredNamesTheFlagsThatLeftTestsOut(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, ""},
		{[]string{"-test.run", "TestUsers"}, `-run "TestUsers"`},
		{[]string{"-test.skip", "Slow"}, `-skip "Slow"`},
		{[]string{"-test.run", "A|B", "-test.skip", "B"}, `-run "A|B" -skip "B"`},
		{[]string{"-test.count", "3"}, ""},
	} {
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.String("test.run", "", "")
		fs.String("test.skip", "", "")
		fs.Int("test.count", 1, "")
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		if got := filteredBy(fs.Lookup); got != tc.want {
			t.Errorf("filteredBy(%q) = %q, want %q", tc.args, got, tc.want)
		}
	}
	// A program that is no test has no such flags.
	if got := filteredBy(flag.NewFlagSet("cmd", flag.ContinueOnError).Lookup); got != "" {
		t.Errorf("filteredBy without test flags = %q, want none", got)
	}
}
