package replayserver_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// A directory library made on Linux may hold cassettes whose names differ
// only in case; a clone on macOS or Windows keeps one file of them, and
// replays differently. The server still serves them, and logs a warning
// naming them when it starts.
func TestCassettesDifferingOnlyInCaseAreWarnedOf(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/v1/users")
	entries, err := os.ReadDir(path)
	if err != nil {
		t.Fatal(err)
	}
	var file string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".json") || strings.HasSuffix(e.Name(), ".yaml") {
			file = e.Name()
		}
	}
	if file == "" {
		t.Fatalf("no cassette file in %s", path)
	}
	twin := strings.Replace(file, "users", "Users", 1)
	b, err := os.ReadFile(filepath.Join(path, file))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(path, twin), b, 0o644); err != nil {
		t.Fatal(err)
	}
	if now, _ := os.ReadDir(path); len(now) == len(entries) {
		t.Skip("this file system takes names differing only in case for one file (as macOS's and Windows's do): no twins here")
	}
	var logs logBook
	replayserver.New(t, path, logs.option())
	got := logs.String()
	if !strings.Contains(got, "differ only in case") || !strings.Contains(got, strings.TrimSuffix(twin, filepath.Ext(twin))) {
		t.Errorf("log = %q; want a warning naming the cassettes that differ only in case", got)
	}
	var quiet logBook
	replayserver.New(t, writeLibrary(t, filepath.Join(t.TempDir(), "clean"), "api.example.com", "/v1/users"), quiet.option())
	if strings.Contains(quiet.String(), "differ only in case") {
		t.Errorf("a library without such names logged %q", quiet.String())
	}
}
