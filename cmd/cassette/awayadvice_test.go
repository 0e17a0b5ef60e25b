package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
)

// An answer that sends the client on to the API's own address (a redirect
// to an absolute URL) is told of in the command line's words: record and
// serve named Go's remedies (replayserver.New and srv.Client(),
// recorder.NewTransport, srv.Transport()), which a client of the command
// line, curl or Python, has not. The remedy they name instead, the
// command as the client's HTTP proxy, records the request that follows.
func TestAwayAnswerAdviceInCommandLineWords(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	t.Setenv("CI", "")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/start" {
			http.Redirect(w, r, "http://"+r.Host+"/next", http.StatusFound)
			return
		}
		io.WriteString(w, "next")
	}))
	defer api.Close()
	for _, args := range [][]string{
		{"record", "-upstream", api.URL},
		{"serve", "-mode", "record", "-upstream", api.URL},
	} {
		lib := filepath.Join(t.TempDir(), "api")
		p := start(t, append(args, lib)...)
		if code, body := get(t, p.baseURL()+"/start"); code != 200 || body != "next" {
			t.Fatalf("GET /start through %q = %d %q, want 200 \"next\" (the redirect followed)", args, code, body)
		}
		p.stop()
		stderr := p.stderr.String()
		if !strings.Contains(stderr, "the API's own address") {
			t.Fatalf("%q logged no warning of the redirect to the API's own address:\n%s", args, stderr)
		}
		for _, goOnly := range []string{"srv.Client()", "srv.Transport()", "recorder.NewTransport", "replayserver.New", "http.Client"} {
			if strings.Contains(stderr, goOnly) {
				t.Errorf("%q advises %s, which a client of the command line has not:\n%s", args, goOnly, stderr)
			}
		}
		if !strings.Contains(stderr, "as its HTTP proxy (curl -x ") {
			t.Errorf("%q does not advise giving the client the command as its HTTP proxy:\n%s", args, stderr)
		}
	}

	// The advice holds: the client given record as its proxy follows the
	// redirect through it, and serve, its proxy too, replays both.
	lib := filepath.Join(t.TempDir(), "api")
	viaProxy := func(proxy string) (int, string) {
		t.Helper()
		u, err := url.Parse(proxy)
		if err != nil {
			t.Fatal(err)
		}
		c := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(u)}}
		resp, err := c.Get(api.URL + "/start")
		if err != nil {
			t.Fatalf("GET /start through the proxy %s: %v", proxy, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	rec := start(t, "record", "-upstream", api.URL, lib)
	if code, body := viaProxy(rec.baseURL()); code != 200 || body != "next" {
		t.Fatalf("GET /start with record as the proxy = %d %q, want 200 \"next\"", code, body)
	}
	if code := rec.stop(); code != exitOK {
		t.Fatalf("record exited with %d; stderr:\n%s", code, rec.stderr.String())
	}
	api.Close()
	srv := start(t, "serve", "-strict", lib)
	if code, body := viaProxy(srv.baseURL()); code != 200 || body != "next" {
		t.Errorf("GET /start with serve as the proxy = %d %q, want 200 \"next\" replayed", code, body)
	}
	if code := srv.stop(); code != exitOK {
		t.Errorf("serve -strict exited with %d, want 0 (both cassettes recorded and used); stderr:\n%s", code, srv.stderr.String())
	}
}
