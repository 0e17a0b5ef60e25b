package replayserver_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// OPTIONS * asks about a server as a whole. A Go client sends it with a
// URL whose Opaque is "*"; NewTransport recorded and replayed it, but the
// server's http.Server answered it itself (200, empty) unless
// DisableGeneralOptionsHandler was set: its cassette was never used (and
// failed Strict), nor recorded through the server. Through every server
// (HTTP/1.1, TLS with HTTP/2, h2c) it reaches the cassettes, named and
// stored as NewTransport names and stores it, and goes upstream as "*":
// not as "/*", nor under the path of Upstream.
func TestOptionsAsteriskIsRecordedAndReplayed(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv("CI", "")
	api := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "GET, OPTIONS")
		fmt.Fprintf(w, "%s %s", r.Method, r.RequestURI)
	}))
	api.Config.DisableGeneralOptionsHandler = true // the API answers OPTIONS * itself
	api.Start()
	defer api.Close()
	apiHost := api.Listener.Addr().String()
	const want = "OPTIONS *" // what the API answers; http.Server's own answer is empty

	// star sends OPTIONS * for host with c, to addr (host's own address
	// when "").
	star := func(t *testing.T, c *http.Client, addr, host string) (status int, allow, body string) {
		t.Helper()
		if addr == "" {
			addr = host
		}
		req := &http.Request{Method: "OPTIONS", URL: &url.URL{Scheme: "http", Host: addr, Opaque: "*"}, Host: host, Header: http.Header{}}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("OPTIONS * (Host %s) to %s: %v", host, addr, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Allow"), string(b)
	}
	check := func(t *testing.T, how string, status int, allow, body string) {
		t.Helper()
		if status != 200 || allow != "GET, OPTIONS" || body != want {
			t.Errorf("%s: OPTIONS * = %d, Allow %q, %.300q; want 200, Allow %q, %q (the API's answer)", how, status, allow, body, "GET, OPTIONS", want)
		}
	}
	transportClient := func(t *testing.T, path string, mode replayserver.Mode) *http.Client {
		return &http.Client{Transport: replayserver.NewTransport(t, path, replayserver.WithMode(mode), replayserver.Strict())}
	}
	// stored returns the one cassette of the library at path.
	stored := func(t *testing.T, path string) (name, rawURL string) {
		t.Helper()
		lib, err := library.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		names, _ := lib.Names()
		if len(names) != 1 {
			t.Fatalf("library %s holds %q, want one cassette", path, names)
		}
		c, _, err := lib.Get(names[0])
		if err != nil || len(c.Exchanges) != 1 {
			t.Fatalf("cassette %s: %d exchange(s), %v; want one", names[0], len(c.Exchanges), err)
		}
		return names[0], c.Exchanges[0].Request.URL
	}
	asClient := &http.Request{Method: "OPTIONS", URL: &url.URL{Scheme: "http", Host: apiHost, Opaque: "*"}}
	wantName := nameOf(asClient, nil)

	inProcess := filepath.Join(t.TempDir(), "api")
	t.Run("recorded in process", func(t *testing.T) {
		status, allow, body := star(t, transportClient(t, inProcess, replayserver.ModeRecord), "", apiHost)
		check(t, "NewTransport recording", status, allow, body)
	})
	tName, tURL := stored(t, inProcess)
	if tName != wantName {
		t.Fatalf("NewTransport recorded %s, want %s", tName, wantName)
	}

	t.Run("replayed through the server", func(t *testing.T) {
		srv := replayserver.New(t, inProcess, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict())
		status, allow, body := star(t, srv.Client(), "", apiHost)
		check(t, "srv.Client()", status, allow, body)
	})
	t.Run("replayed through the TLS server", func(t *testing.T) {
		srv := replayserver.New(t, inProcess, replayserver.TLS(), replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict())
		status, allow, body := star(t, srv.Client(), "", apiHost)
		check(t, "srv.Client() of TLS()", status, allow, body)
	})
	t.Run("replayed through the server over h2c", func(t *testing.T) {
		srv := replayserver.New(t, inProcess, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict())
		tr := &http.Transport{Protocols: new(http.Protocols)}
		tr.Protocols.SetUnencryptedHTTP2(true)
		defer tr.CloseIdleConnections()
		status, allow, body := star(t, &http.Client{Transport: tr}, srv.Listener.Addr().String(), apiHost)
		check(t, "h2c client", status, allow, body)
	})

	throughServer := filepath.Join(t.TempDir(), "api")
	t.Run("recorded through the server", func(t *testing.T) {
		srv := replayserver.New(t, throughServer, replayserver.WithMode(replayserver.ModeRecord))
		status, allow, body := star(t, srv.Client(), "", apiHost)
		check(t, "srv.Client() recording", status, allow, body)
	})
	if name, u := stored(t, throughServer); name != tName || u != tURL {
		t.Errorf("the server recorded %s (URL %q), want %s (URL %q) as NewTransport records it", name, u, tName, tURL)
	}
	t.Run("replayed in process", func(t *testing.T) {
		status, allow, body := star(t, transportClient(t, throughServer, replayserver.ModeReplay), "", apiHost)
		check(t, "NewTransport", status, allow, body)
	})

	// Sent to the server's own address, it goes to Upstream's server as
	// "*", whatever Upstream's path.
	toUpstream := filepath.Join(t.TempDir(), "api")
	t.Run("recorded through Upstream", func(t *testing.T) {
		srv := replayserver.New(t, toUpstream, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(api.URL+"/v1"))
		status, allow, body := star(t, http.DefaultClient, "", srv.Listener.Addr().String())
		check(t, "recording through Upstream "+api.URL+"/v1", status, allow, body)
	})
	if name, u := stored(t, toUpstream); name != tName || u != tURL {
		t.Errorf("the server recorded %s (URL %q) through Upstream, want %s (URL %q) as NewTransport records it", name, u, tName, tURL)
	}
	t.Run("recorded through Upstream, replayed in process", func(t *testing.T) {
		status, allow, body := star(t, transportClient(t, toUpstream, replayserver.ModeReplay), "", apiHost)
		check(t, "NewTransport", status, allow, body)
	})
}
