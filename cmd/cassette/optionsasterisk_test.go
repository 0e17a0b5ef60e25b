package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
)

// OPTIONS * asks about a server as a whole. The http.Server of cassette
// record and serve answered it itself (200, empty): record never
// recorded it, and serve never replayed its cassette (-strict then
// failed). Both hand it to their handler.
func TestRecordAndServeOptionsAsterisk(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	api := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "GET, OPTIONS")
		fmt.Fprintf(w, "%s %s", r.Method, r.RequestURI)
	}))
	api.Config.DisableGeneralOptionsHandler = true // the API answers OPTIONS * itself
	api.Start()
	defer api.Close()
	star := func(t *testing.T, base string) {
		t.Helper()
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		req := &http.Request{Method: "OPTIONS", URL: &url.URL{Scheme: "http", Host: u.Host, Opaque: "*"}, Header: http.Header{}}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("OPTIONS * to %s: %v", base, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || string(b) != "OPTIONS *" || resp.Header.Get("Allow") != "GET, OPTIONS" {
			t.Errorf("OPTIONS * to %s = %d, Allow %q, %q; want 200, Allow \"GET, OPTIONS\", \"OPTIONS *\" (the API's answer)", base, resp.StatusCode, resp.Header.Get("Allow"), b)
		}
	}
	path := filepath.Join(t.TempDir(), "api")

	rec := start(t, "record", "-upstream", api.URL, path)
	_, proxy := rec.announce()
	star(t, proxy)
	if code := rec.stop(); code != exitOK {
		t.Fatalf("record exited with %d, want 0; stderr:\n%s", code, rec.stderr.String())
	}
	if names := cassetteNames(t, path); len(names) != 1 || !strings.HasPrefix(names[0], "OPTIONS_") {
		t.Fatalf("record stored %q, want one OPTIONS cassette", names)
	}

	srv := start(t, "serve", "-strict", path)
	star(t, srv.baseURL())
	if code := srv.stop(); code != exitOK {
		t.Errorf("serve -strict exited with %d, want 0; stderr:\n%s", code, srv.stderr.String())
	}
}

// cassette drift sends an OPTIONS * cassette's request to the upstream as
// OPTIONS *: its recorded URL ("http:*") has no host of its own, and
// drift failed it with "http: no Host in request URL".
func TestDriftOptionsAsterisk(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	var (
		mu   sync.Mutex // the API's handler runs on goroutines of its own
		say  = "server"
		seen []string
	)
	set := func(s string) {
		mu.Lock()
		defer mu.Unlock()
		say, seen = s, nil
	}
	api := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, r.Method+" "+r.RequestURI)
		fmt.Fprintf(w, "%s %s: %s", r.Method, r.RequestURI, say)
	}))
	api.Config.DisableGeneralOptionsHandler = true
	api.Start()
	defer api.Close()
	path := filepath.Join(t.TempDir(), "api")
	rec := start(t, "record", "-upstream", api.URL, path)
	_, proxy := rec.announce()
	u, err := url.Parse(proxy)
	if err != nil {
		t.Fatal(err)
	}
	req := &http.Request{Method: "OPTIONS", URL: &url.URL{Scheme: "http", Host: u.Host, Opaque: "*"}, Header: http.Header{}}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("OPTIONS * to %s: %v", proxy, err)
	}
	resp.Body.Close()
	if code := rec.stop(); code != exitOK {
		t.Fatalf("record exited with %d, want 0; stderr:\n%s", code, rec.stderr.String())
	}
	set("server")

	code, stdout, stderr := runSync(t, "drift", "-upstream", api.URL, path)
	if code != exitOK || stderr != "" || !strings.Contains(stdout, "0 of 1 cassette(s) drifted") {
		t.Errorf("drift of an unchanged OPTIONS * = %d, stderr %q\nstdout:\n%s", code, stderr, stdout)
	}
	mu.Lock()
	if len(seen) != 1 || seen[0] != "OPTIONS *" {
		t.Errorf("the upstream saw %q, want [\"OPTIONS *\"]", seen)
	}
	mu.Unlock()
	set("server v2")
	code, stdout, _ = runSync(t, "drift", "-upstream", api.URL, path)
	if code != exitError || !strings.Contains(stdout, "1 of 1 cassette(s) drifted") || !strings.Contains(stdout, "server v2") {
		t.Errorf("drift of an OPTIONS * whose answer changed = %d, want 1 and the body's change:\n%s", code, stdout)
	}
}

// cassette drift sends the credentials of an -upstream URL with an
// OPTIONS * cassette's request too, as with any other (README): its URL
// ("http:*") was given the upstream's host, but not its user, and went
// without the credentials, its recorded Authorization left out for them.
func TestDriftOptionsAsteriskSendsUpstreamCredentials(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	var mu sync.Mutex
	var seen []string
	api := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.RequestURI+" "+r.Header.Get("Authorization"))
		mu.Unlock()
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("ok"))
	}))
	api.Config.DisableGeneralOptionsHandler = true
	api.Start()
	defer api.Close()
	ex := exchange("OPTIONS", "http:*", "", 200, "text/plain", []byte("ok"), fixedNow)
	ex.Request.Header.Set("Authorization", "Basic REDACTED")
	path := filepath.Join(t.TempDir(), "api")
	writeExchanges(t, path, ex)
	up := strings.Replace(api.URL, "http://", "http://user:s3cret@", 1)
	code, stdout, stderr := runSync(t, "drift", "-upstream", up, path)
	if code != exitOK {
		t.Errorf("drift = %d:\n%s%s", code, stdout, stderr)
	}
	r, _ := http.NewRequest("OPTIONS", "/", nil)
	r.SetBasicAuth("user", "s3cret")
	want := "OPTIONS * " + r.Header.Get("Authorization")
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 1 || seen[0] != want {
		t.Errorf("the API got %q; want [%q], with the -upstream URL's credentials", seen, want)
	}
}

// An OPTIONS * request is stored with the URL its client sent ("https:*"),
// which holds no host: export writes the host of its cassette's name in
// the request's "_host", which import names it with. The import then
// renamed every exchange after redacting it, from its URL alone, so that
// without -no-redact the cassette came back named for no host
// ("OPTIONS_-~e3b0c4_443_-~u..."), a cassette no request reaches.
// Exchanges are now redacted before they are named, once.
func TestExportImportOptionsAsterisk(t *testing.T) {
	u := &url.URL{Scheme: "https", Host: "api.example.com", Opaque: "*"}
	req := &http.Request{Method: "OPTIONS", URL: u, Host: u.Host, Header: http.Header{"Authorization": {"Bearer REDACTED"}}}
	name := naming.Name(req, nil, naming.Default())
	src := filepath.Join(t.TempDir(), "api")
	lib, err := library.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	ex := library.Exchange{
		Request:  library.Request{Method: "OPTIONS", URL: u.String(), Header: req.Header}, // "https:*", as the recorders store it
		Response: library.Response{StatusCode: 204, Header: http.Header{"Allow": {"GET, OPTIONS"}}},
	}
	if err := lib.Append(name, ex); err != nil {
		t.Fatal(err)
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	har := filepath.Join(t.TempDir(), "api.har")
	if code, _, stderr := runSync(t, "export", "-to", "har", src, har); code != exitOK {
		t.Fatalf("export = %d, stderr %q", code, stderr)
	}
	for _, redact := range []bool{true, false} {
		dst := filepath.Join(t.TempDir(), "back")
		args := []string{"import", "-from", "har", har, dst}
		if !redact {
			args = slices.Insert(args, 3, "-no-redact")
		}
		if code, _, stderr := runSync(t, args...); code != exitOK {
			t.Fatalf("%q = %d, stderr %q", args, code, stderr)
		}
		if got := cassetteNames(t, dst); !slices.Equal(got, []string{name}) {
			t.Errorf("%q imported cassettes %q, want %q (the host from _host)", args, got, name)
		}
	}
}
