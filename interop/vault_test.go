package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
	vault "github.com/hashicorp/vault/api"
)

const (
	vaultSecretID = "6a174c20-f6de-a53c-74d2-6018fcceff64"
	vaultToken    = "hvs.CAESIJlU9JMYEhOPYv4TdfrkzGY7zQ2jiKdWqkZdM8Vx2sfGGh4KHGh2cy5Cc2dBY0VLc0pDRjdoRmVKZVJvMmVobjE"
)

// fakeVault is the "real API" of the Vault test: an AppRole login that
// takes the secret_id in its JSON body and answers a client_token, a KV v2
// secret read with the X-Vault-Token header, and a 404 for a secret that
// is not there.
func fakeVault() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if r.URL.Path == "/v1/auth/approle/login" && (r.Method == http.MethodPut || r.Method == http.MethodPost) {
			var login struct {
				RoleID   string `json:"role_id"`
				SecretID string `json:"secret_id"`
			}
			if json.NewDecoder(r.Body).Decode(&login) != nil || login.RoleID != "app-role" || login.SecretID != vaultSecretID {
				w.WriteHeader(http.StatusBadRequest)
				io.WriteString(w, `{"errors":["invalid role or secret ID"]}`)
				return
			}
			fmt.Fprintf(w, `{"request_id":"7f0c7a5e-1b1d-4e39-9a8e-0c5c2b4e1d11","lease_id":"","renewable":false,"lease_duration":0,"data":null,"wrap_info":null,"warnings":null,"auth":{"client_token":%q,"accessor":"Nb3XhQ1Xo2SVQzWYUhLp2mDL","policies":["app","default"],"token_policies":["app","default"],"metadata":{"role_name":"app-role"},"lease_duration":3600,"renewable":true,"entity_id":"","token_type":"service","orphan":true}}`, vaultToken)
			return
		}
		if r.Header.Get("X-Vault-Token") != vaultToken {
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `{"errors":["permission denied"]}`)
			return
		}
		switch r.Method + " " + r.URL.Path {
		case "GET /v1/secret/data/app/db":
			io.WriteString(w, `{"request_id":"2b9c1f0e-5a6d-4c4e-8f3a-9d7e6b5a4c3b","lease_id":"","renewable":false,"lease_duration":0,"data":{"data":{"username":"app","password":"pa55-w0rd"},"metadata":{"created_time":"2026-11-01T10:00:00.000000Z","custom_metadata":null,"deletion_time":"","destroyed":false,"version":3}},"wrap_info":null,"warnings":null,"auth":null}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"errors":[]}`)
		}
	})
}

// vaultSession logs in with AppRole, reads a KV v2 secret with the token
// it got, and reads one that is not there.
func vaultSession(t *testing.T, base string, rt http.RoundTripper) []string {
	t.Helper()
	cfg := vault.DefaultConfig()
	cfg.Address = base
	cfg.MaxRetries = 0
	if rt != nil {
		cfg.HttpClient.Transport = rt
	}
	client, err := vault.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	client.ClearToken()
	ctx := context.Background()
	var seen []string
	login, err := client.Logical().WriteWithContext(ctx, "auth/approle/login", map[string]any{"role_id": "app-role", "secret_id": vaultSecretID})
	if err != nil {
		t.Fatalf("approle login: %v", err)
	}
	token := login.Auth.ClientToken
	seen = append(seen, fmt.Sprintf("login: token of %d bytes, policies %v, lease %ds, renewable %v", len(token), login.Auth.Policies, login.Auth.LeaseDuration, login.Auth.Renewable))
	client.SetToken(token)
	kv, err := client.KVv2("secret").Get(ctx, "app/db")
	if err != nil {
		t.Fatalf("read secret/app/db: %v", err)
	}
	seen = append(seen, fmt.Sprintf("secret app/db v%d: %v", kv.VersionMetadata.Version, kv.Data))
	_, err = client.KVv2("secret").Get(ctx, "app/missing")
	seen = append(seen, fmt.Sprintf("secret app/missing: not found %v", errors.Is(err, vault.ErrSecretNotFound)))
	return seen
}

// TestVault records the Vault client against a Vault look-alike and
// replays it in strict mode with the API gone: the X-Vault-Token header
// is stored redacted, and the redacted header does not stop the read from
// matching in replay.
func TestVault(t *testing.T) {
	t.Setenv("VAULT_TOKEN", "")
	t.Setenv("VAULT_ADDR", "")
	want := []string{
		fmt.Sprintf("login: token of %d bytes, policies [app default], lease 3600s, renewable true", len(vaultToken)),
		"secret app/db v3: map[password:pa55-w0rd username:app]",
		"secret app/missing: not found true",
	}
	libs := threeWays(t, fakeVault(), 3, want, vaultSession)
	for _, lib := range libs {
		text := libraryText(t, lib)
		// The token is in the login's answer, which the docs say is stored
		// as sent without a BeforeSave hook: it must not be in any header.
		if n, in := strings.Count(text, vaultToken), strings.Count(text, "client_token"); n > in {
			t.Errorf("library %s holds the Vault token %d times, more than its login answers (%d)", filepath.Base(lib), n, in)
		}
		if !strings.Contains(text, "REDACTED") {
			t.Errorf("library %s holds no REDACTED", filepath.Base(lib))
		}
	}
}

// TestVaultRedactedBodies records the Vault session with a BeforeSave
// hook that takes the secret_id out of the login request and the
// client_token out of its answer, as the README advises, and replays it:
// the library holds neither, and the replayed token, a placeholder now,
// still reads the secret.
func TestVaultRedactedBodies(t *testing.T) {
	t.Setenv("VAULT_TOKEN", "")
	t.Setenv("VAULT_ADDR", "")
	hook := replayserver.BeforeSave(func(ex *library.Exchange) error {
		ex.Request.Body = bytes.ReplaceAll(ex.Request.Body, []byte(vaultSecretID), []byte("REDACTED"))
		ex.Response.Body = bytes.ReplaceAll(ex.Response.Body, []byte(vaultToken), []byte("REDACTED"))
		return nil
	})
	api := httptest.NewServer(fakeVault())
	defer api.Close()
	lib := filepath.Join(t.TempDir(), "vault")
	t.Run("record", func(t *testing.T) {
		t.Setenv(replayserver.EnvMode, "record")
		srv := replayserver.New(t, lib, replayserver.Upstream(api.URL), hook)
		vaultSession(t, srv.URL, nil)
	})
	api.Close()
	text := libraryText(t, lib)
	for _, s := range []string{vaultSecretID, vaultToken} {
		if strings.Contains(text, s) {
			t.Errorf("library holds %q", s)
		}
	}
	t.Run("replay", func(t *testing.T) {
		t.Setenv(replayserver.EnvMode, "replay")
		srv := replayserver.New(t, lib, replayserver.Strict(), hook)
		got := strings.Join(vaultSession(t, srv.URL, nil), "\n")
		want := "login: token of 8 bytes, policies [app default], lease 3600s, renewable true\nsecret app/db v3: map[password:pa55-w0rd username:app]\nsecret app/missing: not found true"
		if got != want {
			t.Errorf("replay saw\n%s\nwant\n%s", got, want)
		}
	})
}
