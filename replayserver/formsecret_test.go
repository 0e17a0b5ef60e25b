package replayserver_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/recorder"
	"github.com/cassette-go/cassette/replayserver"
)

// A secret in a form body (OAuth's client_secret, Slack's token) is
// redacted as in a query: it never reaches the disk, it is not part of the
// name, so another developer's secret replays the same cassette, and a
// miss report does not show it.
func TestFormBodySecretsAreRedacted(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		if r.PostForm.Get("client_secret") == "" {
			http.Error(w, "no secret", http.StatusUnauthorized)
			return
		}
		io.WriteString(w, `{"access_token":"at-1","token_type":"bearer"}`)
	}))
	defer up.Close()
	path := filepath.Join(t.TempDir(), "oauth.json")
	token := func(t *testing.T, c *http.Client, base, secret string) (int, string) {
		t.Helper()
		resp, err := c.PostForm(base+"/oauth/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {"app"}, "client_secret": {secret}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	t.Run("record", func(t *testing.T) {
		srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(up.URL))
		if code, _ := token(t, srv.Client(), srv.URL, "s3cret-of-alice"); code != 200 {
			t.Errorf("recording: status %d", code)
		}
	})
	up.Close()
	if b, err := os.ReadFile(path); err != nil || strings.Contains(string(b), "s3cret-of-alice") || !strings.Contains(string(b), "client_secret=REDACTED") {
		t.Errorf("the library holds the secret, or not its placeholder (%v):\n%s", err, b)
	}
	t.Run("replay with another secret", func(t *testing.T) {
		srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict())
		if code, body := token(t, srv.Client(), srv.URL, "s3cret-of-bob"); code != 200 || !strings.Contains(body, "at-1") {
			t.Errorf("replay with Bob's secret: %d %q", code, body)
		}
	})
	t.Run("miss report", func(t *testing.T) {
		ft := newFakeTB(t)
		ft.do(func() {
			srv := replayserver.New(ft, path, replayserver.WithMode(replayserver.ModeReplay))
			resp, err := srv.Client().PostForm(srv.URL+"/oauth/token", url.Values{"grant_type": {"password"}, "password": {"hunter2-of-carol"}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		})
		ft.finish()
		if !ft.Failed() || strings.Contains(ft.errors(), "hunter2-of-carol") {
			t.Errorf("the miss report shows the password, or there was no miss:\n%s", ft.errors())
		}
	})
}

// A gzip-encoded form is redacted too: decoded, redacted and encoded
// again, so that the secret is not on disk and any secret replays it.
func TestGzipFormBodySecretsAreRedacted(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "token") }))
	defer up.Close()
	path := filepath.Join(t.TempDir(), "oauth.json")
	post := func(t *testing.T, rt http.RoundTripper, secret string) int {
		t.Helper()
		req, _ := http.NewRequest("POST", up.URL+"/oauth/token", bytes.NewReader(gz([]byte("grant_type=x&client_secret="+secret))))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Content-Encoding", "gzip")
		resp, err := (&http.Client{Transport: rt}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	t.Run("record", func(t *testing.T) {
		post(t, recorder.NewTransport(t, path), "SUPERSECRET1")
	})
	up.Close()
	r := storedRequest(t, path)
	zr, err := gzip.NewReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("the stored body is not gzip: %v", err)
	}
	if plain, _ := io.ReadAll(zr); string(plain) != "grant_type=x&client_secret=REDACTED" {
		t.Errorf("stored body decodes to %q", plain)
	}
	t.Run("replay with another secret", func(t *testing.T) {
		rt := replayserver.NewTransport(t, path, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict())
		if code := post(t, rt, "OTHER"); code != 200 {
			t.Errorf("status %d", code)
		}
	})
}
