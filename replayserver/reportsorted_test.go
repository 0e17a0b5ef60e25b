package replayserver_test

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// The unused report's lines are sorted, as documented, also where sorted
// names do not give sorted file names (/v1/item and /v1/item-list:
// GET_..._item-list.json comes before GET_..._item.json).
func TestReportUnusedLinesAreSorted(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/v1/item", "/v1/item-list", "/v1/item+x", "/v1/other")
	ft := newFakeTB(t)
	var b bytes.Buffer
	ft.do(func() {
		srv := replayserver.New(ft, path)
		srv.ReportUnused(&b)
	})
	ft.finish()
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 4 || !slices.IsSorted(lines) {
		t.Errorf("ReportUnused lines are not sorted:\n%s", b.String())
	}
	var all bytes.Buffer
	if err := replayserver.ReportUnusedIn(path, &all); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSuffix(all.String(), "\n"), "\n"); len(lines) != 4 || !slices.IsSorted(lines) {
		t.Errorf("ReportUnusedIn lines are not sorted:\n%s", all.String())
	}
}
