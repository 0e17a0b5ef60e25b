package replayserver

import (
	"flag"
	"testing"
)

// A filter of the subtests of other tests leaves none of this test's out:
// go test -skip TestFlaky/slow ./... (a CI skipping one flaky case) must
// not turn Strict off for every other test; nor must -run 'TestAPI|TestB/x'
// for TestAPI, all of whose subtests it runs.
func TestFiltersBelowIgnoresFiltersOfOtherTests(t *testing.T) {
	for _, tc := range []struct {
		args []string
		name string
		want string
	}{
		{[]string{"-test.skip", "TestFlaky/slow"}, "TestAPI", ""},
		{[]string{"-test.skip", "TestFlaky/slow"}, "TestFlaky", `-skip "TestFlaky/slow"`},
		{[]string{"-test.skip", "^TestAPI$/slow"}, "TestAPIv2", ""},
		{[]string{"-test.run", "TestAPI|TestB/x"}, "TestAPI", ""},
		{[]string{"-test.run", "TestAPI|TestB/x"}, "TestB", `-run "TestAPI|TestB/x"`},
		{[]string{"-test.run", "TestAPI/create|TestB"}, "TestAPI", `-run "TestAPI/create|TestB"`},
		{[]string{"-test.run", "TestAPI/x/y"}, "TestAPI/x", `-run "TestAPI/x/y"`},
		{[]string{"-test.run", "TestAPI/x/y"}, "TestAPI/x#01", `-run "TestAPI/x/y"`}, // x matches x#01
		{[]string{"-test.skip", "TestAPI/other/y"}, "TestAPI/x", ""},
	} {
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.String("test.run", "", "")
		fs.String("test.skip", "", "")
		fs.String("test.bench", "", "")
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		if got := filtersBelowBy(fs.Lookup, tc.name, false); got != tc.want {
			t.Errorf("filtersBelowBy(%q, %q) = %q, want %q", tc.args, tc.name, got, tc.want)
		}
	}
}
