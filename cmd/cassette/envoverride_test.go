package main

import (
	"io"
	"net/http"
	"testing"
)

// CASSETTE_MODE overrides -mode: CASSETTE_MODE=replay (or once) runs offline
// a command line that says -mode record, passthrough or rerecord without
// -upstream (a script's, run in CI). It was refused as a usage error
// naming the -mode it overrides.
func TestServeEnvModeOverridesAForwardingModeWithoutUpstream(t *testing.T) {
	t.Setenv("CI", "")
	path, _ := writeLibrary(t, "api", recorded{"GET", "https://api.example.com/a", 200, "a"})
	for _, env := range []string{"replay", "once", " Replay "} {
		for _, mode := range []string{"record", "rerecord", "passthrough"} {
			t.Run(env+" over "+mode, func(t *testing.T) {
				t.Setenv("CASSETTE_MODE", env)
				p := start(t, "serve", "-mode", mode, path)
				resp, err := http.Get(p.baseURL() + "/a")
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || string(b) != "a" {
					t.Errorf("CASSETTE_MODE=%q cassette serve -mode %s: GET /a = %d %q, want 200 %q replayed", env, mode, resp.StatusCode, b, "a")
				}
				if code := p.stop(); code != exitOK {
					t.Errorf("CASSETTE_MODE=%q cassette serve -mode %s: exit %d, want 0; stderr:\n%s", env, mode, code, p.stderr.String())
				}
			})
		}
	}
}
