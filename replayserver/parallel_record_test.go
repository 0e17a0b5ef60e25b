package replayserver_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// Parallel tests recording into one single-file library, each with its
// own server: every recording is kept.
func TestParallelTestsRecordIntoOneFileLibrary(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	up := startUpstream(t)
	path := filepath.Join(t.TempDir(), "api.json")
	t.Run("group", func(t *testing.T) {
		for i := range 6 {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(up.URL))
				do(t, rawClient(), srv.URL, call{"GET", fmt.Sprintf("/json?n=%d", i), ""})
			})
		}
	})
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if names, err := lib.Names(); err != nil || len(names) != 6 {
		t.Errorf("the library holds %d cassettes (%v, %v), want the 6 recorded", len(names), names, err)
	}
}
