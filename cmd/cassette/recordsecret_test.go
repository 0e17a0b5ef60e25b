package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// cassette record stored a token endpoint's answer as sent without a
// word: it now says, on stderr, which secret fields the stored response
// body holds, never their values, as cassette audit would report them.
func TestRecordLogsTheSecretFieldsOfAResponseBody(t *testing.T) {
	t.Setenv("CI", "")
	t.Setenv("CASSETTE_MODE", "")
	const token = "ya29.a0AfH6SMBx3kQ9zz"
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/token" {
			io.WriteString(w, `{"access_token":"`+token+`","token_type":"Bearer","expires_in":3599}`)
			return
		}
		io.WriteString(w, `{"id":1}`)
	}))
	defer upstream.Close()
	path := filepath.Join(t.TempDir(), "api")
	rec := start(t, "record", "-upstream", upstream.URL, path)
	_, proxy := rec.announce()
	for _, p := range []string{"/token", "/users/1"} {
		resp, err := http.Post(proxy+p, "application/x-www-form-urlencoded", strings.NewReader("grant_type=client_credentials"))
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if code := rec.stop(); code != exitOK {
		t.Fatalf("record exited with %d, want 0; stderr:\n%s", code, rec.stderr.String())
	}
	stderr := rec.stderr.String()
	var lines []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.Contains(l, "secret field") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 || !strings.Contains(lines[0], "POST "+upstream.URL+"/token:") || !strings.Contains(lines[0], "secret field(s) access_token as sent") {
		t.Errorf("stderr = %q, want one line on the secret field access_token of POST /token", stderr)
	}
	if strings.Contains(stderr, token) {
		t.Errorf("stderr holds the token: %q", stderr)
	}
}

// cassette record stored a JSON login's password in the request body as
// sent without a word: it now says so on stderr, naming the field, never
// its value.
func TestRecordLogsTheSecretFieldsOfARequestBody(t *testing.T) {
	t.Setenv("CI", "")
	t.Setenv("CASSETTE_MODE", "")
	const password = "hunter2hunter2"
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	}))
	defer upstream.Close()
	path := filepath.Join(t.TempDir(), "api")
	rec := start(t, "record", "-upstream", upstream.URL, path)
	_, proxy := rec.announce()
	for _, p := range []string{"/login", "/search"} {
		body := `{"user":"ada","password":"` + password + `"}`
		if p == "/search" {
			body = `{"q":"cats"}`
		}
		resp, err := http.Post(proxy+p, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if code := rec.stop(); code != exitOK {
		t.Fatalf("record exited with %d, want 0; stderr:\n%s", code, rec.stderr.String())
	}
	stderr := rec.stderr.String()
	var lines []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.Contains(l, "secret field") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 || !strings.Contains(lines[0], "POST "+upstream.URL+"/login:") || !strings.Contains(lines[0], "request body was stored with the secret field(s) password as sent") {
		t.Errorf("stderr = %q, want one line on the secret field password of POST /login", stderr)
	}
	if strings.Contains(stderr, password) {
		t.Errorf("stderr holds the password: %q", stderr)
	}
}
