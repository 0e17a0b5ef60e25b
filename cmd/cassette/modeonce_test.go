package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cassette-go/cassette/library"
)

// serve -mode once gives the default mode of the tests, as CASSETTE_MODE=once
// does: with -upstream it records a library that does not exist, then
// replays it without one; with CI set it never records.
func TestServeModeOnce(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	t.Setenv("CI", "")
	var calls atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		io.WriteString(w, "hello from "+r.URL.Path)
	}))
	defer api.Close()
	get := func(t *testing.T, url string) (int, string) {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(b)
	}
	path := filepath.Join(t.TempDir(), "lib")

	t.Run("in CI a missing library is not recorded", func(t *testing.T) {
		t.Setenv("CI", "true")
		code, _, stderr := runSync(t, "serve", "-mode", "once", "-upstream", api.URL, path)
		// Advice in the command line's words, that works in CI.
		want := "cassette serve: cassette library does not exist: " + path + "\n" +
			"\tto record it: cassette serve -mode record -upstream URL " + path + " (-mode once records nothing while the environment variable CI is set)\n"
		if code != exitError || stderr != want {
			t.Errorf("serve -mode once in CI on a missing library = %d, stderr %q; want %d and %q", code, stderr, exitError, want)
		}
		if lib, err := library.Open(path); err != nil || lib.Exists() {
			t.Errorf("the library exists after a run in CI (%v)", err)
		}
	})

	t.Run("without -upstream a missing library is not recorded", func(t *testing.T) {
		code, _, stderr := runSync(t, "serve", "-mode", "once", path)
		want := "cassette serve: cassette library does not exist: " + path + "\n" +
			"\tto record it: cassette serve -mode once -upstream URL " + path + " (records it, then replays it on later runs)\n" +
			"\tor: cassette serve -mode record -upstream URL " + path + " (records what no cassette answers)\n"
		if code != exitError || stderr != want {
			t.Errorf("serve -mode once without -upstream on a missing library = %d, stderr %q; want %d and %q", code, stderr, exitError, want)
		}
	})

	t.Run("records a missing library", func(t *testing.T) {
		p := start(t, "serve", "-mode", "once", "-upstream", api.URL, path)
		if status, body := get(t, p.baseURL()+"/a"); status != 200 || body != "hello from /a" {
			t.Errorf("GET /a = %d %q, want 200 from the upstream", status, body)
		}
		if code := p.stop(); code != exitOK {
			t.Fatalf("exit %d, want 0; stderr:\n%s", code, p.stderr.String())
		}
		if n := calls.Load(); n != 1 {
			t.Fatalf("upstream called %d times, want 1", n)
		}
		// The start line says once chose to record, not "mode record".
		if want := "cassette: mode once, recording the missing library, forwarding to " + api.URL + "\n"; !strings.Contains(p.stdout.String(), want) {
			t.Errorf("stdout:\n%s\nwant the line %q", p.stdout.String(), want)
		}
	})

	t.Run("replays an existing library without an upstream", func(t *testing.T) {
		p := start(t, "serve", "-mode", "once", path)
		base := p.baseURL()
		if status, body := get(t, base+"/a"); status != 200 || body != "hello from /a" {
			t.Errorf("GET /a = %d %q, want the recorded answer", status, body)
		}
		if status, _ := get(t, base+"/b"); status != http.StatusNotFound {
			t.Errorf("GET /b (never recorded) = %d, want a 404 miss", status)
		}
		if code := p.stop(); code != exitOK {
			t.Errorf("exit %d, want 0; stderr:\n%s", code, p.stderr.String())
		}
		if n := calls.Load(); n != 1 {
			t.Errorf("upstream called %d times in all, want 1: once replays an existing library", n)
		}
		if want := "cassette: mode once, replaying the existing library\n"; !strings.Contains(p.stdout.String(), want) {
			t.Errorf("stdout:\n%s\nwant the line %q", p.stdout.String(), want)
		}
	})
}

// serve -h says, at -upstream, that once records from it: the flag's help
// named only the modes that forward.
func TestServeHelpUpstreamNamesOnce(t *testing.T) {
	_, stdout, stderr := runSync(t, "serve", "-h")
	help := stdout + stderr
	i := strings.Index(help, "-upstream URL\n")
	if i < 0 {
		t.Fatalf("cassette serve -h has no -upstream flag:\n%s", help)
	}
	flag, _, _ := strings.Cut(help[i:], "\n  -")
	if !strings.Contains(flag, "once") {
		t.Errorf("cassette serve -h, -upstream:\n%s\nwant it to say once records from it", flag)
	}
}
