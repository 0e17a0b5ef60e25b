package replayserver_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cassette-go/cassette/internal/brokenoff"
	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// Rerecording a directory library replaces it whole, in one step: the
// new folder takes the old one's place, keeping the files that are not
// the library's (the dot files a directory library may hold beside its
// cassettes: a .gitkeep, a .notes folder) and its permissions, and
// nothing is left beside it.
func TestRerecordReplacesADirectoryLibraryInOneStep(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	up := startUpstream(t)
	parent := t.TempDir()
	path := writeLibrary(t, filepath.Join(parent, "api"), "api.example.com", "/gone")
	for name, body := range map[string]string{".gitkeep": "", ".notes/why.txt": "because\n"} {
		p := filepath.Join(path, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(path, 0o750); err != nil {
		t.Fatal(err)
	}
	ft := newFakeTB(t)
	ft.do(func() {
		srv := replayserver.New(ft, path, replayserver.WithMode(replayserver.ModeRerecord), replayserver.Upstream(up.URL))
		do(t, rawClient(), srv.URL, call{"GET", "/json", ""})
	})
	ft.finish()
	if ft.Failed() {
		t.Fatalf("rerecord failed: %s", ft.errors())
	}
	var files []string
	filepath.WalkDir(path, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(path, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(files)
	if len(files) != 3 || files[0] != ".gitkeep" || files[1] != ".notes/why.txt" || !strings.HasSuffix(files[2], "_json.json") {
		t.Errorf("after rerecord the folder holds %q; want .gitkeep, .notes/why.txt and the /json cassette", files)
	}
	if b, _ := os.ReadFile(filepath.Join(path, ".notes/why.txt")); string(b) != "because\n" {
		t.Errorf(".notes/why.txt = %q", b)
	}
	// Windows keeps no permission bits but read-only.
	if fi, err := os.Stat(path); err != nil {
		t.Error(err)
	} else if fi.Mode().Perm() != 0o750 && runtime.GOOS != "windows" {
		t.Errorf("the library folder's mode is %v, want 0750 as before", fi.Mode().Perm())
	}
	left, _ := os.ReadDir(parent)
	if len(left) != 1 || left[0].Name() != "api" {
		var names []string
		for _, e := range left {
			names = append(names, e.Name())
		}
		t.Errorf("beside the library: %q; want only the library", names)
	}
}

// Where the old library has something the new one cannot simply write
// over (here a folder in place of a cassette file that rerecording drops),
// the old way of replacing file by file failed half-way; the new folder
// takes its place whole.
func TestRerecordReplacesALibraryWhateverItHeld(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	up := startUpstream(t)
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/gone", "/also-gone")
	ft := newFakeTB(t)
	ft.do(func() {
		srv := replayserver.New(ft, path, replayserver.WithMode(replayserver.ModeRerecord), replayserver.Upstream(up.URL))
		do(t, rawClient(), srv.URL, call{"GET", "/json", ""})
		// A cassette file of the old library becomes a folder with a file
		// in it, which no file-by-file save can remove.
		entries, _ := os.ReadDir(path)
		for _, e := range entries {
			if strings.Contains(e.Name(), "also-gone") {
				p := filepath.Join(path, e.Name())
				os.Remove(p)
				os.MkdirAll(filepath.Join(p, "inside"), 0o755)
			}
		}
	})
	ft.finish()
	if ft.Failed() {
		t.Fatalf("rerecord failed: %s", ft.errors())
	}
	entries, _ := os.ReadDir(path)
	if len(entries) != 1 || !strings.HasSuffix(entries[0].Name(), "_json.json") {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("after rerecord the library folder holds %q; want only the /json cassette", names)
	}
}

// A library folder reached through a symbolic link (testdata/api ->
// shared/api) is replaced where it lives: the link stays.
func TestRerecordThroughASymbolicLinkKeepsTheLink(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	up := startUpstream(t)
	root := t.TempDir()
	real := writeLibrary(t, filepath.Join(root, "shared", "api"), "api.example.com", "/gone")
	link := filepath.Join(root, "api")
	if err := os.Symlink(real, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	ft := newFakeTB(t)
	ft.do(func() {
		srv := replayserver.New(ft, link, replayserver.WithMode(replayserver.ModeRerecord), replayserver.Upstream(up.URL))
		do(t, rawClient(), srv.URL, call{"GET", "/json", ""})
	})
	ft.finish()
	if ft.Failed() {
		t.Fatalf("rerecord failed: %s", ft.errors())
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced by a folder: %v, %v", fi.Mode(), err)
	}
	entries, _ := os.ReadDir(real)
	if len(entries) != 1 || !strings.HasSuffix(entries[0].Name(), "_json.json") {
		t.Errorf("the linked folder holds %d entries (%v); want only the new /json cassette", len(entries), entries)
	}
}

// A rerecording test that fails or is skipped replaces nothing: it may have
// stopped after a few requests (t.Fatal, a panic) or before any (no
// credentials, t.Skip), and swapping in what it recorded would drop every
// cassette it did not get to. The old library stays as it was.
func TestRerecordKeepsTheOldLibraryWhenTheTestFailsOrIsSkipped(t *testing.T) {
	for _, tc := range []struct {
		name      string
		file      string // the library's name in its folder
		transport bool   // NewTransport rather than New
		end       func(ft *fakeTB)
		wantLog   string
	}{
		{"failed test, directory library", "api", false, func(ft *fakeTB) { ft.Fatalf("boom") }, "the test failed"},
		{"failed test, file library", "api.json", false, func(ft *fakeTB) { ft.Errorf("boom") }, "the test failed"},
		{"failed test, in-process transport", "api", true, func(ft *fakeTB) { ft.Fatalf("boom") }, "the test failed"},
		{"skipped test", "api", false, func(ft *fakeTB) { ft.Skip("no credentials") }, "the test was skipped"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("CASSETTE_MODE", "")
			t.Setenv("TMPDIR", t.TempDir()) // where the recorded cassettes are kept
			up := startUpstream(t)
			path := writeLibrary(t, filepath.Join(t.TempDir(), tc.file), "api.example.com", "/a", "/b", "/c")
			before := libraryNames(t, path)
			var logs logBook
			ft := newFakeTB(t)
			ft.do(func() {
				opts := []replayserver.Option{replayserver.WithMode(replayserver.ModeRerecord), replayserver.Upstream(up.URL), logs.option()}
				if tc.transport {
					c := &http.Client{Transport: replayserver.NewTransport(ft, path, opts...)}
					if _, err := c.Get(up.URL + "/json"); err != nil {
						t.Errorf("GET /json through the rerecording transport: %v", err)
					}
				} else {
					srv := replayserver.New(ft, path, opts...)
					do(t, rawClient(), srv.URL, call{"GET", "/json", ""})
				}
				tc.end(ft)
			})
			ft.finish()
			if after := libraryNames(t, path); !slices.Equal(after, before) {
				t.Errorf("after a rerecord whose test did not pass, the library holds %q; want the old %q", after, before)
			}
			log := logs.String()
			if !strings.Contains(log, tc.wantLog+", so the library is left unchanged") {
				t.Errorf("log = %q; want it to say %q and that the library is left unchanged", log, tc.wantLog)
			}
			// Nothing recorded is lost: the log names where it is kept.
			_, kept, ok := strings.Cut(log, "recorded are kept in ")
			kept, _, _ = strings.Cut(kept, " (")
			if !ok {
				t.Fatalf("log = %q; want it to say where the recorded cassettes are kept", log)
			}
			if !strings.HasPrefix(kept, os.Getenv("TMPDIR")) {
				t.Errorf("the recorded cassettes are kept in %s, outside the temporary folder %s", kept, os.Getenv("TMPDIR"))
			}
			if names := libraryNames(t, kept); len(names) != 1 || !strings.HasSuffix(names[0], "_json") {
				t.Errorf("%s holds %q; want the /json cassette recorded", kept, names)
			}
		})
	}
}

// libraryNames returns the names of the cassettes in the library at path.
func libraryNames(t *testing.T, path string) []string {
	t.Helper()
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	names, err := lib.Names()
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// A testing.TB of the caller's own, embedding a nil testing.TB and lacking
// Skipped and Failed, still rerecords: asking whether it passed does not
// panic, and the library is replaced.
func TestRerecordWithAMinimalTestingTB(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	up := startUpstream(t)
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/gone")
	et := newExampleT()
	srv := replayserver.New(et, path, replayserver.WithMode(replayserver.ModeRerecord), replayserver.Upstream(up.URL))
	do(t, rawClient(), srv.URL, call{"GET", "/json", ""})
	et.finish()
	if names := libraryNames(t, path); len(names) != 1 || !strings.HasSuffix(names[0], "_json") {
		t.Errorf("after rerecord the library holds %q; want only the /json cassette", names)
	}
}

// A rerecording without an Upstream whose requests came to the server's
// own address got no answer from any API (a 502 saying so): the old
// library is kept, also for a testing.TB that cannot say the test failed
// (which emptied the library: the examples' stand-in, run with
// CASSETTE_MODE=rerecord, deleted the committed testdata) and for a
// handler of one's own.
func TestRerecordWithoutUpstreamKeepsTheLibrary(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	get := func(base string) {
		t.Helper()
		resp, err := http.Get(base + "/a")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadGateway {
			t.Fatalf("GET /a = %d, want 502 (no Upstream)", resp.StatusCode)
		}
	}
	for _, via := range []string{"New", "NewHandler"} {
		t.Run(via, func(t *testing.T) {
			path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/a", "/b")
			before := libraryNames(t, path)
			if via == "New" {
				et := newExampleT()
				et.quiet = true
				get(replayserver.New(et, path, replayserver.WithMode(replayserver.ModeRerecord)).URL)
				et.finish()
				if !et.failed {
					t.Errorf("the test was not failed")
				}
			} else {
				h, err := replayserver.NewHandler(path, replayserver.WithMode(replayserver.ModeRerecord))
				if err != nil {
					t.Fatal(err)
				}
				srv := httptest.NewServer(h)
				get(srv.URL)
				srv.Close()
				if err := h.Close(); err == nil || !strings.Contains(err.Error(), "so the library is left unchanged") {
					t.Errorf("Close() = %v; want an error saying the library is left unchanged", err)
				}
			}
			if after := libraryNames(t, path); !slices.Equal(after, before) {
				t.Errorf("after a rerecord whose requests had no Upstream, the library holds %q; want the old %q", after, before)
			}
		})
	}
}

// A rerecording test that panics replaces nothing either. The testing
// package runs the cleanups of a panicking test before it marks the test
// failed, so Failed does not tell: the test runs in a child process, where
// it panics for real.
func TestRerecordKeepsTheOldLibraryWhenTheTestPanics(t *testing.T) {
	if path := os.Getenv("CASSETTE_PANIC_CHILD_LIBRARY"); path != "" {
		srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeRerecord), replayserver.Upstream(os.Getenv("CASSETTE_PANIC_CHILD_UPSTREAM")))
		do(t, rawClient(), srv.URL, call{"GET", "/json", ""})
		panic("boom")
	}
	t.Setenv("CASSETTE_MODE", "")
	up := startUpstream(t)
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/a", "/b", "/c")
	before := libraryNames(t, path)
	cmd := exec.Command(os.Args[0], "-test.run=^TestRerecordKeepsTheOldLibraryWhenTheTestPanics$", "-test.v")
	cmd.Env = append(os.Environ(), "CASSETTE_PANIC_CHILD_LIBRARY="+path, "CASSETTE_PANIC_CHILD_UPSTREAM="+up.URL,
		"TMPDIR="+t.TempDir()) // where the child keeps what it recorded
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "boom") {
		t.Fatalf("the child test did not panic (%v):\n%s", err, out)
	}
	if after := libraryNames(t, path); !slices.Equal(after, before) {
		t.Errorf("after a rerecord whose test panicked, the library holds %q; want the old %q", after, before)
	}
	if !strings.Contains(string(out), "the test panicked, so the library is left unchanged") {
		t.Errorf("the child's log does not say why the library was kept:\n%s", out)
	}
}

// A rerecording in which the upstream does not answer a request (it is
// down, or resets the connection) keeps the old library and fails the
// test, saying so: replacing the library would drop that request's
// cassettes (all of them, with the upstream down), and the test, whose
// client got a 502 or an error, may not fail by itself. What was
// recorded is kept in the staging folder.
func TestRerecordKeepsTheOldLibraryWhenTheUpstreamDoesNotAnswer(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/down" {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close() // no answer
			}
			return
		}
		io.WriteString(w, "fine")
	}))
	defer api.Close()
	for _, transport := range []bool{false, true} {
		t.Run(fmt.Sprintf("transport=%v", transport), func(t *testing.T) {
			t.Setenv("CASSETTE_MODE", "")
			t.Setenv("TMPDIR", t.TempDir()) // where the recorded cassettes are kept
			path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/a", "/b")
			before := libraryNames(t, path)
			var logs logBook
			ft := newFakeTB(t)
			ft.do(func() {
				opts := []replayserver.Option{replayserver.WithMode(replayserver.ModeRerecord), replayserver.Upstream(api.URL), logs.option()}
				client, base := http.DefaultClient, api.URL
				if transport {
					client = &http.Client{Transport: replayserver.NewTransport(ft, path, opts...)}
				} else {
					base = replayserver.New(ft, path, opts...).URL
				}
				for _, p := range []string{"/fine", "/down"} {
					if resp, err := client.Get(base + p); err == nil {
						io.ReadAll(resp.Body)
						resp.Body.Close()
					}
				}
			})
			ft.finish()
			if after := libraryNames(t, path); !slices.Equal(after, before) {
				t.Errorf("after a rerecord whose upstream did not answer, the library holds %q; want the old %q", after, before)
			}
			want := "1 request(s) got no answer, or not a whole one, from the upstream (the first: GET "
			if errs := ft.errors(); !strings.Contains(errs, want) || !strings.Contains(errs, "so the library is left unchanged") {
				t.Errorf("the test failed with %q; want it to say %q and that the library is left unchanged", errs, want)
			}
			if !strings.Contains(logs.String(), "the 1 cassette(s) recorded are kept in "+os.Getenv("TMPDIR")) {
				t.Errorf("log = %q; want it to say where the cassette of /fine is kept", logs.String())
			}
		})
	}
}

// A response whose body the upstream breaks off (a reset mid-body, fewer
// bytes than its Content-Length) is not stored. A rerecording then keeps
// the old library and fails the test, as when the upstream does not
// answer; a recording keeps what it stored and fails the test saying
// which response is missing. Through the server and the transport alike.
func TestABodyTheUpstreamBreaksOffFailsTheRecording(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/cut" {
			brokenoff.Write(w, 1000, "0123456789")
			return
		}
		io.WriteString(w, "fine")
	}))
	defer api.Close()
	for _, mode := range []replayserver.Mode{replayserver.ModeRerecord, replayserver.ModeRecord} {
		for _, transport := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/transport=%v", mode, transport), func(t *testing.T) {
				t.Setenv("CASSETTE_MODE", "")
				t.Setenv("TMPDIR", t.TempDir())
				path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/a")
				before := libraryNames(t, path)
				var logs logBook
				ft := newFakeTB(t)
				ft.do(func() {
					opts := []replayserver.Option{replayserver.WithMode(mode), replayserver.Upstream(api.URL), logs.option()}
					client, base := http.DefaultClient, api.URL
					if transport {
						client = &http.Client{Transport: replayserver.NewTransport(ft, path, opts...)}
					} else {
						base = replayserver.New(ft, path, opts...).URL
					}
					for _, p := range []string{"/fine", "/cut"} {
						resp, err := client.Get(base + p)
						if err != nil {
							t.Errorf("GET %s: %v; want the headers", p, err)
							continue
						}
						_, err = io.ReadAll(resp.Body)
						resp.Body.Close()
						if (err == nil) != (p == "/fine") {
							t.Errorf("GET %s: reading the body: %v", p, err)
						}
					}
				})
				ft.finish()
				after := libraryNames(t, path)
				errs := ft.errors()
				if mode == replayserver.ModeRerecord {
					if !slices.Equal(after, before) {
						t.Errorf("the library holds %q; want the old %q kept", after, before)
					}
					if !strings.Contains(errs, "not a whole one") || !strings.Contains(errs, "broke off its body after 10 of its 1000 bytes") || !strings.Contains(errs, "so the library is left unchanged") {
						t.Errorf("the test failed with %q; want it to say the body was broken off and the library left unchanged", errs)
					}
					return
				}
				if len(after) != len(before)+1 {
					t.Errorf("the library holds %q; want the old %q and GET /fine", after, before)
				}
				if !strings.Contains(errs, "1 cassette(s) lack an answer, as the upstream broke off its body and no request of theirs was recorded whole after it (the first: GET ") || !strings.Contains(errs, "/cut") {
					t.Errorf("the test failed with %q; want it to say GET /cut was not recorded", errs)
				}
			})
		}
	}
}

// A handler made by NewHandler (cassette serve) has no test to fail: an
// exchange it recorded that could not be stored (a body over MaxBodySize)
// makes Close return an error, and a rerecord keep the old library, which
// it would otherwise have replaced without that request's cassette.
func TestAnExchangeNotStoredIsReportedByClose(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.Repeat("x", 100))
	}))
	defer api.Close()
	for _, mode := range []replayserver.Mode{replayserver.ModeRecord, replayserver.ModeRerecord} {
		t.Run(string(mode), func(t *testing.T) {
			t.Setenv("CASSETTE_MODE", "")
			t.Setenv("TMPDIR", t.TempDir())
			path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/a")
			before := libraryNames(t, path)
			h, err := replayserver.NewHandler(path, replayserver.WithMode(mode), replayserver.Upstream(api.URL), replayserver.MaxBodySize(10))
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(h)
			resp, err := http.Get(srv.URL + "/big")
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			srv.Close()
			err = h.Close()
			if err == nil || !strings.Contains(err.Error(), "1 exchange(s) recorded could not be stored") || !strings.Contains(err.Error(), "/big") {
				t.Errorf("Close = %v; want an error saying GET /big could not be stored", err)
			}
			if after := libraryNames(t, path); !slices.Equal(after, before) {
				t.Errorf("the library holds %q; want %q", after, before)
			}
		})
	}
}

// A client that retries a body the upstream broke off records it whole on
// the retry: the library has every cassette, so a rerecord replaces it and
// a recording does not fail (a review found both failing).
func TestABrokenBodyRecordedOnARetryDoesNotFailTheRecording(t *testing.T) {
	api := httptest.NewServer(brokenoff.Once())
	defer api.Close()
	// A BeforeSave hook that makes cassettes reproducible (a fixed, or
	// no, recorded_at) does not change which request made up for a break:
	// the recorder judges by the times it took when it sent each request
	// (found by a review: the replay server took RecordedAt less Latency,
	// after the hooks).
	stamps := []struct {
		name  string
		stamp *time.Time
	}{{"recorded_at=now", nil}, {"recorded_at=zero", &time.Time{}}, {"recorded_at=2020", ptr(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))}}
	for _, mode := range []replayserver.Mode{replayserver.ModeRecord, replayserver.ModeRerecord} {
		for _, transport := range []bool{false, true} {
			for _, st := range stamps {
				t.Run(fmt.Sprintf("%s/transport=%v/%s", mode, transport, st.name), func(t *testing.T) {
					t.Setenv("CASSETTE_MODE", "")
					t.Setenv("TMPDIR", t.TempDir())
					path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/a")
					p := fmt.Sprintf("/flaky-%s-%v-%s", mode, transport, st.name)
					ft := newFakeTB(t)
					ft.do(func() {
						opts := []replayserver.Option{replayserver.WithMode(mode), replayserver.Upstream(api.URL)}
						if st.stamp != nil {
							opts = append(opts, replayserver.BeforeSave(func(ex *library.Exchange) error {
								ex.RecordedAt = *st.stamp
								return nil
							}))
						}
						client, base := http.DefaultClient, api.URL
						if transport {
							client = &http.Client{Transport: replayserver.NewTransport(ft, path, opts...)}
						} else {
							base = replayserver.New(ft, path, opts...).URL
						}
						for range 2 { // a client that retries a broken body once
							resp, err := client.Get(base + p)
							if err != nil {
								continue
							}
							b, err := io.ReadAll(resp.Body)
							resp.Body.Close()
							if err == nil && string(b) == "whole" {
								return
							}
						}
						t.Errorf("the retry did not get the whole body")
					})
					ft.finish()
					if errs := ft.errors(); errs != "" {
						t.Errorf("the test failed though %s was recorded whole on a retry:\n%s", p, errs)
					}
					want := 2 // the old /a and the new one
					if mode == replayserver.ModeRerecord {
						want = 1 // the library replaced
					}
					if names := libraryNames(t, path); len(names) != want || !strings.Contains(strings.Join(names, " "), "flaky") {
						t.Errorf("the library holds %q; want %d cassettes, %s among them", names, want, p)
					}
				})
			}
		}
	}
}

func ptr[T any](v T) *T { return &v }

// A directory library is swapped with its rerecorded folder in one step
// where the system can (Linux): at no moment is there no library at its
// path, so a crash leaves the old library or the new one. Where the
// system cannot, two renames do it.
func TestRerecordSwapsADirectoryLibraryInOneStep(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	for _, swaps := range []bool{true, false} {
		t.Run(fmt.Sprintf("swaps=%v", swaps), func(t *testing.T) {
			up := startUpstream(t)
			parent := t.TempDir()
			path := writeLibrary(t, filepath.Join(parent, "api"), "api.example.com", "/gone")
			calls := 0
			var cannot error // the system cannot swap: it renames
			replayserver.SetExchange(t, func(real func(a, b string) error, a, b string) error {
				calls++
				if b != path {
					t.Errorf("rerecord swaps %s with %s; want the library, %s", a, b, path)
				}
				if !swaps {
					return &os.LinkError{Op: "exchange", Old: a, New: b, Err: errors.ErrUnsupported}
				}
				if err := real(a, b); err != nil {
					if errors.Is(err, errors.ErrUnsupported) {
						// Not t.Skip: this runs in the fake test's
						// cleanup, on a goroutine not the test's.
						cannot = err
					}
					return err
				}
				// Swapped: the library holds the new cassettes, and the
				// old ones are in the folder about to be removed.
				if names := cassetteFiles(t, path); len(names) != 1 || !strings.HasSuffix(names[0], "_json.json") {
					t.Errorf("right after the swap the library holds %q; want the /json cassette", names)
				}
				if names := cassetteFiles(t, a); len(names) != 1 || !strings.HasSuffix(names[0], "_gone.json") {
					t.Errorf("right after the swap %s holds %q; want the old /gone cassette", a, names)
				}
				return nil
			})
			ft := newFakeTB(t)
			ft.do(func() {
				srv := replayserver.New(ft, path, replayserver.WithMode(replayserver.ModeRerecord), replayserver.Upstream(up.URL))
				do(t, rawClient(), srv.URL, call{"GET", "/json", ""})
			})
			ft.finish()
			if cannot != nil {
				t.Skipf("this system or file system cannot swap: %v", cannot)
			}
			if ft.Failed() {
				t.Fatalf("rerecord failed: %s", ft.errors())
			}
			if calls != 1 {
				t.Errorf("rerecord tried %d swaps; want 1", calls)
			}
			if names := cassetteFiles(t, path); len(names) != 1 || !strings.HasSuffix(names[0], "_json.json") {
				t.Errorf("after rerecord the library holds %q; want the /json cassette", names)
			}
			if left, _ := os.ReadDir(parent); len(left) != 1 {
				t.Errorf("beside the library: %d entries; want only the library", len(left))
			}
		})
	}
}

// cassetteFiles lists the files of the folder dir.
func cassetteFiles(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// A rerecord whose staging library, in the system's temporary folder,
// cannot be written (TMPDIR on a full disk, here a link to nothing in
// the way of the staging folder) fails the test saying where that library is and
// how to move it, and says that the old library is left unchanged:
// before, the rerecord ended as the staging library's last save failed,
// without a word of the old library.
func TestRerecordIntoAStagingLibraryThatCannotBeWritten(t *testing.T) {
	for _, transport := range []bool{false, true} {
		t.Run(fmt.Sprintf("transport=%v", transport), func(t *testing.T) {
			t.Setenv("CASSETTE_MODE", "")
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			up := startUpstream(t)
			path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/a", "/b")
			before := libraryNames(t, path)
			var logs logBook
			ft := newFakeTB(t)
			ft.do(func() {
				opts := []replayserver.Option{replayserver.WithMode(replayserver.ModeRerecord), replayserver.Upstream(up.URL), logs.option()}
				client, base := http.DefaultClient, up.URL
				if transport {
					client = &http.Client{Transport: replayserver.NewTransport(ft, path, opts...)}
				} else {
					base = replayserver.New(ft, path, opts...).URL
				}
				staging, _ := filepath.Glob(filepath.Join(tmp, "cassette-rerecord-*"))
				if len(staging) != 1 {
					t.Fatalf("TMPDIR holds %q, want one staging folder", staging)
				}
				// A link to nothing: listed as no library yet, so that the
				// exchange is added, and then saved where it cannot be.
				if err := os.Symlink(filepath.Join(tmp, "missing"), filepath.Join(staging[0], "staging")); err != nil {
					t.Skip("no symbolic links here:", err)
				}
				if resp, err := client.Get(base + "/json"); err == nil {
					io.ReadAll(resp.Body)
					resp.Body.Close()
				}
			})
			ft.finish()
			if after := libraryNames(t, path); !slices.Equal(after, before) {
				t.Errorf("after a rerecord that could not store, the library holds %q; want the old %q", after, before)
			}
			if errs := ft.errors(); !strings.Contains(errs, "staging library in the system's temporary folder, "+tmp) || !strings.Contains(errs, "TMPDIR") {
				t.Errorf("the test failed with %q; want it to say the staging library is in %s, and TMPDIR", errs, tmp)
			}
			if all := ft.errors() + logs.String(); !strings.Contains(all, "so the library is left unchanged") {
				t.Errorf("failures and log = %q; want them to say that the library is left unchanged", all)
			}
		})
	}
}

// Rerecording a directory library keeps the files of Windows Explorer
// (desktop.ini, Thumbs.db) that a directory library leaves alone, as it
// keeps dot files: they are not the library's to replace.
func TestRerecordKeepsTheFilesALibraryLeavesAlone(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	up := startUpstream(t)
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/gone")
	kept := map[string]string{"desktop.ini": "[.ShellClassInfo]\r\n", "Thumbs.db": "\x00"}
	for name, body := range kept {
		if err := os.WriteFile(filepath.Join(path, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ft := newFakeTB(t)
	ft.do(func() {
		srv := replayserver.New(ft, path, replayserver.WithMode(replayserver.ModeRerecord), replayserver.Upstream(up.URL))
		do(t, rawClient(), srv.URL, call{"GET", "/json", ""})
	})
	ft.finish()
	if ft.Failed() {
		t.Fatalf("rerecord failed: %s", ft.errors())
	}
	for name, body := range kept {
		if b, err := os.ReadFile(filepath.Join(path, name)); err != nil || string(b) != body {
			t.Errorf("after rerecord %s = %q, %v; want %q kept", name, b, err, body)
		}
	}
}
