package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/replayserver"
)

// A HAR holds the Host header a browser sent over HTTP/1.1 (the Chromium
// sample does, in every entry), and a go-vcr cassette the header a client
// set, Host included, which Go's client does not send. A server never
// finds Host (nor Transfer-Encoding) among a request's header fields: Go
// moves the first to Request.Host and drops the second. import named such
// a request with them when the rules made them significant, so that
// cassette serve and replayserver.New, given the same rules, missed every
// request. naming.Rules.Validate now refuses them as significant headers
// (and naming.Name leaves them out whatever the rules): import and serve
// refuse the flags that make them so, saying why, and a request imported
// with them among its headers is named as a server gets it, and hit.
func TestImportNamesWithoutTheHeadersAServerNeverHolds(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	dir := t.TempDir()
	harFile := filepath.Join(dir, "session.har")
	const harLog = `{"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"}, "entries": [
	  {"request": {"method": "POST", "url": "http://127.0.0.1:40099/v2/upload", "headers": [
	    {"name": "Host", "value": "127.0.0.1:40099"},
	    {"name": "Transfer-Encoding", "value": "chunked"},
	    {"name": "X-Tenant", "value": "acme"},
	    {"name": "Content-Type", "value": "text/plain"}],
	    "postData": {"mimeType": "text/plain", "text": "hello"}},
	   "response": {"status": 201, "headers": [], "content": {"size": 2, "mimeType": "text/plain", "text": "ok"}}}]}}`
	vcrFile := filepath.Join(dir, "fixture.yaml")
	const vcr = `---
version: 2
interactions:
    - id: 0
      request:
        host: 127.0.0.1:41207
        headers:
            host:
                - api.example.com
            x-tenant:
                - acme
        url: http://127.0.0.1:41207/v1/users
        method: GET
      response:
        body: users
        code: 200
`
	for name, content := range map[string]string{harFile: harLog, vcrFile: vcr} {
		if err := os.WriteFile(name, []byte(content), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	refused := []string{"-header", "Host,Transfer-Encoding"}
	flags := []string{"-header", "X-Tenant"}
	rules := naming.Rules{Headers: []string{"X-Tenant"}}
	tests := []struct {
		from, src string
		req       replayed
	}{
		{"har", harFile, replayed{sent{"POST", "/v2/upload", "text/plain", "hello", []string{"Host", "127.0.0.1:40099", "X-Tenant", "acme"}}, 201}},
		{"go-vcr", vcrFile, replayed{sent{"GET", "/v1/users", "", "", []string{"Host", "api.example.com", "X-Tenant", "acme"}}, 200}},
	}
	for _, tt := range tests {
		t.Run(tt.from, func(t *testing.T) {
			dst := filepath.Join(t.TempDir(), "api")
			// (serve refuses them too: see TestNamingRulesUsageErrors.)
			args := append(append([]string{"import", "-from", tt.from}, refused...), tt.src, dst)
			const want = `invalid value "Host,Transfer-Encoding" for flag -header: "Host": the host is part of every name already`
			if code, _, stderr := runSync(t, args...); code != exitUsage || !strings.Contains(stderr, want) {
				t.Errorf("%q = %d, stderr %q; want %d, and %q", args, code, stderr, exitUsage, want)
			}
			args = append(append([]string{"import", "-from", tt.from}, flags...), tt.src, dst)
			if code, _, stderr := runSync(t, args...); code != exitOK {
				t.Fatalf("%q = %d, stderr %q", args, code, stderr)
			}
			if names := cassetteNames(t, dst); len(names) != 1 || !strings.Contains(names[0], "~h") {
				t.Errorf("%q named %q; want one cassette with a header hash, of X-Tenant", args, names)
			}
			p := start(t, append(append([]string{"serve"}, flags...), dst)...)
			if ok, miss := hit(t, http.DefaultClient, p.baseURL(), tt.req); !ok {
				t.Errorf("serve %q: %s missed (named %s)", flags, tt.req.sent, miss)
			}
			p.stop()

			t.Setenv("CASSETTE_MODE", "replay")
			srv := replayserver.New(t, dst, replayserver.Naming(rules), replayserver.Strict())
			if ok, miss := hit(t, srv.Client(), srv.URL, tt.req); !ok {
				t.Errorf("replayserver.New with the rules: %s missed (named %s)", tt.req.sent, miss)
			}
		})
	}
}
