package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// A library holding credentials as sent (recorded or imported with
// -no-redact) is named by them: cassette serve answers it only with
// -no-redact, as replayserver.NoDefaultRedaction does, since without it
// serve names each request redacted and misses.
func TestServeNoRedactAnswersALibraryKeptUnredacted(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path := filepath.Join(t.TempDir(), "api")
	ex := exchange("GET", "http://api.example.com/v1/me?api_key=0123456789abcdef0123456789abcdef&page=1", "", 200, "text/plain", []byte("me"), fixedNow)
	writeExchanges(t, path, ex)

	for _, tt := range []struct {
		flags []string
		want  int
	}{
		{nil, http.StatusNotFound},
		{[]string{"-no-redact"}, http.StatusOK},
	} {
		p := start(t, append(append([]string{"serve"}, tt.flags...), path)...)
		code, body := get(t, p.baseURL()+"/v1/me?api_key=0123456789abcdef0123456789abcdef&page=1")
		p.stop()
		if code != tt.want || (tt.want == http.StatusOK && body != "me") {
			t.Errorf("serve %v: GET /v1/me?api_key=… = %d %q, want %d", tt.flags, code, body, tt.want)
		}
	}
}

// cassette record -no-redact stores credentials as sent, names requests
// by them, and cassette serve -no-redact replays them; without it they
// are REDACTED, as before.
func TestRecordNoRedactKeepsCredentials(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Set-Cookie", "session=s3cr3t")
		io.WriteString(w, "hello "+r.Header.Get("Authorization"))
	}))
	defer upstream.Close()
	const target = "/v1/me?access_token=tok123"
	for _, tt := range []struct {
		flags []string
		kept  bool
	}{
		{nil, false},
		{[]string{"-no-redact"}, true},
	} {
		path := filepath.Join(t.TempDir(), "api")
		rec := start(t, append(append([]string{"record", "-upstream", upstream.URL}, tt.flags...), path)...)
		_, proxy := rec.announce()
		req, err := http.NewRequest("GET", proxy+target, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer abc")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if code := rec.stop(); code != exitOK {
			t.Fatalf("record %v exited with %d; stderr:\n%s", tt.flags, code, rec.stderr.String())
		}
		cs := loadAll(t, path)
		if len(cs) != 1 || len(cs[0].Exchanges) != 1 {
			t.Fatalf("record %v stored %d cassettes, want 1 with one exchange", tt.flags, len(cs))
		}
		ex := cs[0].Exchanges[0]
		stored := map[string]string{
			"Authorization": ex.Request.Header.Get("Authorization"),
			"query":         ex.Request.URL,
			"Set-Cookie":    ex.Response.Header.Get("Set-Cookie"),
		}
		for what, v := range stored {
			secret := map[string]string{"Authorization": "Bearer abc", "query": "tok123", "Set-Cookie": "s3cr3t"}[what]
			if got := strings.Contains(v, secret); got != tt.kept {
				t.Errorf("record %v: %s stored as %q; want the credential kept: %v", tt.flags, what, v, tt.kept)
			}
		}

		flags := append(append([]string{"serve", "-strict"}, tt.flags...), path)
		p := start(t, flags...)
		req, _ = http.NewRequest("GET", p.baseURL()+target, nil)
		req.Header.Set("Authorization", "Bearer abc")
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if code := p.stop(); resp.StatusCode != http.StatusOK || code != exitOK {
			t.Errorf("serve %v of what record %v stored: %d %q, exit %d; want 200 and exit 0; stderr:\n%s", tt.flags, tt.flags, resp.StatusCode, body, code, p.stderr.String())
		}
	}
}

// The warning of a significant header that is redacted says how to tell
// callers apart by it after all: with -no-redact, which serve, record and
// import take (e015802). record and import did not name it, and serve
// named replayserver's NoDefaultRedaction, which is no flag.
func TestSignificantRedactedWarningsNameNoRedact(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	const hint = "or keep its value with -no-redact"
	check := func(cmd, stderr string) {
		t.Helper()
		line := ""
		for l := range strings.Lines(stderr) {
			if strings.Contains(l, "header Authorization is significant but redacted") {
				line = l
			}
		}
		if !strings.Contains(line, hint) || strings.Contains(line, "NoDefaultRedaction") {
			t.Errorf("%s warned %q; want a warning ending %q", cmd, line, hint)
		}
	}
	lib := filepath.Join(t.TempDir(), "api")
	code, _, stderr := runSync(t, "import", "-from", "har", "-header", "Authorization", chromiumHAR, lib)
	if code != exitOK {
		t.Fatalf("import = %d, stderr %q", code, stderr)
	}
	check("import", stderr)

	p := start(t, "serve", "-header", "Authorization", lib)
	p.baseURL()
	p.stop()
	check("serve", p.stderr.String())

	rec, code := recordSession(t, echoAPI(t).URL, filepath.Join(t.TempDir(), "rec"), []string{"-header", "Authorization"}, "/a")
	if code != exitOK {
		t.Fatalf("record exited with %d; stderr:\n%s", code, rec.stderr.String())
	}
	check("record", rec.stderr.String())
}

// A library imported or recorded with -no-redact is named by the
// credentials it keeps: served without -no-redact, every request whose
// name holds one misses, with a report that points elsewhere (leave the
// parameter out of names). import and record say so when they keep
// credentials, as import says with which naming rules to serve what it
// named; they said nothing.
func TestNoRedactSaysToServeWithIt(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	const hint = "serve the library with -no-redact"
	for _, noRedact := range []bool{false, true} {
		var flags []string
		if noRedact {
			flags = []string{"-no-redact"}
		}
		args := append(append([]string{"import", "-from", "har"}, flags...), chromiumHAR, filepath.Join(t.TempDir(), "api"))
		code, stdout, stderr := runSync(t, args...)
		if code != exitOK {
			t.Fatalf("%q = %d, stderr %q", args, code, stderr)
		}
		if strings.Contains(stdout, hint) != noRedact {
			t.Errorf("%q printed %q; want %q in it: %v", args, stdout, hint, noRedact)
		}

		rec, code := recordSession(t, echoAPI(t).URL, filepath.Join(t.TempDir(), "rec"), flags, "/a")
		if code != exitOK {
			t.Fatalf("record %q exited with %d; stderr:\n%s", flags, code, rec.stderr.String())
		}
		if out := rec.stdout.String(); strings.Contains(out, hint) != noRedact {
			t.Errorf("record %q printed %q; want %q in it: %v", flags, out, hint, noRedact)
		}
	}
}
