package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestConvertRoundTrip(t *testing.T) {
	src := writeSample(t, "start.json")
	want := loadAll(t, src)
	if len(want) != 5 {
		t.Fatalf("sample library has %d cassettes, want 5", len(want))
	}
	dir := t.TempDir()
	steps := []struct {
		dst    string
		format string
		file   string // a file the step must write
	}{
		{filepath.Join(dir, "yamldir"), "yaml", nameOf(sampleExchanges(t)[0]) + ".yaml"},
		{filepath.Join(dir, "one.yaml"), "", ""},
		{filepath.Join(dir, "jsondir"), "json", nameOf(sampleExchanges(t)[0]) + ".json"},
		{filepath.Join(dir, "end.json"), "", ""},
	}
	from := src
	for _, s := range steps {
		args := []string{"convert", from, s.dst}
		if s.format != "" {
			args = []string{"convert", "-format", s.format, from, s.dst}
		}
		code, stdout, stderr := runSync(t, args...)
		if code != exitOK || stderr != "" {
			t.Fatalf("run(%q) = %d, stderr %q; want 0 and none", args, code, stderr)
		}
		if !strings.Contains(stdout, "converted 5 cassette(s)") {
			t.Errorf("run(%q) stdout = %q, want a count of 5 cassettes", args, stdout)
		}
		if s.file != "" {
			if _, err := os.Stat(filepath.Join(s.dst, s.file)); err != nil {
				t.Errorf("run(%q) did not write %s: %v", args, s.file, err)
			}
		}
		if diff := cmp.Diff(want, loadAll(t, s.dst)); diff != "" {
			t.Fatalf("cassettes of %s differ from %s (-want +got):\n%s", s.dst, src, diff)
		}
		from = s.dst
	}
	a, _ := os.ReadFile(src)
	b, _ := os.ReadFile(from)
	if !bytes.Equal(a, b) {
		t.Errorf("%s after the round trip differs from %s byte for byte", from, src)
	}
}

func TestConvertRefusesToOverwrite(t *testing.T) {
	src := writeSample(t, "api.json")
	other := writeSample(t, "other")
	before := loadAll(t, other)

	code, _, stderr := runSync(t, "convert", src, other)
	if code != exitError || !strings.Contains(stderr, "-force") {
		t.Fatalf("convert onto a library = %d, stderr %q; want 1 and a hint at -force", code, stderr)
	}
	if diff := cmp.Diff(before, loadAll(t, other)); diff != "" {
		t.Fatalf("refused convert changed %s:\n%s", other, diff)
	}

	// With -force DST holds exactly SRC's cassettes.
	writeExchanges(t, other, exchange("GET", "https://elsewhere.example.com/", "", 200, "text/plain", []byte("x"), fixedNow))
	if code, _, stderr := runSync(t, "convert", "-force", src, other); code != exitOK {
		t.Fatalf("convert -force = %d, stderr %q", code, stderr)
	}
	if diff := cmp.Diff(loadAll(t, src), loadAll(t, other)); diff != "" {
		t.Errorf("after convert -force, %s differs from %s (-src +dst):\n%s", other, src, diff)
	}

	// -force into a folder that holds other files: refused, nothing
	// written; it used to write the cassettes beside them, a library
	// that no longer opened.
	mixed := filepath.Join(t.TempDir(), "mixed")
	if err := os.MkdirAll(filepath.Join(mixed, "important"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mixed, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runSync(t, "convert", "-force", src, mixed)
	if code != exitError || !strings.Contains(stderr, "important/, notes.txt") || !strings.Contains(stderr, "holds nothing else") {
		t.Errorf("convert -force into a folder with other files = %d, stderr %q; want 1 naming them", code, stderr)
	}
	if ents, _ := os.ReadDir(mixed); len(ents) != 2 {
		t.Errorf("refused convert -force left %d entries in the folder, want its 2", len(ents))
	}

	// Two files of one cassette are the library's own: -force replaces
	// them both.
	twice := filepath.Join(t.TempDir(), "twice")
	for _, f := range []string{"GET_z.json", "GET_z.yaml", ".notes"} {
		if err := os.MkdirAll(twice, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(twice, f), []byte(`{"version": 1, "exchanges": []}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if code, _, stderr := runSync(t, "convert", "-force", src, twice); code != exitOK {
		t.Errorf("convert -force into a folder with two files of one cassette = %d, stderr %q; want it replaced", code, stderr)
	}
	if diff := cmp.Diff(loadAll(t, src), loadAll(t, twice)); diff != "" {
		t.Errorf("after convert -force, %s differs from %s (-src +dst):\n%s", twice, src, diff)
	}

	// An empty directory is not overwriting anything.
	empty := t.TempDir()
	if code, _, stderr := runSync(t, "convert", src, empty); code != exitOK {
		t.Errorf("convert into an empty folder = %d, stderr %q", code, stderr)
	}
}

func TestConvertUsage(t *testing.T) {
	src := writeSample(t, "api.json")
	tests := []struct {
		why  string
		args []string
		want string
	}{
		{"one path", []string{"convert", src}, "cassette convert: want SRC and DST (see cassette convert -h)"},
		{"unknown format", []string{"convert", "-format", "xml", src, "out"}, `cassette convert: unknown -format "xml": want json or yaml (see cassette convert -h)`},
		{"format against the extension", []string{"convert", "-format", "yaml", src, "out.json"},
			"cassette convert: -format yaml does not fit out.json: the extension of a file library gives its format (see cassette convert -h)"},
		{"same library", []string{"convert", src, src}, "cassette convert: SRC and DST are the same library " + src + " (see cassette convert -h)"},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			code, stdout, stderr := runSync(t, tt.args...)
			if code != exitUsage || stderr != tt.want+"\n" || stdout != "" {
				t.Errorf("run(%q) = %d, stdout %q, stderr %q; want 2 and the line %q", tt.args, code, stdout, stderr, tt.want)
			}
		})
	}
}

// setTerminal makes the commands see stderr as a terminal, or not, for the
// test.
func setTerminal(t *testing.T, on bool) {
	t.Helper()
	old := isTerminal
	isTerminal = func(io.Writer) bool { return on }
	t.Cleanup(func() { isTerminal = old })
}

func TestConvertProgress(t *testing.T) {
	src := writeSample(t, "api")
	for _, term := range []bool{false, true} {
		setTerminal(t, term)
		var out, errOut bytes.Buffer
		dst := filepath.Join(t.TempDir(), "out.yaml")
		if code := run(context.Background(), []string{"convert", src, dst}, &out, &errOut); code != exitOK {
			t.Fatalf("convert = %d, stderr %q", code, errOut.String())
		}
		got := errOut.String()
		if !term && got != "" {
			t.Errorf("convert with stderr not a terminal wrote %q, want nothing", got)
		}
		if term && (!strings.Contains(got, "\rconverting 5/5") || !strings.HasSuffix(got, "\n")) {
			t.Errorf("convert with stderr a terminal wrote %q, want a progress line ending in \\rconverting 5/5", got)
		}
		if strings.Contains(out.String(), "\r") {
			t.Errorf("progress went to stdout: %q", out.String())
		}
	}
}

// A file placed by hand in the body folder of a directory DST (for a
// hand-written body_file), which the library never removes, is not lost
// to a folder built beside DST to replace it (d6de84b): convert -force
// refuses such a DST, as it refuses one holding other files, and an
// import into a folder without cassettes but with such a body folder adds
// to it. Before, both replaced the body folder whole, the file with it.
func TestConvertAndImportKeepABodyFilePlacedByHand(t *testing.T) {
	src := writeSample(t, "api.json")
	har := filepath.Join(t.TempDir(), "api.har")
	if code, _, stderr := runSync(t, "export", "-to", "har", src, har); code != exitOK {
		t.Fatalf("export = %d, stderr %q", code, stderr)
	}
	placed := func(t *testing.T, lib string) string {
		t.Helper()
		p := filepath.Join(lib, "bodies", "report.pdf")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("%PDF by hand"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}

	t.Run("convert -force is refused", func(t *testing.T) {
		dst := writeSample(t, "dst")
		p := placed(t, dst)
		code, _, stderr := runSync(t, "convert", "-force", src, dst)
		if code != exitError || !strings.Contains(stderr, "bodies/report.pdf") {
			t.Errorf("convert -force into a library with a body file placed by hand = %d, stderr %q; want 1 naming it", code, stderr)
		}
		if b, err := os.ReadFile(p); string(b) != "%PDF by hand" {
			t.Errorf("after convert -force, %s = %q, %v; want it kept", p, b, err)
		}
	})

	t.Run("import adds to the folder", func(t *testing.T) {
		dst := filepath.Join(t.TempDir(), "dst")
		p := placed(t, dst)
		if code, _, stderr := runSync(t, "import", "-from", "har", har, dst); code != exitOK {
			t.Fatalf("import into a folder with a body file placed by hand = %d, stderr %q", code, stderr)
		}
		if b, err := os.ReadFile(p); string(b) != "%PDF by hand" {
			t.Errorf("after import, %s = %q, %v; want it kept", p, b, err)
		}
		if got, want := len(loadAll(t, dst)), len(loadAll(t, src)); got != want {
			t.Errorf("after import, %s holds %d cassettes, want %d", dst, got, want)
		}
	})
}
