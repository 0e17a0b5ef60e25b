package main

import (
	"net/http"
	"path/filepath"
	"testing"
)

// The words flags choose among are read in any case, as CASSETTE_MODE is
// read: -mode Replay was an unknown mode while CASSETTE_MODE=Replay was
// the replay mode, and -format YAML, -from HAR and -to HAR were unknown.
func TestFlagWordsInAnyCase(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	dir := t.TempDir()
	lib := filepath.Join(dir, "api")
	if code, stdout, stderr := runSync(t, "import", "-from", "HAR", "-format", "YAML", chromiumHAR, lib); code != exitOK {
		t.Fatalf("import -from HAR -format YAML = %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	names := cassetteNames(t, lib)
	if len(names) == 0 {
		t.Fatal("import -from HAR stored no cassette")
	}
	if code, stdout, stderr := runSync(t, "convert", "-format", "Json", lib, filepath.Join(dir, "copy")); code != exitOK {
		t.Fatalf("convert -format Json = %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if code, stdout, stderr := runSync(t, "export", "-to", "Har", lib, filepath.Join(dir, "out.har")); code != exitOK {
		t.Fatalf("export -to Har = %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	srv := start(t, "serve", "-mode", "REPLAY", lib)
	resp, err := http.Get(srv.baseURL() + "/no-such-path")
	if err != nil {
		t.Fatalf("serve -mode REPLAY: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("serve -mode REPLAY answered an unknown path %d, want 404 (a miss in replay mode)", resp.StatusCode)
	}
	if code := srv.stop(); code != exitOK {
		t.Errorf("serve -mode REPLAY exited with %d; stderr:\n%s", code, srv.stderr.String())
	}
}
