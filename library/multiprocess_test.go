package library_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/cassette-go/cassette/library"
)

// saverEnv names the file library a helper process (see
// TestHelperProcessSaver) saves into, and saverID its cassettes.
const (
	saverEnv = "CASSETTE_TEST_SAVER_PATH"
	saverID  = "CASSETTE_TEST_SAVER_ID"
)

// Processes that save one file library at once (go test runs the
// packages of ./... in parallel, and two may record into one shared file)
// each merge what the others saved: no cassette is lost.
func TestSeveralProcessesSavingOneFileLoseNothing(t *testing.T) {
	switch runtime.GOOS {
	case "linux", "darwin", "freebsd", "netbsd", "openbsd", "dragonfly":
	default:
		t.Skip("saves are serialized within the process only where the system has no flock")
	}
	const procs, each = 4, savedEach
	for _, name := range []string{"api.json", "api.yaml"} {
		path := filepath.Join(t.TempDir(), name)
		save(t, slices.Repeat([]string{path}, procs)...)
		lib, err := library.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		names, err := lib.Names()
		if err != nil {
			t.Fatal(err)
		}
		if len(names) != procs*each {
			t.Errorf("%s: %d processes saved %d cassettes each; the file holds %d", name, procs, each, len(names))
		}
	}
}

// Processes that save one shared file through symbolic links (one in each
// package's testdata) take turns too: the lock is where the file is.
func TestSeveralProcessesSavingOneFileThroughLinksLoseNothing(t *testing.T) {
	switch runtime.GOOS {
	case "linux", "darwin", "freebsd", "netbsd", "openbsd", "dragonfly":
	default:
		t.Skip("saves are serialized within the process only where the system has no flock")
	}
	const procs = 4
	root := t.TempDir()
	shared := filepath.Join(root, "shared", "api.json")
	seed, err := library.Open(shared)
	if err != nil {
		t.Fatal(err)
	}
	if err := seed.Append("GET_api.example.com_443_seed", library.Exchange{
		Request:  library.Request{Method: "GET", URL: "https://api.example.com/seed"},
		Response: library.Response{StatusCode: 200},
	}); err != nil {
		t.Fatal(err)
	}
	if err := seed.Save(); err != nil {
		t.Fatal(err)
	}
	links := make([]string, procs)
	for i := range links {
		links[i] = filepath.Join(root, fmt.Sprintf("pkg%d", i), "testdata", "api.json")
		if err := os.MkdirAll(filepath.Dir(links[i]), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Join("..", "..", "shared", "api.json"), links[i]); err != nil {
			t.Fatal(err)
		}
	}
	save(t, links...)
	lib, err := library.Open(shared)
	if err != nil {
		t.Fatal(err)
	}
	names, err := lib.Names()
	if err != nil {
		t.Fatal(err)
	}
	if want := procs*savedEach + 1; len(names) != want {
		t.Errorf("%d processes saved %d cassettes each through links, to a file of one; it holds %d, want %d", procs, savedEach, len(names), want)
	}
	for _, link := range links {
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("the link %s was replaced (%v)", link, err)
		}
	}
}

// savedEach is the number of cassettes each process of save saves.
const savedEach = 15

// save runs a process that saves savedEach cassettes into each of paths,
// all at once, and waits for them (see TestHelperProcessSaver).
func save(t *testing.T, paths ...string) {
	t.Helper()
	cmds := make([]*exec.Cmd, len(paths))
	for i, path := range paths {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcessSaver$", "-test.count=1")
		cmd.Env = append(os.Environ(), saverEnv+"="+path, fmt.Sprintf("%s=%d", saverID, i))
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds[i] = cmd
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("a saving process failed: %v", err)
		}
	}
}

// TestHelperProcessSaver is one process of
// TestSeveralProcessesSavingOneFileLoseNothing: it adds its cassettes to
// the file library one at a time, saving after each.
func TestHelperProcessSaver(t *testing.T) {
	path := os.Getenv(saverEnv)
	if path == "" {
		t.Skip("a helper process of TestSeveralProcessesSavingOneFileLoseNothing")
	}
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range savedEach {
		name := fmt.Sprintf("GET_api.example.com_443_p%s_%d", os.Getenv(saverID), i)
		if err := lib.Append(name, library.Exchange{
			Request:  library.Request{Method: "GET", URL: "https://api.example.com/p"},
			Response: library.Response{StatusCode: 200, Body: []byte(name)},
		}); err != nil {
			t.Fatal(err)
		}
		if err := lib.Save(); err != nil {
			t.Fatal(err)
		}
	}
}
