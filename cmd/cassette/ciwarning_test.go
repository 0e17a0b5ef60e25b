package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// serve with CI set and a -mode that forwards warns that it reaches the
// API in CI in the command line's words: the replay server's warning named
// the Go option WithMode, which serve has not, and once as the default
// mode, where serve's is replay.
func TestServeForwardingModeInCIWarnsInFlagWords(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	t.Setenv("CI", "true")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "a") }))
	defer api.Close()
	path, _ := writeLibrary(t, "api", recorded{"GET", "https://api.example.com/a", 200, "a"})
	for _, mode := range []string{"record", "rerecord", "passthrough"} {
		p := start(t, "serve", "-mode", mode, "-upstream", api.URL, path)
		p.baseURL()
		p.stop()
		stderr := p.stderr.String()
		if strings.Contains(stderr, "WithMode") || !strings.Contains(stderr, "CI is set, and -mode "+mode+" forwards requests") {
			t.Errorf("serve -mode %s with CI set: stderr does not warn in the command line's words (-mode %s), or names WithMode:\n%s", mode, mode, stderr)
		}
	}
}
