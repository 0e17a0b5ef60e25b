package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// snapshot returns the content of every file under root (root itself if
// it is a file), by path relative to root.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		files[rel] = string(b)
		return nil
	})
	if err != nil {
		t.Fatalf("snapshot of %s: %v", root, err)
	}
	return files
}

func TestInside(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "lib")
	if err := os.Mkdir(lib, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(lib, filepath.Join(dir, "alias")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	file := filepath.Join(dir, "lib.json")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		why       string
		path, dir string
		want      bool
	}{
		{"the directory itself", lib, lib, true},
		{"a new file in it", filepath.Join(lib, "x.yaml"), lib, true},
		{"a new folder deep in it", filepath.Join(lib, "a", "b"), lib, true},
		{"a path that goes out and back in", filepath.Join(dir, "other", "..", "lib", "x"), lib, true},
		{"through a link to it", filepath.Join(dir, "alias", "x"), lib, true},
		{"into a link to it", filepath.Join(lib, "x"), filepath.Join(dir, "alias"), true},
		{"a sibling with the same prefix", filepath.Join(dir, "lib2", "x"), lib, false},
		{"its parent", dir, lib, false},
		{"dir is a file", filepath.Join(file, "x"), file, false},
		{"dir does not exist", filepath.Join(dir, "none", "x"), filepath.Join(dir, "none"), false},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			if got := inside(tt.path, tt.dir); got != tt.want {
				t.Errorf("inside(%s, %s) = %v, want %v", tt.path, tt.dir, got, tt.want)
			}
		})
	}
	rel := func(p string) string {
		t.Helper()
		r, err := filepath.Rel(mustGetwd(t), p)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if !inside(rel(filepath.Join(lib, "x")), lib) {
		t.Errorf("inside(%s, %s) = false for a relative path into it, want true", rel(filepath.Join(lib, "x")), lib)
	}
}

func mustGetwd(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}

// TestWritersRefuseDSTInsideSRC runs the commands that read SRC and write
// DST with a DST that would change SRC: each must refuse with status 2
// before writing anything, where they used to write into a directory
// library, leaving it unreadable, or overwrite their source.
func TestWritersRefuseDSTInsideSRC(t *testing.T) {
	tests := []struct {
		why  string
		src  string   // the library or file to create, relative to a temporary folder
		args []string // "SRC" and "DST/..." stand for the paths
		dst  string   // relative to the temporary folder
		want string   // in the one line on stderr
	}{
		{"convert to a directory in the directory library", "lib",
			[]string{"convert"}, "lib/nested", "DST %[2]s is inside the directory library SRC %[1]s"},
		{"convert to a file in the directory library", "lib",
			[]string{"convert"}, "lib/x.yaml", "DST %[2]s is inside the directory library SRC %[1]s"},
		{"convert -force to a file in the directory library", "lib",
			[]string{"convert", "-force"}, "lib/x.json", "DST %[2]s is inside the directory library SRC %[1]s"},
		{"convert through a path that leaves and comes back", "lib",
			[]string{"convert"}, "out/../lib/deep/er", "DST %[2]s is inside the directory library SRC %[1]s"},
		{"convert -force of a file library into the directory holding it", "dir/lib.json",
			[]string{"convert", "-force"}, "dir", "SRC %[1]s is inside the directory DST %[2]s"},
		{"export into the directory library", "lib",
			[]string{"export", "-to", "har"}, "lib/api.har", "DST %[2]s is inside the directory library SRC %[1]s"},
		{"export -force into the directory library", "lib",
			[]string{"export", "-to", "har", "-force"}, "lib/api.har", "DST %[2]s is inside the directory library SRC %[1]s"},
		{"export -force over its file library", "lib.json",
			[]string{"export", "-to", "har", "-force"}, "lib.json", "SRC and DST are both %[1]s"},
		{"import into a YAML library in the directory it reads", "vcr",
			[]string{"import", "-from", "go-vcr", "-format", "yaml"}, "vcr/lib", "DST %[2]s is inside the directory SRC %[1]s, and import would read its .yaml files as go-vcr files"},
		{"import into a YAML file in the directory it reads", "vcr",
			[]string{"import", "-from", "go-vcr"}, "vcr/lib.yml", "DST %[2]s is inside the directory SRC %[1]s, and import would read its .yml files as go-vcr files"},
		{"import into the directory it reads", "vcr",
			[]string{"import", "-from", "go-vcr"}, "vcr", "SRC and DST are both %[1]s"},
		{"import into the file it reads", "vcr.yaml",
			[]string{"import", "-from", "go-vcr"}, "vcr.yaml", "SRC and DST are both %[1]s"},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			dir := t.TempDir()
			src := filepath.Join(dir, filepath.FromSlash(tt.src))
			if err := os.MkdirAll(filepath.Dir(src), 0o755); err != nil {
				t.Fatal(err)
			}
			switch {
			case strings.HasPrefix(tt.src, "vcr"):
				data, err := os.ReadFile(govcrSample)
				if err != nil {
					t.Fatal(err)
				}
				f := src
				if filepath.Ext(src) == "" {
					os.Mkdir(src, 0o755)
					f = filepath.Join(src, "fixture.yaml")
				}
				if err := os.WriteFile(f, data, 0o644); err != nil {
					t.Fatal(err)
				}
			default:
				writeExchanges(t, src, sampleExchanges(t)...)
			}
			dst := dir + string(filepath.Separator) + filepath.FromSlash(tt.dst) // not cleaned
			root := filepath.Join(dir, strings.Split(tt.src, "/")[0])
			before := snapshot(t, root)

			args := append(append([]string(nil), tt.args...), src, dst)
			code, stdout, stderr := runSync(t, args...)
			want := fmt.Sprintf(tt.want, src, dst)
			if code != exitUsage || stdout != "" || !strings.Contains(stderr, want) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("run(%q) = %d, stdout %q, stderr %q; want 2 and one line saying %q", args, code, stdout, stderr, want)
			}
			if diff := cmp.Diff(before, snapshot(t, root)); diff != "" {
				t.Errorf("run(%q) changed %s (-before +after):\n%s", args, root, diff)
			}
		})
	}
}

// TestCommandsSayAFileIsNotALibrary gives each command that reads or
// writes a library a plain file whose path has no library extension, or a
// directory whose path has one: the error must say which it is and what
// path a library of that kind has, where it used to say "no cassette
// library there" (or, for record, record and then fail to save).
func TestCommandsSayAFileIsNotALibrary(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	dir := t.TempDir()
	file := filepath.Join(dir, "afile")
	if err := os.WriteFile(file, []byte("not a library\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(dir, "folder.json")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "unused.txt")
	if err := os.WriteFile(report, []byte("x.json\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	lib := writeSample(t, "lib")
	const (
		isFile = "afile is a file, not a cassette library: a file library's path ends in .json, .yaml or .yml"
		isDir  = "folder.json is a directory, not a file library: a directory library's path does not end in .json, .yaml or .yml"
	)
	tests := []struct {
		why  string
		args []string
		want string
	}{
		{"ls of a file", []string{"ls", file}, isFile},
		{"ls of a directory", []string{"ls", folder}, isDir},
		{"show from a file", []string{"show", file, "x"}, isFile},
		{"prune of a file", []string{"prune", "-unused", report, file}, isFile},
		{"export of a file", []string{"export", "-to", "har", file, "-"}, isFile},
		{"drift of a file", []string{"drift", "-upstream", "http://127.0.0.1:1", file}, isFile},
		{"convert from a file", []string{"convert", file, filepath.Join(dir, "out.json")}, isFile},
		{"convert to a file", []string{"convert", lib, file}, isFile},
		{"convert to a directory", []string{"convert", lib, folder}, isDir},
		{"import into a file", []string{"import", "-from", "har", chromiumHAR, file}, isFile},
		{"record into a file", []string{"record", "-upstream", "http://127.0.0.1:1", file}, isFile},
		{"serve a file", []string{"serve", file}, isFile},
		{"serve -mode record into a file", []string{"serve", "-mode", "record", "-upstream", "http://127.0.0.1:1", file}, isFile},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			// A server that does start stops at once, and the test fails.
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			var stdout, stderr bytes.Buffer
			code := run(ctx, tt.args, &stdout, &stderr)
			if code != exitError || !strings.Contains(stderr.String(), tt.want) || strings.Count(stderr.String(), "\n") != 1 {
				t.Errorf("run(%q) = %d, stderr %q; want 1 and one line saying %q", tt.args, code, stderr.String(), tt.want)
			}
		})
	}
	if b, err := os.ReadFile(file); err != nil || string(b) != "not a library\n" {
		t.Errorf("the commands changed %s: %q, %v", file, b, err)
	}
}

// The line of the rules in force joined names with commas as they were:
// an ignored query key "a,b" showed as two keys, and
// {"formWithout": ["x,y"]} as form-without:x,y, two fields. A name that
// would not read back as one name is quoted as Go quotes a string.
func TestRulesLineQuotesNamesThatWouldNotReadBack(t *testing.T) {
	file := writeRules(t, `{
  "headers": ["X-Tenant"],
  "ignoreQuery": ["_", "a,b", "c;d", "e f", "g\"h", "i\u0001j", "k=l", "m:n", "é"],
  "bodies": {"application/json": {"jsonWithout": ["/id", "a,b", " c"]}, "application/x-www-form-urlencoded": {"formWithout": ["nonce", "x,y"]}}
}`)
	got, err := readRulesFile(file)
	if err != nil {
		t.Fatalf("readRulesFile: %v", err)
	}
	const line = `headers X-Tenant; ignoreQuery _, "a,b", "c;d", "e f", "g\"h", "i\x01j", k=l, m:n, é; ` +
		`bodies application/json=json-without:/id,"a,b"," c", application/x-www-form-urlencoded=form-without:nonce,"x,y"`
	if s := got.String(); s != line {
		t.Errorf("the rules read, on one line:\n%s\nwant\n%s", s, line)
	}
}
