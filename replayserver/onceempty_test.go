package replayserver_test

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// A library folder made before anything was recorded (holding only a
// .gitkeep) exists, so the default mode, once, replays it, as issue 3
// asks ("with a library, replay"); each miss says how to record into it.
func TestOnceMissOfAnEmptyLibrarySaysHowToRecord(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	t.Setenv(replayserver.EnvCI, "")
	path := filepath.Join(t.TempDir(), "api")
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(path, ".gitkeep"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	ft := newFakeTB(t)
	var report string
	ft.do(func() {
		srv := replayserver.New(ft, path, replayserver.Upstream("http://127.0.0.1:1"))
		resp, err := http.Get(srv.URL + "/v1/items")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		report = string(b)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("status %d; want 404, a miss", resp.StatusCode)
		}
	})
	ft.finish()
	if !ft.Failed() {
		t.Errorf("the miss did not fail the test")
	}
	if !strings.Contains(report, "the library holds no cassettes") || !strings.Contains(report, replayserver.EnvMode+"=record") {
		t.Errorf("the report does not say how to record into the empty library:\n%s", report)
	}
}
