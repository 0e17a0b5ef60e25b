package redact_test

import (
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/internal/redact"
	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/replayserver"
)

func TestCredentialHeader(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
		why  string
	}{
		{"X-Vault-Token", true, "HashiCorp Vault's client token"},
		{"x-vault-token", true, "in any case"},
		{"Private-Token", true, "GitLab's personal access token"},
		{"X-Shopify-Access-Token", true, "Shopify"},
		{"X-Figma-Token", true, "Figma"},
		{"X-Subject-Token", true, "OpenStack Keystone answers with a token in this response header"},
		{"X-Storage-Token", true, "OpenStack Swift"},
		{"X-Amz-Security-Token", true, "also in the exact list"},
		{"X-Goog-Api-Key", true, "api-key"},
		{"X-RapidAPI-Key", true, "api-key, found across the separator"},
		{"apikey", true, "Supabase: apikey without separator"},
		{"X_API_KEY", true, "underscores as separators"},
		{"X-Client-Secret", true, "secret"},
		{"X-Api-Secret", true, "secret"},
		{"X-Smtp-Password", true, "password"},
		{"X-Passwd", true, "passwd"},
		{"X-Access-Key", true, "access-key"},
		{"X-Private-Key", true, "private-key"},
		{"Ocp-Apim-Subscription-Key", true, "Azure API Management"},
		{"X-Auth-Key", true, "Cloudflare's global API key"},
		{"DD-Application-Key", true, "Datadog's application key"},
		{"X-App-Key", true, "app-key"},
		{"X-Master-Key", true, "JSONBin's master key"},
		{"x-functions-key", true, "Azure Functions' function key"},
		{"X-Amz-Session-Token", true, "session-token"},
		{"X-Ms-Token-Aad-Access-Token", true, "Azure App Service: token twice"},
		{"X-Auth-Token-Session", true, "a token followed by another word is still one"},
		{"X-CSRF-Token-Secret", true, "a part other than token is not cancelled"},

		{"Accept", false, "no part"},
		{"Content-Type", false, "no part"},
		{"Traceparent", false, "no part"},
		{"Idempotency-Key", false, "a key, but not a credential's: only named keys are"},
		{"Sec-WebSocket-Key", false, "a handshake nonce"},
		{"Public-Key-Pins", false, "public, not private"},
		{"Keep-Alive", false, "k is not key"},
		{"Access-Control-Allow-Credentials", false, "a flag, not a credential (credential is no part)"},
		{"Access-Control-Allow-Headers", false, "its value may name X-Vault-Token; its name does not"},
		{"X-RateLimit-Remaining-Tokens", false, "OpenAI's rate limit, counted in tokens"},
		{"anthropic-ratelimit-input-tokens-limit", false, "Anthropic's rate limit"},
		{"X-Rate-Limit-Tokens", false, "rate-limit with a separator"},
		{"X-Usage-Prompt-Tokens", false, "tokens in the plural are counted, not sent"},
		{"X-Tokens-Token", true, "a count, then a token"},
		{"X-Next-Page-Token", false, "a pagination token sent back in the next request"},
		{"Page-Token", false, "pagination"},
		{"X-Continuation-Token", false, "pagination"},
		{"Next-Token", false, "pagination"},
		{"Sync-Token", false, "Azure App Configuration's consistency token, sent back"},
		{"X-Pagination-Token", false, "pagination"},
		{"X-Paging-Token", false, "pagination"},
		{"X-Cursor-Token", false, "a cursor, sent back"},
		{"X-Resume-Token", false, "a change stream's resume point, sent back"},
		{"X-RateLimit-Bypass-Token", true, "a credential, though its name speaks of rate limits"},
		{"X-Non-Expiring-Token", true, "a credential that does not expire: not a token's expiry"},
		{"X-Token-Expires-At", false, "a token's expiry"},
		{"GitHub-Authentication-Token-Expiration", false, "a date that go-github parses"},
		{"X-CSRF-Token", false, "anti-forgery, worthless without the (redacted) session cookie"},
		{"X-XSRF-TOKEN", false, "Angular's anti-forgery header"},
		{"", false, "empty"},
		{"t", false, "shorter than any part"},
		{"-k-", false, "an anchor with nothing around it"},
	} {
		if got := redact.CredentialHeader(tc.name); got != tc.want {
			t.Errorf("CredentialHeader(%q) = %v, want %v (%s)", tc.name, got, tc.want, tc.why)
		}
	}
}

func TestCredentialHeaderDoesNotAllocate(t *testing.T) {
	long := strings.Repeat("X-Long-", 20) + "Next-Page-Token"
	for _, name := range []string{"Accept-Encoding", "X-Vault-Token", "X-RateLimit-Remaining-Tokens", long} {
		if n := testing.AllocsPerRun(100, func() { redact.CredentialHeader(name) }); n != 0 {
			t.Errorf("CredentialHeader(%q) allocates %v times, want 0", name, n)
		}
	}
}

func TestHeaderRedactsCredentialNames(t *testing.T) {
	in := http.Header{
		"X-Vault-Token":                {"hvs.CAESIJ-secret"},
		"Private-Token":                {"glpat-secret"},
		"X-Subject-Token":              {"gAAAAA-secret"},
		"X-Next-Page-Token":            {"cGFnZT0y"},
		"X-Ratelimit-Remaining-Tokens": {"149984"},
		"X-Vault-Request":              {"true"},
		"X-Figma-Token":                {""},
	}
	want := http.Header{
		"X-Vault-Token":                {"REDACTED"},
		"Private-Token":                {"REDACTED"},
		"X-Subject-Token":              {"REDACTED"},
		"X-Next-Page-Token":            {"cGFnZT0y"},
		"X-Ratelimit-Remaining-Tokens": {"149984"},
		"X-Vault-Request":              {"true"},
		"X-Figma-Token":                {""},
	}
	got := redact.Default().Header(in)
	for k := range want {
		if !slices.Equal(got[k], want[k]) {
			t.Errorf("Default().Header: %s = %q, want %q", k, got[k], want[k])
		}
	}
	if in.Get("X-Vault-Token") != "hvs.CAESIJ-secret" {
		t.Errorf("Header changed its argument: X-Vault-Token = %q", in.Get("X-Vault-Token"))
	}
	if again := redact.Default().Header(got); !equalHeaders(again, got) {
		t.Errorf("Header of a redacted header = %v, want it unchanged: redaction is idempotent", again)
	}

	// The pattern is one of the defaults: rules without it keep the value,
	// as NoDefaultRedaction does, and With keeps it from either side.
	for _, tc := range []struct {
		rules redact.Rules
		want  string
		why   string
	}{
		{redact.Rules{Headers: []string{"X-Other"}}, "hvs.CAESIJ-secret", "rules without CredentialHeaders (NoDefaultRedaction)"},
		{redact.Rules{Headers: []string{"X-Other"}}.With(redact.Default()), "REDACTED", "With keeps CredentialHeaders of its argument"},
		{redact.Default().With(redact.Rules{Headers: []string{"X-Other"}}), "REDACTED", "With keeps CredentialHeaders of its receiver"},
		{redact.Rules{Headers: []string{"x-vault-token"}}, "REDACTED", "a name given by hand is redacted without the pattern"},
	} {
		if got := tc.rules.Header(in).Get("X-Vault-Token"); got != tc.want {
			t.Errorf("%+v.Header(X-Vault-Token) = %q, want %q (%s)", tc.rules, got, tc.want, tc.why)
		}
	}
	if !redact.Default().RedactsHeader("X-Vault-Token") || !redact.Default().RedactsHeader("cookie") || redact.Default().RedactsHeader("X-Csrf-Token") {
		t.Errorf("Default().RedactsHeader misjudges X-Vault-Token, cookie or X-Csrf-Token")
	}
}

func equalHeaders(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

func TestHeaderWithACredentialNameDoesNotAllocateWhenRedacted(t *testing.T) {
	h := http.Header{"Accept": {"application/json"}, "X-Vault-Token": {"REDACTED"}, "X-Ratelimit-Remaining-Tokens": {"10"}}
	rules := redact.Default()
	if n := testing.AllocsPerRun(100, func() { rules.Header(h) }); n != 0 {
		t.Errorf("Header(%v) allocates %v times, want 0: nothing to change", h, n)
	}
}

// vaultAPI answers like Vault and GitLab: it wants a token in X-Vault-Token
// or Private-Token (any token will do) and answers one in X-Subject-Token,
// as Keystone does.
func vaultAPI(t *testing.T) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Vault-Token") == "" && r.Header.Get("Private-Token") == "" {
			http.Error(w, `{"errors":["permission denied"]}`, http.StatusForbidden)
			return
		}
		w.Header().Set("X-Subject-Token", "gAAAAA-upstream-SECRET")
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"path":%q}`, r.URL.Path)
	}))
	t.Cleanup(s.Close)
	return s
}

// callVault sends the requests of a Vault and GitLab client with token,
// and returns what the client got.
func callVault(t *testing.T, base, token string) []string {
	t.Helper()
	var out []string
	for _, c := range []struct{ header, path string }{
		{"X-Vault-Token", "/v1/secret/data/app"},
		{"Private-Token", "/api/v4/projects"},
	} {
		req, _ := http.NewRequest("GET", base+c.path, nil)
		req.Header.Set(c.header, token)
		req.Header.Set("X-Vault-Request", "true")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		out = append(out, fmt.Sprintf("%d %s X-Subject-Token=%s", resp.StatusCode, b, resp.Header.Get("X-Subject-Token")))
	}
	return out
}

// readAll returns the names and contents of the files under root.
func readAll(t *testing.T, root string) string {
	t.Helper()
	var all strings.Builder
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		all.WriteString(p + "\n")
		all.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return all.String()
}

func TestCredentialHeadersAreNotStoredAndOtherTokensReplay(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv(replayserver.EnvCI, "")
	for _, tc := range []struct {
		name  string
		rules naming.Rules
	}{
		{"default naming", naming.Default()},
		// A redacted header made significant tells cassettes apart by
		// its presence, not its value, as the listed ones always did.
		{"token headers significant", naming.Rules{Headers: []string{"X-Vault-Token", "Private-Token"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := vaultAPI(t)
			path := filepath.Join(t.TempDir(), "api")
			var recorded []string
			t.Run("record", func(t *testing.T) {
				srv := replayserver.New(t, path, replayserver.Upstream(api.URL), replayserver.WithMode(replayserver.ModeRecord),
					replayserver.Naming(tc.rules))
				recorded = callVault(t, srv.URL, "hvs.ann-SECRET-token")
			})
			if want := "X-Subject-Token=gAAAAA-upstream-SECRET"; !strings.HasSuffix(recorded[0], want) {
				t.Errorf("while recording, the client got %q, want the real %s", recorded[0], want)
			}
			files := readAll(t, path)
			for _, secret := range []string{"ann-SECRET", "upstream-SECRET"} {
				if strings.Contains(files, secret) {
					t.Errorf("the library holds the secret %q:\n%s", secret, files)
				}
			}
			for _, want := range []string{"X-Vault-Token", "Private-Token", "X-Subject-Token"} {
				if !strings.Contains(files, want) {
					t.Errorf("the library lacks the header %s, stored with its value redacted:\n%s", want, files)
				}
			}
			if n := strings.Count(files, redact.Placeholder); n < 4 {
				t.Errorf("the library has %d %s, want at least 4 (two request tokens, two response tokens):\n%s", n, redact.Placeholder, files)
			}

			api.Close() // replaying must not need it
			t.Run("replay", func(t *testing.T) {
				srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict(),
					replayserver.Naming(tc.rules))
				got := callVault(t, srv.URL, "hvs.bob-other-token")
				for i, g := range got {
					if want := strings.Replace(recorded[i], "gAAAAA-upstream-SECRET", "REDACTED", 1); g != want {
						t.Errorf("replay with another token: %q, want %q", g, want)
					}
				}
			})
		})
	}
}

func TestNoDefaultRedactionKeepsCredentialHeaders(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv(replayserver.EnvCI, "")
	api := vaultAPI(t)
	path := filepath.Join(t.TempDir(), "api.json")
	t.Run("record", func(t *testing.T) {
		srv := replayserver.New(t, path, replayserver.Upstream(api.URL), replayserver.WithMode(replayserver.ModeRecord),
			replayserver.NoDefaultRedaction())
		callVault(t, srv.URL, "hvs.ann-SECRET-token")
	})
	if files := readAll(t, path); !strings.Contains(files, "hvs.ann-SECRET-token") || strings.Contains(files, redact.Placeholder) {
		t.Errorf("with NoDefaultRedaction, the library redacts the token headers by their names:\n%s", files)
	}
}

// typical is the header of a request as most clients send it: nothing to
// redact.
var typical = http.Header{
	"Accept":          {"application/json"},
	"Accept-Encoding": {"gzip"},
	"User-Agent":      {"vault/api go1.26"},
	"Content-Type":    {"application/json"},
	"Content-Length":  {"42"},
	"X-Request-Id":    {"3f1c0d2e-9b7a-4c1e-8f7d-2a6b5c4d3e2f"},
	"Traceparent":     {"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},
	"X-Vault-Request": {"true"},
}

func BenchmarkHeaderNoSecrets(b *testing.B) {
	rules := redact.Default()
	b.ReportAllocs()
	for b.Loop() {
		rules.Header(typical)
	}
}

func BenchmarkCredentialHeader(b *testing.B) {
	names := append(slices.Sorted(maps.Keys(typical)), "X-Vault-Token")
	b.ReportAllocs()
	for b.Loop() {
		for _, n := range names {
			redact.CredentialHeader(n)
		}
	}
}
