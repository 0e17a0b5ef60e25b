package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
	"github.com/google/go-cmp/cmp"
)

// A recorded is an exchange to store in a test library.
type recorded struct {
	method, url string
	status      int
	body        string
}

// writeLibrary stores one cassette per exchange in a new library at path
// (relative to a temporary folder) and returns the library's path and the
// cassette names in the order given.
func writeLibrary(t *testing.T, path string, exs ...recorded) (string, []string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), path)
	lib, err := library.Open(path)
	if err != nil {
		t.Fatalf("library.Open(%s): %v", path, err)
	}
	var names []string
	for _, e := range exs {
		req := httptest.NewRequest(e.method, e.url, nil)
		name := naming.Name(req, nil, naming.Default())
		ex := library.Exchange{
			Request: library.Request{Method: e.method, URL: e.url, Header: http.Header{}},
			Response: library.Response{
				StatusCode: e.status,
				Header:     http.Header{"Content-Type": {"application/json"}},
				Body:       []byte(e.body),
			},
		}
		if err := lib.Append(name, ex); err != nil {
			t.Fatalf("Append(%s): %v", name, err)
		}
		names = append(names, name)
	}
	if err := lib.Save(); err != nil {
		t.Fatalf("Save: %v", err)
	}
	return path, names
}

// get sends GET url and returns the status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading body: %v", url, err)
	}
	return resp.StatusCode, string(b)
}

func TestServeAnswersFromLibrary(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path, names := writeLibrary(t, "api",
		recorded{"GET", "https://api.example.com/users/42?fields=name", 200, `{"name":"Ada"}`},
		recorded{"DELETE", "https://api.example.com/users/7", 204, ""},
	)
	p := start(t, "serve", path)
	line, base := p.announce()
	if want := "cassette: serving " + path + " on http://127.0.0.1:"; !strings.HasPrefix(line, want) {
		t.Errorf("first line = %q, want it to start %q", line, want)
	}

	if code, body := get(t, base+"/users/42?fields=name"); code != 200 || body != `{"name":"Ada"}` {
		t.Errorf("GET /users/42?fields=name = %d %q, want 200 {\"name\":\"Ada\"}", code, body)
	}
	code, body := get(t, base+"/users/43")
	if code != http.StatusNotFound {
		t.Errorf("GET /users/43 (not recorded) = %d, want 404", code)
	}
	if !strings.Contains(body, "no cassette") {
		t.Errorf("GET /users/43 body is not a miss report:\n%s", body)
	}

	if code := p.stop(); code != exitOK {
		t.Errorf("serve exited with %d after cancel, want 0; stderr:\n%s", code, p.stderr.String())
	}
	out, errOut := p.stdout.String(), p.stderr.String()

	// The route table: a header and one row per cassette, in name order.
	rows := tableRows(t, out)
	if len(rows) != 3 || strings.Join(rows[0], " ") != "METHOD URL STATUS EXCHANGES NAME" {
		t.Fatalf("route table = %q, want a header and 2 rows\nstdout:\n%s", rows, out)
	}
	want := map[string]string{
		names[0]: "GET /users/42?fields=name 200 1 " + names[0],
		names[1]: "DELETE /users/7 204 1 " + names[1],
	}
	for _, r := range rows[1:] {
		if got := strings.Join(r, " "); got != want[r[len(r)-1]] {
			t.Errorf("route row = %q, want %q", got, want[r[len(r)-1]])
		}
	}

	for _, w := range []string{"hit  GET /users/42?fields=name", "miss GET /users/43", "no cassette for GET"} {
		if !strings.Contains(errOut, w) {
			t.Errorf("stderr lacks %q:\n%s", w, errOut)
		}
	}
}

// tableRows returns the fields of the lines of the route table in stdout:
// those from the METHOD header on.
func tableRows(t *testing.T, stdout string) [][]string {
	t.Helper()
	var rows [][]string
	in := false
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		in = in || strings.HasPrefix(line, "METHOD")
		if in {
			rows = append(rows, strings.Fields(line))
		}
	}
	return rows
}

func TestServeStrictReportsUnused(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path, names := writeLibrary(t, "api",
		recorded{"GET", "https://api.example.com/a", 200, "a"},
		recorded{"GET", "https://api.example.com/b", 200, "b"},
		recorded{"GET", "https://api.example.com/c", 200, "c"},
	)
	p := start(t, "serve", path, "-strict") // flags may follow PATH
	base := p.baseURL()
	if code, body := get(t, base+"/b"); code != 200 || body != "b" {
		t.Fatalf("GET /b = %d %q, want 200 \"b\"", code, body)
	}
	if code := p.stop(); code != exitError {
		t.Errorf("serve -strict with unused cassettes exited with %d, want 1", code)
	}
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	errOut := p.stderr.String()
	for _, unused := range []string{names[0], names[2]} {
		if !containsLine(errOut, lib.File(unused)) {
			t.Errorf("stderr lacks the line %q for unused cassette %s:\n%s", lib.File(unused), unused, errOut)
		}
	}
	if containsLine(errOut, lib.File(names[1])) {
		t.Errorf("stderr lists used cassette %s as unused:\n%s", lib.File(names[1]), errOut)
	}
}

func TestServeStrictAllUsed(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path, _ := writeLibrary(t, "api.json", recorded{"GET", "https://api.example.com/a", 200, "a"})
	p := start(t, "serve", "-strict", path)
	if code, _ := get(t, p.baseURL()+"/a"); code != 200 {
		t.Fatalf("GET /a = %d, want 200", code)
	}
	if code := p.stop(); code != exitOK {
		t.Errorf("serve -strict with every cassette used exited with %d, want 0; stderr:\n%s", code, p.stderr.String())
	}
}

// With -strict a miss makes serve exit with status 1, as it fails a test,
// even when every cassette was used; without -strict it does not.
func TestServeStrictFailsOnAMiss(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path, _ := writeLibrary(t, "api.json", recorded{"GET", "https://api.example.com/a", 200, "a"})
	for _, strict := range []bool{true, false} {
		args := []string{"serve", path}
		if strict {
			args = append(args, "-strict")
		}
		p := start(t, args...)
		base := p.baseURL()
		if code, _ := get(t, base+"/a"); code != 200 {
			t.Fatalf("GET /a = %d, want 200", code)
		}
		if code, _ := get(t, base+"/missing"); code != 404 {
			t.Fatalf("GET /missing = %d, want 404", code)
		}
		code := p.stop()
		switch {
		case strict && (code != exitError || !strings.Contains(p.stderr.String(), "cassette serve: strict: 1 request(s) matched no cassette")):
			t.Errorf("serve -strict after a miss exited with %d, want 1 and a line saying 1 request matched no cassette; stderr:\n%s", code, p.stderr.String())
		case !strict && code != exitOK:
			t.Errorf("serve (without -strict) after a miss exited with %d, want 0; stderr:\n%s", code, p.stderr.String())
		}
	}
}

// With -strict, serve lists on exit each cassette that answered requests
// but not from all of its recorded exchanges (a polled endpoint asked
// fewer times than recorded), naming its file and the exchanges never
// replayed, as Strict logs them in a test; it does not fail on them, and
// says nothing of them without -strict.
func TestServeStrictListsExchangesNeverReplayed(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path, names := writeLibrary(t, "api",
		recorded{"GET", "https://api.example.com/job", 200, "1"},
		recorded{"GET", "https://api.example.com/job", 200, "2"},
		recorded{"GET", "https://api.example.com/job", 200, "3"},
		recorded{"GET", "https://api.example.com/other", 200, "x"},
	)
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	want := lib.File(names[0]) + ": exchanges 2-3 of 3 never replayed"
	const intro = "cassette serve: strict: 1 cassette(s) in "
	for _, strict := range []bool{true, false} {
		args := []string{"serve", path}
		if strict {
			args = append(args, "-strict")
		}
		p := start(t, args...)
		base := p.baseURL()
		if code, body := get(t, base+"/job"); code != 200 || body != "1" {
			t.Fatalf("GET /job = %d %q, want 200 \"1\"", code, body)
		}
		if code, body := get(t, base+"/other"); code != 200 || body != "x" {
			t.Fatalf("GET /other = %d %q, want 200 \"x\"", code, body)
		}
		code := p.stop()
		errOut := p.stderr.String()
		if code != exitOK {
			t.Errorf("serve %q exited with %d, want 0 (exchanges never replayed do not fail it); stderr:\n%s", args, code, errOut)
		}
		listed := containsLine(errOut, want)
		switch {
		case strict && (!listed || !strings.Contains(errOut, intro+path+" answered requests but not from all their recorded exchanges")):
			t.Errorf("serve -strict's stderr lacks the line %q after its count:\n%s", want, errOut)
		case strict && strings.Contains(errOut, lib.File(names[3])+":"):
			t.Errorf("serve -strict lists the cassette of one exchange, replayed:\n%s", errOut)
		case !strict && (listed || strings.Contains(errOut, "never replayed")):
			t.Errorf("serve without -strict listed exchanges never replayed:\n%s", errOut)
		}
	}
}

func containsLine(s, line string) bool {
	for _, l := range strings.Split(s, "\n") {
		if l == line {
			return true
		}
	}
	return false
}

func TestServeMissingLibrary(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	t.Setenv("CI", "") // the advice outside CI (TestServeModeOnce has CI's)
	path := filepath.Join(t.TempDir(), "never-recorded")
	code, stdout, stderr := runSync(t, "serve", path)
	if code != exitError {
		t.Errorf("serve on a missing library = %d, want 1", code)
	}
	// In the command line's words (it named the Go options
	// CASSETTE_MODE=record and replayserver.Upstream(url) before).
	if !strings.Contains(stderr, "cassette serve -mode once -upstream URL "+path) || strings.Contains(stderr, "replayserver.Upstream") {
		t.Errorf("stderr does not say how to record %s with cassette serve, or names a Go option:\n%s", path, stderr)
	}
	// serve has no srv.Client(), and refuses CASSETTE_MODE=record without
	// -upstream: the advice must not send its user there.
	if strings.Contains(stderr, "srv.Client()") || strings.Contains(stderr, "need only") {
		t.Errorf("stderr points at srv.Client(), which serve has not:\n%s", stderr)
	}
	if !strings.Contains(stderr, "cassette serve -mode record -upstream URL "+path) {
		t.Errorf("stderr does not give the serve command that records %s:\n%s", path, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want none", stdout)
	}
}

func TestServeBadModeInEnvironment(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "sometimes")
	path, _ := writeLibrary(t, "api", recorded{"GET", "https://api.example.com/a", 200, "a"})
	code, _, stderr := runSync(t, "serve", path)
	if code != exitError || !strings.Contains(stderr, "CASSETTE_MODE") {
		t.Errorf("serve with CASSETTE_MODE=sometimes = %d, stderr:\n%s\nwant 1 and an error naming CASSETTE_MODE", code, stderr)
	}
}

// A port that cannot be listened on (here one in use) fails with status
// 1; a port that is no port is a usage error (TestServersRefuseABadPort).
func TestServeListenError(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path, _ := writeLibrary(t, "api", recorded{"GET", "https://api.example.com/a", 200, "a"})
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	addr := busy.Addr().String()
	code, _, stderr := runSync(t, "serve", "-addr", addr, path)
	if code != exitError || !strings.HasPrefix(stderr, "cassette serve: ") {
		t.Errorf("serve -addr %s (in use) = %d, stderr %q; want 1 and an error", addr, code, stderr)
	}
}

func TestServeForwardingModesNeedAnUpstream(t *testing.T) {
	path, _ := writeLibrary(t, "api", recorded{"GET", "https://api.example.com/a", 200, "a"})
	for _, c := range []struct {
		env  string
		args []string
		want string
	}{
		{"", []string{"serve", "-mode", "record", path}, "-mode record forwards requests: it needs -upstream URL"},
		{"", []string{"serve", "-mode", "passthrough", path}, "-mode passthrough forwards requests: it needs -upstream URL"},
		{"rerecord", []string{"serve", path}, "CASSETTE_MODE=rerecord forwards requests: it needs -upstream URL"},
	} {
		t.Setenv("CASSETTE_MODE", c.env)
		code, _, stderr := runSync(t, c.args...)
		if code != exitUsage || !strings.Contains(stderr, c.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("CASSETTE_MODE=%q cassette %q = %d, stderr %q; want 2 and one line saying %q", c.env, c.args, code, stderr, c.want)
		}
	}
}

// serve -unused FILE writes the unused report, and nothing else, to FILE:
// what cassette prune -unused reads, and xargs rm from the library's folder.
func TestServeWritesTheUnusedReportToAFile(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path, names := writeLibrary(t, "api",
		recorded{"GET", "https://api.example.com/a", 200, "a"},
		recorded{"GET", "https://api.example.com/b", 200, "b"},
		recorded{"GET", "https://api.example.com/c", 200, "c"},
	)
	report := filepath.Join(t.TempDir(), "unused.log")
	p := start(t, "serve", "-unused", report, path)
	if code, body := get(t, p.baseURL()+"/b"); code != 200 || body != "b" {
		t.Fatalf("GET /b = %d %q, want 200 \"b\"", code, body)
	}
	if code := p.stop(); code != exitOK {
		t.Errorf("serve -unused (without -strict) exited with %d, want 0; stderr:\n%s", code, p.stderr.String())
	}
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if want := lib.File(names[0]) + "\n" + lib.File(names[2]) + "\n"; string(got) != want {
		t.Errorf("-unused file = %q; want exactly the unused cassettes' files %q", got, want)
	}
	if code, stdout, stderr := runSync(t, "prune", "-unused", report, "-force", path); code != exitOK {
		t.Fatalf("prune -unused of that file = %d, %q, %q", code, stdout, stderr)
	}
	after, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if left, _ := after.Names(); len(left) != 1 || left[0] != names[1] {
		t.Errorf("after prune the library holds %q; want only %s", left, names[1])
	}
}

// An -unused FILE that could not be written on exit is refused at start,
// before a session whose report would then be lost.
func TestUnusedFileCheckedAtStart(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path, _ := writeLibrary(t, "api", recorded{"GET", "https://api.example.com/a", 200, "a"})
	missing := filepath.Join(t.TempDir(), "no", "such", "folder", "unused.log")
	folder := t.TempDir()
	plain := filepath.Join(t.TempDir(), "plain")
	if err := os.WriteFile(plain, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"serve", "-unused", missing, path},
		{"serve", "-unused", filepath.Join(plain, "unused.log"), path},
		{"serve", "-unused", folder, path},
		{"record", "-upstream", "http://127.0.0.1:1", "-unused", missing, path},
	} {
		code, stdout, stderr := runSync(t, args...)
		if code != exitUsage || !strings.Contains(stderr, "-unused") || stdout != "" {
			t.Errorf("cassette %q = %d, stdout %q, stderr %q; want 2 at start and a line about -unused", args, code, stdout, stderr)
		}
	}
}

// An -unused FILE that is the library, or lies inside it, is refused at
// start with status 2, before anything is served: serve and record used
// to write the list there on exit, over a single-file library (destroying
// it) or among the files of a directory library (which then no longer
// opens). A relative path, a link, a trailing slash or a detour through
// ".." must not hide it.
func TestUnusedFileInsideTheLibraryRefused(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	dir := t.TempDir()
	ex := recorded{"GET", "https://api.example.com/a", 200, "a"}
	dirLib, _ := writeLibrary(t, "api", ex)
	fileLib, _ := writeLibrary(t, "api.json", ex)
	for _, d := range []string{filepath.Join(dirLib, "bodies"), fileLib + ".bodies"} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(dirLib, filepath.Join(dir, "dirlink")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	if err := os.Symlink(fileLib, filepath.Join(dir, "filelink.json")); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(fileLib, filepath.Join(dir, "hardlink.json")); err != nil {
		t.Fatal(err)
	}
	rel := func(p string) string {
		t.Helper()
		r, err := filepath.Rel(mustGetwd(t), p)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	const (
		itself = "is the library %s itself"
		in     = "is inside the directory library %s"
		bodies = "the folder of the body files of the library %s"
	)
	tests := []struct {
		why       string
		lib, out  string
		wantAbout string // in the one line on stderr, with the library's path
	}{
		{"a directory library itself", dirLib, dirLib, itself},
		{"a directory library with a trailing slash", dirLib, dirLib + string(filepath.Separator), itself},
		{"a directory library, relative", dirLib, rel(dirLib), itself},
		{"a file in a directory library", dirLib, filepath.Join(dirLib, "unused.log"), in},
		{"a file in a directory library, relative", dirLib, rel(filepath.Join(dirLib, "unused.log")), in},
		{"a file in a directory library through a link", dirLib, filepath.Join(dir, "dirlink", "unused.log"), in},
		{"a file in a directory library named like a cassette", dirLib, filepath.Join(dirLib, "GET_x.json"), in},
		{"a file in a directory library's body folder", dirLib, filepath.Join(dirLib, "bodies", "unused.log"), in},
		{"a file in a directory library through ..", dirLib, filepath.Join(dirLib, "bodies") + string(filepath.Separator) + ".." + string(filepath.Separator) + "unused.log", in},
		{"a file library itself", fileLib, fileLib, itself},
		{"a file library, relative", fileLib, rel(fileLib), itself},
		{"a file library through a link", fileLib, filepath.Join(dir, "filelink.json"), itself},
		{"a file library through a hard link", fileLib, filepath.Join(dir, "hardlink.json"), itself},
		{"a file library through ..", fileLib, strings.Join([]string{filepath.Dir(fileLib), "..", filepath.Base(filepath.Dir(fileLib)), "api.json"}, string(filepath.Separator)), itself},
		{"a file library given through a link", filepath.Join(dir, "filelink.json"), fileLib, itself},
		{"a file library not made yet", filepath.Join(dir, "new.json"), filepath.Join(dir, "new.json"), itself},
		{"a directory library not made yet", filepath.Join(dir, "new"), filepath.Join(dir, "new") + string(filepath.Separator), itself},
		{"a file library's body folder", fileLib, fileLib + ".bodies", bodies},
		{"a file in a file library's body folder", fileLib, filepath.Join(fileLib+".bodies", "unused.log"), bodies},
	}
	for _, tt := range tests {
		for _, cmd := range []string{"serve", "record"} {
			t.Run(cmd+"/"+tt.why, func(t *testing.T) {
				before := snapshot(t, filepath.Dir(fileLib))
				args := []string{cmd, "-unused", tt.out, tt.lib}
				if cmd == "record" {
					args = []string{cmd, "-upstream", "http://127.0.0.1:1", "-unused", tt.out, tt.lib}
				}
				// A server that does start stops at once, and the test fails.
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				var stdout, stderr bytes.Buffer
				code := run(ctx, args, &stdout, &stderr)
				prefix := "cassette " + cmd + ": -unused " + tt.out + " "
				want := fmt.Sprintf(tt.wantAbout, tt.lib)
				if code != exitUsage || stdout.Len() != 0 || !strings.HasPrefix(stderr.String(), prefix) || !strings.Contains(stderr.String(), want) ||
					!strings.HasSuffix(stderr.String(), "(see cassette "+cmd+" -h)\n") || strings.Count(stderr.String(), "\n") != 1 {
					t.Errorf("run(%q) = %d, stdout %q, stderr %q; want %d and one line starting %q and saying %q", args, code, stdout.String(), stderr.String(), exitUsage, prefix, want)
				}
				if diff := cmp.Diff(before, snapshot(t, filepath.Dir(fileLib))); diff != "" {
					t.Errorf("run(%q) changed the library (-before +after):\n%s", args, diff)
				}
			})
		}
	}
	// Beside the library, or in a folder named like it, is fine.
	for _, out := range []string{filepath.Join(dir, "unused.log"), dirLib + "2", fileLib + ".unused"} {
		for _, lib := range []string{dirLib, fileLib} {
			if err := checkOutsideLibrary("-unused", out, lib); err != nil {
				t.Errorf("checkOutsideLibrary(-unused, %s, %s) = %v, want nil", out, lib, err)
			}
		}
	}
}

// In passthrough, which uses no cassette, serve -strict does not fail on
// the cassettes it never used, nor does -unused list them: pruning with
// that list would empty the library of the requests just forwarded.
func TestServePassthroughListsNoCassetteForPruning(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "live") }))
	defer up.Close()
	path, names := writeLibrary(t, "api",
		recorded{"GET", "https://api.example.com/a", 200, "a"},
		recorded{"GET", "https://api.example.com/b", 200, "b"},
	)
	report := filepath.Join(t.TempDir(), "unused.log")
	p := start(t, "serve", "-mode", "passthrough", "-upstream", up.URL, "-strict", "-unused", report, path)
	if code, body := get(t, p.baseURL()+"/a"); code != 200 || body != "live" {
		t.Fatalf("GET /a = %d %q, want 200 \"live\" from the upstream", code, body)
	}
	if code := p.stop(); code != exitOK {
		t.Errorf("serve -mode passthrough -strict exited with %d, want 0; stderr:\n%s", code, p.stderr.String())
	}
	if got, err := os.ReadFile(report); err != nil || len(got) != 0 {
		t.Errorf("-unused file after passthrough = %q (%v); want an empty list", got, err)
	}
	if code, stdout, stderr := runSync(t, "prune", "-unused", report, "-force", path); code != exitOK {
		t.Fatalf("prune -unused of that file = %d, %q, %q", code, stdout, stderr)
	}
	after, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if left, _ := after.Names(); len(left) != len(names) {
		t.Errorf("after prune the library holds %q; want all of %q", left, names)
	}
}

// A client that speaks HTTP/2 from the start (h2c with prior knowledge,
// as grpc-go and grpcurl -plaintext do) is answered too.
func TestServeSpeaksH2C(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path, _ := writeLibrary(t, "api", recorded{"GET", "https://api.example.com/users/42", 200, `{"name":"Ada"}`})
	p := start(t, "serve", path)
	_, base := p.announce()
	tr := &http.Transport{Protocols: new(http.Protocols)}
	tr.Protocols.SetUnencryptedHTTP2(true)
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get(base + "/users/42")
	if err != nil {
		t.Fatalf("GET over h2c: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.ProtoMajor != 2 || resp.StatusCode != 200 || string(b) != `{"name":"Ada"}` {
		t.Errorf("GET over h2c = %s %d %q, want HTTP/2.0 200 {\"name\":\"Ada\"}", resp.Proto, resp.StatusCode, b)
	}
	if code := p.stop(); code != exitOK {
		t.Errorf("serve exited with %d, want 0; stderr:\n%s", code, p.stderr.String())
	}
}

// TestUnusedListLeavesAFolderInItsPlace: an -unused FILE that cannot be
// written as a folder took its place during the run (FILE is checked at
// start) is an error naming FILE, and the folder stays: writeList removed
// whatever was at FILE, taking it for an earlier run's list (here an empty
// folder, and said so), or told to delete it (one holding files).
func TestUnusedListLeavesAFolderInItsPlace(t *testing.T) {
	for _, holds := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "unused.log")
		if err := os.Mkdir(path, 0o755); err != nil {
			t.Fatal(err)
		}
		if holds {
			if err := os.WriteFile(filepath.Join(path, "notes.txt"), []byte("mine"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		err := writeList(path, []byte("GET_a.json\n"))
		if err == nil || !strings.Contains(err.Error(), "write "+path) || strings.Contains(err.Error(), "earlier run") {
			t.Errorf("writeList(%s) with a folder there (holding files: %v) = %v; want an error naming it, not about an earlier run's list", path, holds, err)
		}
		if fi, err := os.Stat(path); err != nil || !fi.IsDir() {
			t.Errorf("after writeList(%s), the folder there (holding files: %v) is gone: %v", path, holds, err)
		}
	}
}
