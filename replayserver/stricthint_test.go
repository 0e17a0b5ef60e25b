package replayserver_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// The failure of strict mode says how to delete the unused cassettes: xargs
// rm on the report prunes a directory library, whose lines are files, but
// not a single-file library, whose lines are cassette names no file bears.
func TestStrictHintFitsTheLibrary(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	for _, tc := range []struct {
		lib       string
		xargsHint bool
	}{
		{"api", true},
		{"api.json", false},
		{"api.yaml", false},
	} {
		t.Run(tc.lib, func(t *testing.T) {
			path := writeLibrary(t, filepath.Join(t.TempDir(), tc.lib), "api.example.com", "/v1/unused")
			ft := newFakeTB(t)
			ft.do(func() { replayserver.New(ft, path, replayserver.Strict()) })
			ft.finish()
			errs := ft.errors()
			if !strings.Contains(errs, "strict mode: 1 cassette(s)") || !strings.Contains(errs, "cassette prune") {
				t.Fatalf("strict mode failed with:\n%s\nwant the unused cassette and cassette prune named", errs)
			}
			if got := strings.Contains(errs, "xargs rm on"); got != tc.xargsHint {
				t.Errorf("strict mode failed with:\n%s\nsuggesting xargs rm on the report: %v, want %v", errs, got, tc.xargsHint)
			}
		})
	}
}
