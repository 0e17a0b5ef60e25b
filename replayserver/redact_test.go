package replayserver_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// secretAPI checks credentials the way a real API would not: it answers
// whatever they are, and echoes nothing secret.
func secretAPI(t *testing.T) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "sess-SECRET-cookie-value", Path: "/"})
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"path":%q,"token":"body-SECRET-token"}`, r.URL.Path)
	}))
	t.Cleanup(s.Close)
	return s
}

type creds struct{ bearer, apiKey, cookie, query string }

func callWith(t *testing.T, base string, c creds) []string {
	t.Helper()
	var out []string
	for _, p := range []string{"/v1/me", "/v1/items?access_token=" + c.query + "&page=2", "/v1/search?api_key=" + c.query + "&signature=" + c.query} {
		req, _ := http.NewRequest("GET", base+p, nil)
		req.Header.Set("Authorization", "Bearer "+c.bearer)
		req.Header.Set("X-Api-Key", c.apiKey)
		req.Header.Set("Cookie", "session="+c.cookie+"; theme=dark")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		out = append(out, fmt.Sprintf("%d %s", resp.StatusCode, b))
	}
	return out
}

func TestSecretsAreNeverStoredAndOtherCredentialsReplay(t *testing.T) {
	for _, kind := range libraryKinds {
		t.Run(kind, func(t *testing.T) {
			t.Setenv("CASSETTE_MODE", "")
			up := secretAPI(t)
			path, opts := libPath(t, kind)
			mine := creds{"bearer-SECRET-1", "apikey-SECRET-2", "cookie-SECRET-3", "query-SECRET-4"}
			// A hook removes the token an API returns in its JSON body.
			hook := replayserver.BeforeSave(func(ex *library.Exchange) error {
				var v map[string]any
				if json.Unmarshal(ex.Response.Body, &v) == nil && v["token"] != nil {
					v["token"] = "REDACTED"
					ex.Response.Body, _ = json.Marshal(v)
				}
				return nil
			})
			ft := newFakeTB(t)
			var recorded []string
			ft.do(func() {
				srv := replayserver.New(ft, path, append(opts, replayserver.Upstream(up.URL), replayserver.WithMode(replayserver.ModeRecord), hook)...)
				recorded = callWith(t, srv.URL, mine)
			})
			ft.finish()
			if ft.Failed() {
				t.Fatalf("recording failed: %s", ft.errors())
			}
			if !strings.Contains(recorded[0], "body-SECRET-token") {
				t.Errorf("while recording, the client got %q: redaction must not change what the client sees", recorded[0])
			}

			all := readTree(t, path)
			for _, secret := range []string{"SECRET"} {
				if strings.Contains(all, secret) {
					t.Errorf("the library at %s contains %q:\n%s", path, secret, all)
				}
			}
			if !strings.Contains(all, "REDACTED") {
				t.Errorf("the library holds no placeholder; was anything recorded?\n%s", all)
			}

			// Another developer, other credentials: the same cassettes.
			srv := replayserver.New(t, path, replayserver.Strict())
			theirs := callWith(t, srv.URL, creds{"bearer-other", "apikey-other", "cookie-other", "query-other"})
			for i, got := range theirs {
				if !strings.HasPrefix(got, "200 ") {
					t.Errorf("replay #%d with other credentials = %q, want 200", i, got)
				}
			}
		})
	}
}

// readTree returns every file name and content under path, as one string.
func readTree(t *testing.T, path string) string {
	t.Helper()
	var b bytes.Buffer
	err := filepath.Walk(path, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		b.WriteString(p + "\n")
		if !info.IsDir() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			b.Write(data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
