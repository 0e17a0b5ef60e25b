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

// Strict mode is told which runs may have left out subtests of a test.
func TestFiltersBelowNamesTheFlagsThatLeftSubtestsOut(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		name  string
		bench bool
		want  string
	}{
		{nil, "TestAPI", false, ""},
		{[]string{"-test.run", "TestAPI"}, "TestAPI", false, ""},
		{[]string{"-test.run", "TestAPI/create"}, "TestAPI", false, `-run "TestAPI/create"`},
		{[]string{"-test.run", "TestAPI/create"}, "TestAPI/create", false, ""},
		{[]string{"-test.run", "^TestAPI$/^create$/x"}, "TestAPI/create", false, `-run "^TestAPI$/^create$/x"`},
		{[]string{"-test.run", "TestOther|TestAPI/create"}, "TestAPI", false, `-run "TestOther|TestAPI/create"`},
		{[]string{"-test.run", "TestAPI/create|TestOther"}, "TestAPI", false, `-run "TestAPI/create|TestOther"`},
		{[]string{"-test.run", "TestAPI/[a/b]"}, "TestAPI", false, `-run "TestAPI/[a/b]"`},
		{[]string{"-test.run", "Test(API/x)"}, "TestAPI", false, ""}, // one level: the slash is in parentheses
		{[]string{"-test.run", "TestAPI[/]"}, "TestAPI", false, ""},
		{[]string{"-test.skip", "Slow"}, "TestAPI", false, ""},
		{[]string{"-test.skip", "TestAPI/slow"}, "TestAPI", false, `-skip "TestAPI/slow"`},
		{[]string{"-test.run", "^$", "-test.bench", "BenchmarkAPI/get"}, "BenchmarkAPI", true, `-bench "BenchmarkAPI/get"`},
		{[]string{"-test.run", "TestAPI/create", "-test.bench", "."}, "BenchmarkAPI", true, ""},
		{[]string{"-test.bench", "BenchmarkAPI/get"}, "TestAPI", false, ""},
	} {
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.String("test.run", "", "")
		fs.String("test.skip", "", "")
		fs.String("test.bench", "", "")
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		if got := filtersBelowBy(fs.Lookup, tc.name, tc.bench); got != tc.want {
			t.Errorf("filtersBelowBy(%q, %q, %v) = %q, want %q", tc.args, tc.name, tc.bench, got, tc.want)
		}
	}
}
