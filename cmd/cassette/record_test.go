package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

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

func TestRecordStrictListsCassettesNotRecordedAgain(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "answer for %s", r.URL.Path)
	}))
	defer upstream.Close()
	path := filepath.Join(t.TempDir(), "api")
	session := func(strict bool, paths ...string) (*proc, int) {
		args := []string{"record", "-upstream", upstream.URL}
		if strict {
			args = append(args, "-strict")
		}
		rec := start(t, append(args, path)...)
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
		rec := start(t, "record", "-upstream", upstream.URL, "-unused", report, path)
		_, proxy := rec.announce()
		for _, p := range paths {
			resp, err := http.Get(proxy + p)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		return rec.stop()
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
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	names, err := lib.Names()
	if err != nil || len(names) != 2 {
		t.Fatalf("library holds %q, %v; want the two cassettes", names, err)
	}
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
