package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportRefusesADSTThatIsNoFileToWrite: a DST that is a folder, even
// empty, or in a folder that does not exist, is a usage error saying so,
// before the library is read; the error used to name the temporary file
// whose rename or creation failed ("rename .cassette-*.tmp out: file
// exists").
func TestExportRefusesADSTThatIsNoFileToWrite(t *testing.T) {
	src := writeSample(t, "api")
	tmp := t.TempDir()
	folder := filepath.Join(tmp, "out")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	full := filepath.Join(tmp, "full")
	if err := os.Mkdir(full, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(full, "a.txt"), []byte("a"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(tmp, "nowhere", "api.har")
	tests := []struct {
		why  string
		args []string
		want string // in the one line of stderr
	}{
		{"an empty folder", []string{folder}, "DST " + folder + ": is a folder; give a file to write"},
		{"a folder with -force", []string{"-force", full}, "DST " + full + ": is a folder; give a file to write"},
		{"a file in a folder that does not exist", []string{missing},
			"folder " + filepath.Dir(missing) + " does not exist; create it, or give a file in a folder that does"},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			args := append([]string{"export", "-to", "har", src}, tt.args...)
			code, stdout, stderr := runSync(t, args...)
			if code != exitUsage || stdout != "" || strings.Count(stderr, "\n") != 1 ||
				!strings.Contains(stderr, tt.want) || strings.Contains(stderr, ".tmp") {
				t.Errorf("run(%q) = %d, stdout %q, stderr %q; want 2 and one line saying %q", args, code, stdout, stderr, tt.want)
			}
		})
	}
	if ents, _ := os.ReadDir(folder); len(ents) != 0 {
		t.Errorf("export left %d file(s) in %s", len(ents), folder)
	}
	if ents, _ := os.ReadDir(tmp); len(ents) != 2 {
		t.Errorf("export left files beside the folders: %v", ents)
	}
}
