package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cassette-go/cassette/internal/brokenoff"
	"github.com/cassette-go/cassette/library"
)

func TestRecordThenServe(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Add("Set-Cookie", "a=1")
		w.Header().Add("Set-Cookie", "b=2")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, "%s %s body=%q", r.Method, r.URL.RequestURI(), body)
	}))
	defer upstream.Close()

	for _, lib := range []string{"api", "api.yaml"} {
		t.Run(lib, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), lib)

			rec := start(t, "record", "-upstream", upstream.URL, path)
			line, proxy := rec.announce()
			if want := fmt.Sprintf("cassette: recording %s into %s via http://127.0.0.1:", upstream.URL, path); !strings.HasPrefix(line, want) {
				t.Errorf("first line = %q, want it to start %q", line, want)
			}
			resp, err := http.Post(proxy+"/items?x=1", "text/plain", strings.NewReader("hello"))
			if err != nil {
				t.Fatal(err)
			}
			live, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("POST through the proxy = %d, want 201", resp.StatusCode)
			}
			if code := rec.stop(); code != exitOK {
				t.Fatalf("record exited with %d after cancel, want 0; stderr:\n%s", code, rec.stderr.String())
			}
			if rec.stderr.String() == "" {
				t.Errorf("record logged nothing for the recorded exchange")
			}

			srv := start(t, "serve", "-strict", path)
			base := srv.baseURL()
			resp, err = http.Post(base+"/items?x=1", "text/plain", strings.NewReader("hello"))
			if err != nil {
				t.Fatal(err)
			}
			replayed, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated || string(replayed) != string(live) {
				t.Errorf("replayed POST = %d %q, want 201 %q", resp.StatusCode, replayed, live)
			}
			// Values may be redacted by the recorder; names and order stay.
			var cookies []string
			for _, v := range resp.Header.Values("Set-Cookie") {
				name, _, _ := strings.Cut(v, "=")
				cookies = append(cookies, name)
			}
			if strings.Join(cookies, ";") != "a;b" {
				t.Errorf("replayed Set-Cookie = %q, want cookies a and b in order", resp.Header.Values("Set-Cookie"))
			}
			if code := srv.stop(); code != exitOK {
				t.Errorf("serve -strict exited with %d, want 0; stderr:\n%s", code, srv.stderr.String())
			}
			if rows := tableRows(t, srv.stdout.String()); len(rows) != 2 || rows[1][0] != "POST" || rows[1][1] != "/items?x=1" || rows[1][2] != "201" {
				t.Errorf("route table = %q, want one POST /items?x=1 201 row", rows)
			}
		})
	}
}

func TestServeRecordMode(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "live "+r.URL.Path)
	}))
	defer upstream.Close()
	path := filepath.Join(t.TempDir(), "api")

	p := start(t, "serve", "-mode", "record", "-upstream", upstream.URL, path)
	if code, body := get(t, p.baseURL()+"/thing"); code != 200 || body != "live /thing" {
		t.Fatalf("GET /thing in record mode = %d %q, want 200 \"live /thing\"", code, body)
	}
	if code := p.stop(); code != exitOK {
		t.Fatalf("serve -mode record exited with %d, want 0; stderr:\n%s", code, p.stderr.String())
	}
	upstream.Close() // replay must not need it

	p = start(t, "serve", path)
	if code, body := get(t, p.baseURL()+"/thing"); code != 200 || body != "live /thing" {
		t.Errorf("GET /thing replayed = %d %q, want 200 \"live /thing\"", code, body)
	}
	if code := p.stop(); code != exitOK {
		t.Errorf("serve exited with %d, want 0", code)
	}
}

// recordSession runs cassette record -upstream upstream with flags into
// the library at path, sends a GET of each of paths through it, and stops
// it; it returns the process and its exit status.
func recordSession(t *testing.T, upstream, path string, flags []string, paths ...string) (*proc, int) {
	t.Helper()
	args := append(append([]string{"record", "-upstream", upstream}, flags...), path)
	rec := start(t, args...)
	_, proxy := rec.announce()
	for _, p := range paths {
		resp, err := http.Get(proxy + p)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	return rec, rec.stop()
}

func TestRecordStrictListsCassettesNotRecordedAgain(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "answer for %s", r.URL.Path)
	}))
	defer upstream.Close()
	path := filepath.Join(t.TempDir(), "api")
	session := func(strict bool, paths ...string) (*proc, int) {
		var flags []string
		if strict {
			flags = []string{"-strict"}
		}
		return recordSession(t, upstream.URL, path, flags, paths...)
	}
	if _, code := session(false, "/keep", "/stale"); code != exitOK {
		t.Fatalf("first recording exited %d", code)
	}
	rec, code := session(true, "/keep")
	if code != exitError {
		t.Errorf("record -strict with a stale cassette exited %d, want %d", code, exitError)
	}
	out := rec.stderr.String()
	if !strings.Contains(out, "1 cassette(s)") || !strings.Contains(out, "_stale.json\n") || strings.Contains(out, "_keep.json\n") {
		t.Errorf("record -strict stderr does not list exactly the stale cassette:\n%s", out)
	}
	if _, code := session(true, "/keep", "/stale"); code != exitOK {
		t.Errorf("record -strict recording everything again exited %d, want 0", code)
	}
}

// record -unused FILE writes the cassettes there before and not recorded
// again, and nothing else, to FILE, without failing as -strict does: what
// cassette prune -unused reads.
func TestRecordWritesTheStaleCassettesToAFile(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "answer for %s", r.URL.Path)
	}))
	defer upstream.Close()
	path := filepath.Join(t.TempDir(), "api")
	report := filepath.Join(t.TempDir(), "stale.log")
	session := func(paths ...string) int {
		_, code := recordSession(t, upstream.URL, path, []string{"-unused", report}, paths...)
		return code
	}
	if code := session("/keep", "/stale"); code != exitOK {
		t.Fatalf("first recording exited %d", code)
	}
	if got, err := os.ReadFile(report); err != nil || len(got) != 0 {
		t.Errorf("-unused file after recording a new library = %q, %v; want it empty", got, err)
	}
	if code := session("/keep"); code != exitOK {
		t.Errorf("record -unused (without -strict) with a stale cassette exited %d, want 0", code)
	}
	lib, names := twoCassettes(t, path)
	stale := names[0]
	if !strings.Contains(stale, "stale") {
		stale = names[1]
	}
	got, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if want := lib.File(stale) + "\n"; string(got) != want {
		t.Errorf("-unused file = %q; want exactly the stale cassette's file %q", got, want)
	}
	if code, stdout, stderr := runSync(t, "prune", "-unused", report, "-force", path); code != exitOK {
		t.Fatalf("prune -unused of that file = %d, %q, %q", code, stdout, stderr)
	}
	after, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if left, _ := after.Names(); len(left) != 1 || !strings.Contains(left[0], "keep") {
		t.Errorf("after prune the library holds %q; want only the /keep cassette", left)
	}
}

// twoCassettes opens the library at path and returns it with the names
// of its cassettes, which must be two.
func twoCassettes(t *testing.T, path string) (*library.Library, []string) {
	t.Helper()
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	names, err := lib.Names()
	if err != nil || len(names) != 2 {
		t.Fatalf("library holds %q, %v; want the two cassettes", names, err)
	}
	return lib, names
}

// record refuses, before forwarding anything, a library it could not add
// to: it used to start, answer the client, log that nothing could be
// stored, and exit 0.
func TestRecordRefusesALibraryItCannotAddTo(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the upstream got %s %s", r.Method, r.URL)
	}))
	defer upstream.Close()
	dir := filepath.Join(t.TempDir(), "api")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(t.TempDir(), "api.json")
	if err := os.WriteFile(truncated, []byte(`{"version": 1, "cassettes": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	// Stopped before it starts: a record that took the library would
	// stop at once and exit 0, rather than serve on.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for path, want := range map[string]string{dir: "notes.txt", truncated: "api.json"} {
		var out, errOut bytes.Buffer
		code := run(ctx, []string{"record", "-upstream", upstream.URL, path}, &out, &errOut)
		stdout, stderr := out.String(), errOut.String()
		if code != exitError || !strings.Contains(stderr, want) || strings.Contains(stdout, "recording") {
			t.Errorf("record into %s = %d, stdout %q, stderr %q; want exit 1 at start naming %s", path, code, stdout, stderr, want)
		}
	}
}

// record exits 1 when an exchange it forwarded could not be stored (here
// a body over the 64 MiB limit), as when a save fails; it used to exit 0.
func TestRecordExitsOneWhenAnExchangeIsNotStored(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	const size = 64<<20 + 1
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/small" {
			io.WriteString(w, "small")
			return
		}
		w.Header().Set("Content-Length", fmt.Sprint(size))
		w.Write(make([]byte, size))
	}))
	defer upstream.Close()
	path := filepath.Join(t.TempDir(), "api")
	rec := start(t, "record", "-upstream", upstream.URL, path)
	_, proxy := rec.announce()
	for _, p := range []string{"/small", "/big"} {
		resp, err := http.Get(proxy + p)
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || (p == "/big" && n != size) {
			t.Fatalf("GET %s: %d bytes, %v; want the whole body", p, n, err)
		}
	}
	if code := rec.stop(); code != exitError {
		t.Errorf("record with a body over the limit exited %d, want %d", code, exitError)
	}
	if out := rec.stderr.String(); !strings.Contains(out, "64 MiB limit") || !strings.Contains(out, "-max-body-size SIZE (now 64MiB; 0 for no limit)") || !strings.Contains(out, "1 failure(s) to store") {
		t.Errorf("stderr does not say what was not stored:\n%s", out)
	}
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if names, err := lib.Names(); err != nil || len(names) != 1 || !strings.Contains(names[0], "small") {
		t.Errorf("library holds %q, %v; want the /small cassette only", names, err)
	}
}

// A response whose body the upstream breaks off is not recorded: record,
// serve -mode record and serve -mode rerecord exit 1 saying so (they
// exited 0), and a rerecord leaves the library as it was.
func TestRecordExitsOneWhenTheUpstreamBreaksOffABody(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/cut" {
			brokenoff.Write(w, 1000, "0123456789")
			return
		}
		io.WriteString(w, "fine")
	}))
	defer upstream.Close()
	for _, args := range [][]string{{"record"}, {"serve", "-mode", "record"}, {"serve", "-mode", "rerecord"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Setenv("TMPDIR", t.TempDir())
			path := filepath.Join(t.TempDir(), "api")
			if args[0] == "serve" {
				// An earlier recording of /old, which a rerecord must keep.
				rec := start(t, "record", "-upstream", upstream.URL, path)
				_, base := rec.announce()
				get(t, base+"/old")
				if code := rec.stop(); code != exitOK {
					t.Fatalf("the first recording exited %d:\n%s", code, rec.stderr.String())
				}
			}
			before := cassetteNames(t, path)
			c := start(t, append(append(slices.Clone(args), "-upstream", upstream.URL), path)...)
			_, base := c.announce()
			get(t, base+"/fine")
			resp, err := http.Get(base + "/cut")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.ReadAll(resp.Body); err == nil {
				t.Errorf("GET /cut read to its end; want the body broken off")
			}
			resp.Body.Close()
			if code := c.stop(); code != exitError {
				t.Errorf("%s exited %d, want %d:\n%s", args, code, exitError, c.stderr.String())
			}
			if out := c.stderr.String(); !strings.Contains(out, "broke off") || !strings.Contains(out, "/cut") {
				t.Errorf("stderr does not say /cut was broken off:\n%s", out)
			}
			after := cassetteNames(t, path)
			if args[len(args)-1] == "rerecord" {
				if !slices.Equal(after, before) {
					t.Errorf("after the rerecord the library holds %q; want the old %q", after, before)
				}
				return
			}
			if len(after) != len(before)+1 {
				t.Errorf("the library holds %q; want %q and /fine", after, before)
			}
		})
	}
}

// A client that retries a body the upstream broke off records it whole on
// the retry: record exits 0, the cassette being in the library.
func TestRecordExitsZeroWhenABrokenBodyIsRecordedOnARetry(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	upstream := httptest.NewServer(brokenoff.Once())
	defer upstream.Close()
	path := filepath.Join(t.TempDir(), "api")
	c := start(t, "record", "-upstream", upstream.URL, path)
	_, base := c.announce()
	got := ""
	for range 2 {
		resp, err := http.Get(base + "/flaky")
		if err != nil {
			continue
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil {
			got = string(b)
			break
		}
	}
	if got != "whole" {
		t.Fatalf("the retry got %q, want whole", got)
	}
	if code := c.stop(); code != exitOK {
		t.Errorf("record exited %d, want 0:\n%s", code, c.stderr.String())
	}
	if names := cassetteNames(t, path); len(names) != 1 {
		t.Errorf("the library holds %q, want /flaky", names)
	}
}

// cassetteNames returns the names in the library at path (none when it
// does not exist).
func cassetteNames(t *testing.T, path string) []string {
	t.Helper()
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if !lib.Exists() {
		return nil
	}
	names, err := lib.Names()
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// An -upstream with a path (https://host/api/v1): record stores /users as
// /api/v1/users, and serve, given the same -upstream as its help says,
// replays /users from it with the upstream gone.
func TestRecordAndServeAnUpstreamWithAPath(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "answer for %s", r.URL.Path)
	}))
	base := upstream.URL + "/api/v1"
	path := filepath.Join(t.TempDir(), "api")
	rec := start(t, "record", "-upstream", base, path)
	_, proxy := rec.announce()
	if code, body := get(t, proxy+"/users"); code != 200 || body != "answer for /api/v1/users" {
		t.Fatalf("GET /users through record = %d %q", code, body)
	}
	if code := rec.stop(); code != exitOK {
		t.Fatalf("record exited %d", code)
	}
	upstream.Close()
	srv := start(t, "serve", "-upstream", base, path)
	if code, body := get(t, srv.baseURL()+"/users"); code != 200 || body != "answer for /api/v1/users" {
		t.Errorf("GET /users through serve -upstream %s = %d %q; want the recorded answer", base, code, body)
	}
	if code := srv.stop(); code != exitOK {
		t.Errorf("serve exited %d; stderr:\n%s", code, srv.stderr.String())
	}
}

// record replaces a cassette it records again by what this session
// recorded for it: it appended the new exchanges after the old ones,
// which replay then served first (found by a probe with curl).
func TestRecordAgainReplacesTheEarlierExchanges(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	version := "v1"
	var mu sync.Mutex
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "%s %s", version, r.URL.Path)
	}))
	defer upstream.Close()
	path := filepath.Join(t.TempDir(), "api")
	if _, code := recordSession(t, upstream.URL, path, nil, "/poll", "/poll", "/kept"); code != exitOK {
		t.Fatalf("first recording exited %d", code)
	}
	mu.Lock()
	version = "v2"
	mu.Unlock()
	if _, code := recordSession(t, upstream.URL, path, nil, "/poll"); code != exitOK {
		t.Fatalf("second recording exited %d", code)
	}
	lib, names := twoCassettes(t, path)
	for _, name := range names {
		c, _, err := lib.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, ex := range c.Exchanges {
			got = append(got, string(ex.Response.Body))
		}
		want := []string{"v2 /poll"} // recorded again: this session's only
		if strings.Contains(name, "kept") {
			want = []string{"v1 /kept"} // not recorded again: kept as it was
		}
		if !slices.Equal(got, want) {
			t.Errorf("cassette %s holds %q; want %q", name, got, want)
		}
	}

	p := start(t, "serve", path)
	if code, body := get(t, p.baseURL()+"/poll"); code != 200 || body != "v2 /poll" {
		t.Errorf("GET /poll replayed = %d %q, want 200 \"v2 /poll\"", code, body)
	}
	if code := p.stop(); code != exitOK {
		t.Errorf("serve exited with %d, want 0", code)
	}
}

// The exchanges record drops are those recorded before it started, by
// their time, whatever their place: another writer of a single-file
// library (a parallel test's recorder) may have appended to the cassette
// meanwhile, which a save merged in after this session's exchange, and
// "the last n" dropped this session's (found by a reviewer).
func TestRecordAgainKeepsWhatWasRecordedSinceItStarted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "api.json")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	since := time.Now().Round(0)
	at := func(d time.Duration, body string) library.Exchange { return pollAt(since.Add(d), body) }
	if err := lib.Append("poll", at(-time.Hour, "earlier"), library.Exchange{
		Request:  library.Request{Method: "GET", URL: "http://api.example/poll"},
		Response: library.Response{StatusCode: 200, Body: []byte("imported, of no time")},
	}, at(time.Millisecond, "this session's"), at(2*time.Millisecond, "another writer's")); err != nil {
		t.Fatal(err)
	}
	if err := lib.Append("kept", at(-time.Hour, "not recorded again")); err != nil {
		t.Fatal(err)
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	if err := dropEarlier(lib, []string{"kept", "poll"}, map[string]int{"poll": 1}, since); err != nil {
		t.Fatal(err)
	}
	after, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string][]string{
		"poll": {"this session's", "another writer's"},
		"kept": {"not recorded again"},
	} {
		c, _, err := after.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, ex := range c.Exchanges {
			got = append(got, string(ex.Response.Body))
		}
		if !slices.Equal(got, want) {
			t.Errorf("cassette %s holds %q; want %q", name, got, want)
		}
	}
}

// Two sessions of cassette record of one library that record the same
// cassette again each drop its earlier exchanges when they stop: the
// session stopping last kept only what it had seen at its last save, and
// dropped the exchanges the other saved after that (found by a review).
// The sessions are played by two libraries saving in a fixed order, as
// the proxies of two sessions do after each exchange.
func TestRecordAgainKeepsWhatAnotherSessionSavedSince(t *testing.T) {
	for _, lib := range []string{"api", "api.json", "api.yaml"} {
		t.Run(lib, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), lib)
			since := time.Now().Round(0)
			poll := func(d time.Duration, body string) library.Exchange { return pollAt(since.Add(d), body) }
			open := func() *library.Library {
				l, err := library.Open(path)
				if err != nil {
					t.Fatal(err)
				}
				return l
			}
			save := func(l *library.Library, ex library.Exchange) {
				if err := l.Append("poll", ex); err != nil {
					t.Fatal(err)
				}
				if err := l.Save(); err != nil {
					t.Fatal(err)
				}
			}
			save(open(), poll(-time.Hour, "earlier"))
			first, second := open(), open()
			before, err := first.Names()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := second.Names(); err != nil {
				t.Fatal(err)
			}
			save(second, poll(time.Millisecond, "second's"))
			save(first, poll(2*time.Millisecond, "first's")) // merged after second's
			again := map[string]int{"poll": 1}
			if err := dropEarlier(first, before, again, since); err != nil { // first stops
				t.Fatal(err)
			}
			if err := dropEarlier(second, before, again, since); err != nil { // second stops
				t.Fatal(err)
			}
			c, _, err := open().Get("poll")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, ex := range c.Exchanges {
				got = append(got, string(ex.Response.Body))
			}
			if want := []string{"second's", "first's"}; !slices.Equal(got, want) {
				t.Errorf("cassette poll holds %q after both sessions stopped; want %q", got, want)
			}
		})
	}
}

// The body files of the exchanges record drops go with them, in a
// directory library that holds cassettes it did not record again too
// (the save sweeps body files only when it knows every cassette; found by
// a reviewer).
func TestRecordAgainRemovesTheBodyFilesOfWhatItDrops(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	var version atomic.Int32
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/big" {
			w.Write(bytes.Repeat([]byte{byte('0' + version.Load())}, 9<<20)) // over the body file threshold
			return
		}
		fmt.Fprintf(w, "small %s", r.URL.Path)
	}))
	defer upstream.Close()
	for _, lib := range []string{"api", "api.json"} {
		t.Run(lib, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), lib)
			version.Store(1)
			if _, code := recordSession(t, upstream.URL, path, nil, "/big", "/kept"); code != exitOK {
				t.Fatalf("first recording exited %d", code)
			}
			version.Store(2)
			if rec, code := recordSession(t, upstream.URL, path, nil, "/big"); code != exitOK {
				t.Fatalf("second recording exited %d: %s", code, rec.stderr.String())
			}
			l, err := library.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			left, err := l.UnusedBodies()
			if err != nil {
				t.Fatal(err)
			}
			if len(left) != 0 {
				t.Errorf("body files no exchange uses are left: %q", left)
			}
		})
	}
}

// -max-body-size sets the largest body that record, and serve in record
// mode, store: an exchange with a larger body is forwarded whole but not
// stored, and the log names the flag that raises the limit, where the
// error names only the Go options; 0 means no limit, where the default
// refuses a body of 64 MiB and a byte.
func TestMaxBodySizeFlag(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	const big = 64<<20 + 1
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/small":
			io.WriteString(w, "small")
		case "/mid":
			w.Write(bytes.Repeat([]byte("m"), 2000))
		case "/big":
			w.Header().Set("Content-Length", fmt.Sprint(big))
			w.Write(make([]byte, big))
		}
	}))
	defer upstream.Close()
	tests := []struct {
		why      string
		size     string
		paths    []string
		stored   []string // the paths stored, in name order
		wantCode int      // of record and serve
		wantLog  string   // in stderr, after "with cassette CMD: "
	}{
		{"a body over the limit is not stored", "1KiB", []string{"/small", "/mid"}, []string{"small"}, exitError,
			"-max-body-size SIZE (now 1KiB; 0 for no limit)"},
		{"decimal units, and a body at the limit is stored", "2KB", []string{"/small", "/mid"}, []string{"mid", "small"}, exitOK, ""},
		{"0 is no limit", "0", []string{"/big"}, []string{"big"}, exitOK, ""},
	}
	for _, tt := range tests {
		for _, cmd := range []string{"record", "serve"} {
			t.Run(cmd+"/"+tt.why, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "api")
				args := []string{"record", "-upstream", upstream.URL, "-max-body-size", tt.size, path}
				if cmd == "serve" {
					args = []string{"serve", "-mode", "record", "-upstream", upstream.URL, "-max-body-size", tt.size, path}
				}
				p := start(t, args...)
				base := p.baseURL()
				for _, u := range tt.paths {
					resp, err := http.Get(base + u)
					if err != nil {
						t.Fatal(err)
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				code := p.stop()
				if code != tt.wantCode {
					t.Errorf("run(%q) exited %d, want %d; stderr:\n%s", args, code, tt.wantCode, p.stderr.String())
				}
				if tt.wantLog != "" {
					want := "with cassette " + cmd + ": " + tt.wantLog
					if out := p.stderr.String(); !strings.Contains(out, "larger than the 1 KiB limit") || !strings.Contains(out, want) {
						t.Errorf("run(%q) stderr does not say the body was over the limit and %q:\n%s", args, want, out)
					}
				}
				lib, err := library.Open(path)
				if err != nil {
					t.Fatal(err)
				}
				names, err := lib.Names()
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, n := range names {
					got = append(got, n[strings.LastIndex(n, "_")+1:])
				}
				if !slices.Equal(got, tt.stored) {
					t.Errorf("run(%q) stored %q, want %q; stderr:\n%s", args, got, tt.stored, p.stderr.String())
				}
			})
		}
	}
}

// Every line of cassette serve that says a body was over the limit names
// the flag that raises it, the closing error included (found by a review:
// that one named only the Go options).
func TestServeNamesTheFlagWhenABodyIsOverTheLimit(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(bytes.Repeat([]byte("m"), 2000))
	}))
	defer upstream.Close()
	for _, mode := range []string{"record", "rerecord"} {
		t.Run(mode, func(t *testing.T) {
			t.Setenv("TMPDIR", t.TempDir())
			path := filepath.Join(t.TempDir(), "api")
			p := start(t, "serve", "-mode", mode, "-upstream", upstream.URL, "-max-body-size", "1KiB", path)
			resp, err := http.Get(p.baseURL() + "/mid")
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if code := p.stop(); code != exitError {
				t.Errorf("serve -mode %s exited %d, want %d", mode, code, exitError)
			}
			out := p.stderr.String()
			n := 0
			for _, line := range strings.Split(out, "\n") {
				if strings.Contains(line, "recorder.MaxBodySize") {
					n++
					if !strings.Contains(line, "-max-body-size SIZE (now 1KiB") {
						t.Errorf("a line names the Go options only, not the flag:\n%s", line)
					}
				}
			}
			if n < 2 {
				t.Errorf("stderr says %d time(s) that the body was over the limit, want at the time and at the end:\n%s", n, out)
			}
		})
	}
}

// zeros is a request body of size zero bytes, made as it is read, that
// counts how many it has given.
type zeros struct {
	size int64
	read atomic.Int64
}

func (z *zeros) Read(p []byte) (int, error) {
	left := z.size - z.read.Load()
	if left <= 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), left)]
	clear(p)
	z.read.Add(int64(len(p)))
	return len(p), nil
}

// cassette serve reads no more of a request body than -max-body-size to
// name the request (found by a review: it read a body whole into memory):
// in record mode a body over it streams to the upstream, and is not
// stored, which serve says, exiting 1; in replay mode such a body, part
// of the name, is a miss that says why and names the flag.
func TestServeRequestBodyOverTheLimit(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	const size = 64 << 20 // more than the sockets between client and upstream hold
	var body atomic.Pointer[zeros]
	var givenAtFirstRead atomic.Int64
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [1]byte
		if _, err := io.ReadFull(r.Body, b[:]); err == nil {
			givenAtFirstRead.Store(body.Load().read.Load())
		}
		n, _ := io.Copy(io.Discard, r.Body)
		fmt.Fprintf(w, "got %d", n+1)
	}))
	defer upstream.Close()
	t.Run("record", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "api")
		p := start(t, "serve", "-mode", "record", "-upstream", upstream.URL, "-max-body-size", "1KiB", path)
		z := &zeros{size: size}
		body.Store(z)
		givenAtFirstRead.Store(-1)
		resp, err := http.Post(p.baseURL()+"/upload", "application/octet-stream", z)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if want := fmt.Sprintf("got %d", size); string(got) != want {
			t.Errorf("POST /upload of %d bytes: upstream answered %q, want %q", size, got, want)
		}
		if got := givenAtFirstRead.Load(); got < 0 || got >= size {
			t.Errorf("POST of %d bytes through serve -mode record -max-body-size 1KiB: the client had given %d when the upstream read the first, want fewer (the body streamed)", size, got)
		}
		code := p.stop()
		out := p.stderr.String()
		if code != exitError || !strings.Contains(out, "request body is larger than the 1 KiB limit, so it was not stored") || !strings.Contains(out, "-max-body-size SIZE (now 1KiB") {
			t.Errorf("serve exited %d, want %d, and stderr to say the request body was not stored and name the flag:\n%s", code, exitError, out)
		}
	})
	t.Run("replay", func(t *testing.T) {
		path, _ := writeLibrary(t, "api.json", recorded{"GET", "https://api.example.com/a", 200, "a"})
		p := start(t, "serve", "-max-body-size", "1KiB", path)
		resp, err := http.Post(p.baseURL()+"/upload", "application/octet-stream", &zeros{size: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, want := range []string{"larger than the 1 KiB limit (replayserver.MaxBodySize)", "no cassette recorded with\nthis limit holds this request", "replay it with the limit it was recorded with", "-max-body-size"} {
			if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(got), want) {
				t.Errorf("POST /upload of 1 MiB = %d, body lacks %q:\n%s", resp.StatusCode, want, got)
			}
		}
		p.stop()
	})
}

// An answer recorded whole before another of the same cassette broke off
// (a poll's first answer, then its last) does not stand for it: record,
// and serve in rerecord mode, exit 1 (found by a review: an exchange
// recorded before the break was taken for a retry).
func TestRecordExitsOneWhenABodyBreaksOffAfterAWholeOne(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	for _, args := range [][]string{{"record"}, {"serve", "-mode", "rerecord"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Setenv("TMPDIR", t.TempDir())
			var calls atomic.Int32
			upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if calls.Add(1) == 1 {
					io.WriteString(w, "running")
					return
				}
				brokenoff.Write(w, 1000, "done")
			}))
			defer upstream.Close()
			path := filepath.Join(t.TempDir(), "api")
			c := start(t, append(append(slices.Clone(args), "-upstream", upstream.URL), path)...)
			_, base := c.announce()
			if code, body := get(t, base+"/job"); code != 200 || body != "running" {
				t.Fatalf("first GET /job = %d %q", code, body)
			}
			resp, err := http.Get(base + "/job")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.ReadAll(resp.Body); err == nil {
				t.Fatalf("second GET /job read to its end; want it broken off")
			}
			resp.Body.Close()
			if code := c.stop(); code != exitError {
				t.Errorf("%q exited %d, want %d: the second answer of /job was not recorded, nor retried:\n%s", args, code, exitError, c.stderr.String())
			}
		})
	}
}

// A serve or record that cannot listen (a port in use) stops before it
// changes anything: no -unused list naming every cassette, which
// "cassette prune -unused FILE -force" run next would empty the library
// with, and a rerecord does not replace the library with nothing (found
// by a review).
func TestAListenErrorChangesNothing(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	for _, args := range [][]string{{"serve"}, {"serve", "-mode", "rerecord", "-upstream", "http://127.0.0.1:1"}, {"record", "-upstream", "http://127.0.0.1:1"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Setenv("TMPDIR", t.TempDir())
			path, names := writeLibrary(t, "api",
				recorded{"GET", "https://api.example.com/a", 200, "a"},
				recorded{"GET", "https://api.example.com/b", 200, "b"})
			report := filepath.Join(t.TempDir(), "unused.log")
			all := append(slices.Clone(args), "-addr", busy.Addr().String(), "-unused", report, "-strict", path)
			code, _, stderr := runSync(t, all...)
			if code != exitError || !strings.Contains(stderr, "address already in use") {
				t.Errorf("run(%q) = %d, stderr %q; want %d saying the address is in use", all, code, stderr, exitError)
			}
			if b, err := os.ReadFile(report); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("run(%q) could not listen, yet wrote -unused: %q, %v", all, b, err)
			}
			if after := cassetteNames(t, path); !slices.Equal(after, names) {
				t.Errorf("run(%q) could not listen, yet the library holds %q; want %q", all, after, names)
			}
		})
	}
}

// An -unused FILE that is a dangling symbolic link into a directory
// library, or a hard link to one of its cassette files, is replaced by the
// list, not written through: os.WriteFile left a stray file in the
// library or overwrote a cassette (found by a review).
func TestTheUnusedListIsNotWrittenThroughALink(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	for _, how := range []string{"dangling symlink", "hard link"} {
		for _, cmd := range []string{"serve", "record"} {
			t.Run(cmd+"/"+how, func(t *testing.T) {
				path, names := writeLibrary(t, "api", recorded{"GET", "https://api.example.com/a", 200, "a"})
				lib, err := library.Open(path)
				if err != nil {
					t.Fatal(err)
				}
				out := filepath.Join(t.TempDir(), "unused.log")
				switch how {
				case "dangling symlink":
					if err := os.Symlink(filepath.Join(path, "unused.log"), out); err != nil {
						t.Skipf("no symbolic links here: %v", err)
					}
				case "hard link":
					if err := os.Link(filepath.Join(path, lib.File(names[0])), out); err != nil {
						t.Skipf("no hard links here: %v", err)
					}
				}
				args := []string{cmd, "-unused", out, path}
				if cmd == "record" {
					args = []string{cmd, "-upstream", "http://127.0.0.1:1", "-unused", out, path}
				}
				ctx, cancel := context.WithCancel(context.Background())
				cancel() // serve stops at once
				var stdout, stderr bytes.Buffer
				run(ctx, args, &stdout, &stderr)
				after, err := library.Open(path)
				if err != nil {
					t.Fatal(err)
				}
				if got, err := after.Names(); err != nil || !slices.Equal(got, names) {
					t.Errorf("after run(%q) the library holds %q, %v; want %q", args, got, err, names)
				} else if _, _, err := after.Get(names[0]); err != nil {
					t.Errorf("after run(%q) cassette %s no longer reads: %v", args, names[0], err)
				}
				if fi, err := os.Lstat(out); err != nil || !fi.Mode().IsRegular() {
					t.Errorf("-unused %s after the run: %v, %v; want a regular file of its own", out, fi, err)
				}
			})
		}
	}
}

// An -unused FILE that is a dangling symbolic link to the library, which
// the run then creates, is replaced by the list, not written through: the
// check at the start could not see where it led, and the list overwrote
// the library just recorded (found by a review).
func TestTheUnusedListIsNotWrittenThroughALinkToALibraryMadeMeanwhile(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	t.Setenv("TMPDIR", t.TempDir())
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello")
	}))
	defer upstream.Close()
	for _, args := range [][]string{{"record"}, {"serve", "-mode", "record"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "api.json") // not there yet
			out := filepath.Join(dir, "unused.log")
			if err := os.Symlink(path, out); err != nil {
				t.Skipf("no symbolic links here: %v", err)
			}
			c := start(t, append(slices.Clone(args), "-upstream", upstream.URL, "-unused", out, path)...)
			if code, body := get(t, c.baseURL()+"/a"); code != 200 || body != "hello" {
				t.Fatalf("GET /a = %d %q", code, body)
			}
			code := c.stop()
			if names := cassetteNames(t, path); len(names) != 1 {
				t.Errorf("%q exited %d; the library holds %q, want the cassette of /a\nstderr:\n%s", args, code, names, c.stderr.String())
			}
			if fi, err := os.Lstat(out); err != nil || !fi.Mode().IsRegular() {
				t.Errorf("-unused %s after the run: %v, %v; want a regular file of its own", out, fi, err)
			}
		})
	}
}

// A record in which a request was not recorded (its body broke off, or was
// over the limit) writes no -unused list: it would name that request's
// cassette as not recorded again, and "cassette prune -unused FILE
// -force" would delete the only copy (found by a review).
func TestRecordWritesNoUnusedListWhenARequestWasNotRecorded(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	t.Setenv("TMPDIR", t.TempDir())
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		brokenoff.Write(w, 1000, "part")
	}))
	defer upstream.Close()
	path, names := writeLibrary(t, "api", recorded{"GET", upstream.URL + "/a", 200, "old"})
	report := filepath.Join(t.TempDir(), "unused.log")
	if err := os.WriteFile(report, []byte("an earlier session's list\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := start(t, "record", "-upstream", upstream.URL, "-unused", report, path)
	if resp, err := http.Get(c.baseURL() + "/a"); err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if code := c.stop(); code != exitError {
		t.Errorf("record exited %d; want %d", code, exitError)
	}
	if b, err := os.ReadFile(report); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("-unused %s = %q, %v; want no file (and not the earlier session's)", report, b, err)
	}
	if !strings.Contains(c.stderr.String(), "-unused "+report+" removed, not written") {
		t.Errorf("stderr does not say why -unused was not written:\n%s", c.stderr.String())
	}
	runSync(t, "prune", "-unused", report, "-force", path)
	if after := cassetteNames(t, path); !slices.Equal(after, names) {
		t.Errorf("the library holds %q; want %q", after, names)
	}
}

// cassette serve -mode rerecord stopped before any request came leaves the
// library as it was, and says so with status 1: it replaced it with
// nothing, with status 0 (found by a review).
func TestServeRerecordOfNothingKeepsTheLibrary(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	t.Setenv("TMPDIR", t.TempDir())
	path, names := writeLibrary(t, "api",
		recorded{"GET", "https://api.example.com/a", 200, "a"},
		recorded{"GET", "https://api.example.com/b", 200, "b"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // Ctrl-C as it starts
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"serve", "-mode", "rerecord", "-upstream", "http://127.0.0.1:1", path}, &stdout, &stderr)
	if after := cassetteNames(t, path); !slices.Equal(after, names) {
		t.Errorf("the library holds %q; want %q", after, names)
	}
	if code != exitError || !strings.Contains(stderr.String(), "nothing was recorded, so the library is left unchanged") {
		t.Errorf("serve -mode rerecord of nothing = %d, stderr:\n%s\nwant %d saying the library is left unchanged", code, stderr.String(), exitError)
	}
}

// A request the upstream did not answer (the proxy answered 502) is not
// recorded: record exits 1 saying so, and writes no -unused list, which
// would name its cassette as not recorded again for prune -force to
// delete (found by a review).
func TestRecordOfARequestTheUpstreamDidNotAnswer(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	t.Setenv("TMPDIR", t.TempDir())
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		conn.Close() // no answer at all
	}))
	defer upstream.Close()
	path, names := writeLibrary(t, "api", recorded{"GET", upstream.URL + "/a", 200, "old"})
	report := filepath.Join(t.TempDir(), "unused.log")
	c := start(t, "record", "-upstream", upstream.URL, "-unused", report, path)
	if code, _ := get(t, c.baseURL()+"/a"); code != http.StatusBadGateway {
		t.Fatalf("GET /a = %d; want 502", code)
	}
	code := c.stop()
	if code != exitError || !strings.Contains(c.stderr.String(), "1 request(s) got no answer from the upstream") {
		t.Errorf("record exited %d; want %d saying a request got no answer:\n%s", code, exitError, c.stderr.String())
	}
	if b, err := os.ReadFile(report); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("-unused %s = %q, %v; want no file", report, b, err)
	}
	runSync(t, "prune", "-unused", report, "-force", path)
	if after := cassetteNames(t, path); !slices.Equal(after, names) {
		t.Errorf("the library holds %q; want %q", after, names)
	}
}

// A client that leaves while uploading its request body, and a request
// cut off by a stop at once while it awaits its headers, are not requests
// the upstream did not answer (found by a review: the log line of the
// proxy was matched, and counted them).
func TestRecordOfAClientThatLeftMidUploadBlamesNoUpstream(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	t.Setenv("TMPDIR", t.TempDir())
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Write([]byte("ok"))
	}))
	defer upstream.Close()
	path := filepath.Join(t.TempDir(), "lib")
	c := start(t, "record", "-upstream", upstream.URL, path)
	base := c.baseURL()
	u, _ := url.Parse(base)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /up HTTP/1.1\r\nHost: %s\r\nContent-Length: 1000\r\n\r\n0123456789", u.Host)
	conn.(*net.TCPConn).CloseWrite() // the client leaves mid-body
	io.ReadAll(conn)                 // the proxy's answer, if any, then EOF
	conn.Close()
	if code, _ := get(t, base+"/fast"); code != 200 {
		t.Fatalf("GET /fast = %d", code)
	}
	code := c.stop()
	t.Logf("stderr:\n%s", c.stderr.String())
	if strings.Contains(c.stderr.String(), "got no answer from the upstream") {
		t.Errorf("record exited %d saying the upstream did not answer, though the client left mid-upload and the upstream was never asked:\n%s", code, c.stderr.String())
	}
}
func TestRecordOfARequestCutByTheStopBlamesNoUpstream(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	t.Setenv("TMPDIR", t.TempDir())
	arrived := make(chan struct{})
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-r.Context().Done()
	}))
	defer upstream.Close()
	path := filepath.Join(t.TempDir(), "lib")
	c := start(t, "record", "-upstream", upstream.URL, path)
	go http.Get(c.baseURL() + "/slow")
	<-arrived
	c.now() // a second interrupt: stop at once
	code := c.stop()
	t.Logf("exit %d, stderr:\n%s", code, c.stderr.String())
	if strings.Contains(c.stderr.String(), "got no answer from the upstream") {
		t.Errorf("record says the upstream did not answer a request the stop cut off")
	}
}

// What another writer of the library saved after record's own last save,
// and before record dropped the earlier exchanges, is kept: the drop is
// merged with the stored cassette, not put whole over it.
func TestRecordAgainKeepsWhatAnotherWriterSavedJustBefore(t *testing.T) {
	for _, name := range []string{"api.json", "api"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name)
			since := time.Now().Round(0)
			at := func(d time.Duration, body string) library.Exchange { return pollAt(since.Add(d), body) }
			lib, err := library.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := lib.Append("poll", at(-time.Hour, "earlier"), at(time.Millisecond, "this session's")); err != nil {
				t.Fatal(err)
			}
			if err := lib.Save(); err != nil {
				t.Fatal(err)
			}
			other, err := library.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := other.Append("poll", at(2*time.Millisecond, "another writer's")); err != nil {
				t.Fatal(err)
			}
			if err := other.Save(); err != nil {
				t.Fatal(err)
			}
			if err := dropEarlier(lib, []string{"poll"}, map[string]int{"poll": 1}, since); err != nil {
				t.Fatal(err)
			}
			after, err := library.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			c, _, err := after.Get("poll")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, ex := range c.Exchanges {
				got = append(got, string(ex.Response.Body))
			}
			if want := []string{"this session's", "another writer's"}; !slices.Equal(got, want) {
				t.Errorf("cassette poll holds %q; want %q", got, want)
			}
		})
	}
}

// pollAt returns an exchange of the cassette "poll" answered with body,
// recorded at t.
func pollAt(t time.Time, body string) library.Exchange {
	return library.Exchange{
		Request:    library.Request{Method: "GET", URL: "http://api.example/poll"},
		Response:   library.Response{StatusCode: 200, Body: []byte(body)},
		RecordedAt: t.UTC(),
	}
}

// A record that writes no -unused list (a request was not recorded, or
// the library was not saved) removes the list of an earlier session at
// FILE, but not a folder made there during the run (FILE is refused at
// start when it is one): it removed an empty one, saying an earlier
// session's list was removed, and called one holding files a list it
// could not remove (as writeList did, 79f1a7d).
func TestRecordLeavesAFolderMadeInPlaceOfItsUnusedList(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	t.Setenv("TMPDIR", t.TempDir())
	for _, tc := range []struct {
		name    string
		unsaved bool   // the library cannot be saved, rather than a request not recorded
		why     string // what stderr says
	}{
		{"a request not recorded", false, "as some requests were not recorded"},
		{"the library not saved", true, "cassette record: recorder: save "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			lib := filepath.Join(dir, "api.json")
			report := filepath.Join(dir, "unused.log")
			upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				// During the run, a folder takes the list's place.
				if err := os.Mkdir(report, 0o755); err != nil {
					t.Error(err)
				}
				if tc.unsaved {
					// The file the recording saves to is a folder now.
					if err := os.Mkdir(lib, 0o755); err != nil {
						t.Error(err)
					}
					io.WriteString(w, "whole")
					return
				}
				brokenoff.Write(w, 1000, "part")
			}))
			defer upstream.Close()
			c := start(t, "record", "-upstream", upstream.URL, "-unused", report, lib)
			if resp, err := http.Get(c.baseURL() + "/a"); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			if code := c.stop(); code != exitError {
				t.Errorf("record exited %d; want %d", code, exitError)
			}
			stderr := c.stderr.String()
			if !strings.Contains(stderr, tc.why) {
				t.Errorf("stderr does not say %q:\n%s", tc.why, stderr)
			}
			if fi, err := os.Lstat(report); err != nil || !fi.IsDir() {
				t.Errorf("-unused %s after the run: %v, %v; want the folder made there left", report, fi, err)
			}
			if strings.Contains(stderr, "-unused "+report+" removed") || strings.Contains(stderr, "could not be removed") {
				t.Errorf("stderr speaks of the folder at -unused as a list removed, or to remove:\n%s", stderr)
			}
		})
	}
}

// The warning said of each significant header record redacts that
// cassettes were told apart only by whether it was present: of a Cookie
// the cookies' names are kept, of an Authorization its scheme. It says
// what is kept of each.
func TestRecordWarnsWhatIsKeptOfASignificantHeaderItRedacts(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	upstream := echoAPI(t)
	rec, code := recordSession(t, upstream.URL, filepath.Join(t.TempDir(), "api"), []string{"-header", "cookie,Authorization,X-Api-Key"}, "/a")
	if code != exitOK {
		t.Fatalf("record exited with %d, want 0; stderr:\n%s", code, rec.stderr.String())
	}
	lines := strings.Split(rec.stderr.String(), "\n")
	for header, want := range map[string]string{
		"Cookie":        "their names are kept, so cassettes are told apart by the names of the cookies a request sends",
		"Authorization": "its scheme is kept (Bearer, Basic), so cassettes are told apart by the scheme a request uses",
		"X-Api-Key":     "cassettes are told apart only by whether it is present",
	} {
		var line string
		for _, l := range lines {
			if strings.Contains(l, "cassette record: header "+header+" is significant but redacted") {
				line = l
			}
		}
		if !strings.Contains(line, want) {
			t.Errorf("record -header %s warned %q, want it to say %q", header, line, want)
		}
	}
}
