package replayserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/replayserver"
)

// A request whose header holds a Connection field under a key not in
// canonical form ("connection"), naming significant fields, is named
// without those fields in process (NewTransport), as over HTTP/1.1;
// through srv.Client() of a TLS server (HTTP/2), where Go's client drops
// such a Connection field but sends the fields it names, it is too:
// recorded in process, it replays through srv.Client(), and recorded
// through srv.Client(), the named fields reach the API over neither
// protocol, as a proxy drops them over HTTP/1.1. So with several keys
// spelling Connection, not in canonical form or beside a canonical
// Connection: close or keep-alive, which Go's HTTP/2 client accepts:
// srv.Client() sent them merged under the canonical key, which Go's
// HTTP/2 client refuses ("invalid Connection request header").
func TestAFieldTheConnectionFieldNamesIsLeftOutOverHTTP2(t *testing.T) {
	rules := replayserver.Naming(naming.Rules{Headers: []string{"X-Tenant", "X-Region"}})
	for _, tc := range []struct {
		why    string
		header http.Header
	}{
		{"one key not in canonical form", http.Header{"connection": {"X-Tenant, X-Region"}}},
		{"two keys not in canonical form", http.Header{"connection": {"X-Tenant"}, "CONNECTION": {"X-Region"}}},
		{"beside Connection: keep-alive", http.Header{"Connection": {"keep-alive"}, "connection": {"X-Tenant, X-Region"}}},
		{"beside Connection: close", http.Header{"Connection": {"close"}, "connection": {"X-Tenant"}, "cONNECTION": {"X-Region"}}},
	} {
		for _, kind := range []string{"tls", "plain"} {
			t.Run(tc.why+"/"+kind, func(t *testing.T) {
				t.Setenv(replayserver.EnvMode, "")
				var mu sync.Mutex
				var seen []string
				api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					mu.Lock()
					seen = append(seen, r.Header.Get("X-Tenant")+r.Header.Get("X-Region"))
					mu.Unlock()
					io.WriteString(w, "items")
				}))
				defer api.Close()
				opts := []replayserver.Option{rules}
				if kind == "tls" {
					opts = append(opts, replayserver.TLS())
				}
				request := func(url string) *http.Request {
					req, err := http.NewRequest("GET", url+"/v1/items", nil)
					if err != nil {
						t.Fatal(err)
					}
					req.Header = tc.header.Clone()
					req.Header.Set("X-Tenant", "acme")
					req.Header.Set("X-Region", "eu")
					return req
				}
				do := func(t *testing.T, c *http.Client, req *http.Request) {
					t.Helper()
					resp, err := c.Do(req)
					if err != nil {
						t.Fatalf("GET %s: %v", req.URL, err)
					}
					body, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 || string(body) != "items" {
						t.Errorf("GET %s: %d %q, want 200 %q", req.URL, resp.StatusCode, body, "items")
					}
				}
				inProcess := filepath.Join(t.TempDir(), "in-process")
				t.Run("record in process", func(t *testing.T) {
					rt := replayserver.NewTransport(t, inProcess, append(opts, replayserver.WithMode(replayserver.ModeRecord))...)
					do(t, &http.Client{Transport: rt}, request(api.URL))
				})
				t.Run("replay through srv.Client()", func(t *testing.T) {
					srv := replayserver.New(t, inProcess, append(opts, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict())...)
					do(t, srv.Client(), request(api.URL))
				})
				throughServer := filepath.Join(t.TempDir(), "through-server")
				t.Run("record through srv.Client()", func(t *testing.T) {
					srv := replayserver.New(t, throughServer, append(opts, replayserver.WithMode(replayserver.ModeRecord))...)
					do(t, srv.Client(), request(api.URL))
				})
				t.Run("replay in process", func(t *testing.T) {
					rt := replayserver.NewTransport(t, throughServer, append(opts, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict())...)
					do(t, &http.Client{Transport: rt}, request(api.URL))
				})
				mu.Lock()
				defer mu.Unlock()
				if len(seen) != 2 || seen[1] != "" {
					t.Errorf("the API saw X-Tenant and X-Region %q in its %d requests; want the recording through srv.Client() (the second) to send neither", seen, len(seen))
				}
			})
		}
	}
}

// A hop-by-hop field that a Connection field under a key not in canonical
// form names goes through srv.Client() of a TLS server as Go's HTTP/2
// client sends it without the server: "TE: trailers" is sent (and a proxy
// passes it on, as over HTTP/1.1), an Upgrade refused. srv.Client() left
// both out: the API got no TE over HTTP/2 alone, and an upgrade went as a
// plain request, recorded as one.
func TestAHopByHopFieldTheConnectionFieldNamesOverHTTP2(t *testing.T) {
	for _, kind := range []string{"tls", "plain"} {
		t.Run(kind, func(t *testing.T) {
			t.Setenv(replayserver.EnvMode, "")
			var mu sync.Mutex
			var te []string
			api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				te = append(te, r.Header.Get("Te"))
				mu.Unlock()
				io.WriteString(w, "items")
			}))
			defer api.Close()
			opts := []replayserver.Option{replayserver.WithMode(replayserver.ModeRecord)}
			if kind == "tls" {
				opts = append(opts, replayserver.TLS())
			}
			srv := replayserver.New(t, filepath.Join(t.TempDir(), "api"), opts...)
			req, err := http.NewRequest("GET", api.URL+"/v1/items", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header["connection"] = []string{"TE"}
			req.Header.Set("Te", "trailers")
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatalf("GET /v1/items with TE: trailers: %v", err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			mu.Lock()
			got := te
			mu.Unlock()
			if len(got) != 1 || got[0] != "trailers" {
				t.Errorf("the API saw TE %q, want %q: as Go's client sends it, and a proxy passes it on", got, []string{"trailers"})
			}
			if kind != "tls" {
				return
			}
			req, err = http.NewRequest("GET", api.URL+"/v1/socket", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header["connection"] = []string{"Upgrade"}
			req.Header.Set("Upgrade", "websocket")
			resp, err = srv.Client().Do(req)
			if err == nil {
				resp.Body.Close()
				t.Fatalf("GET /v1/socket with Upgrade over HTTP/2: %d, want Go's client's error (it refuses an Upgrade over HTTP/2)", resp.StatusCode)
			}
			if !strings.Contains(err.Error(), "Upgrade") {
				t.Errorf("GET /v1/socket with Upgrade over HTTP/2: %v, want Go's client's error on the Upgrade", err)
			}
		})
	}
}
