package interop

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"

	"github.com/cassette-go/cassette/recorder"
	"github.com/cassette-go/cassette/replayserver"
)

// TestServersLeakNoGoroutines starts every kind of server and transport
// the library offers, uses them, lets their tests end, and then checks
// that no goroutine they started is left behind.
func TestServersLeakNoGoroutines(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	t.Setenv("CASSETTE_MODE", "")
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello from "+r.URL.Path)
	}))
	defer up.Close()
	dir := t.TempDir()
	lib := filepath.Join(dir, "api")

	get := func(t *testing.T, c *http.Client, url string) {
		t.Helper()
		resp, err := c.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		io.ReadAll(resp.Body)
		resp.Body.Close()
		c.CloseIdleConnections()
	}
	t.Run("record through the replay server", func(t *testing.T) {
		srv := replayserver.New(t, lib, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(up.URL))
		get(t, srv.Client(), srv.URL+"/a")
	})
	t.Run("replay", func(t *testing.T) {
		srv := replayserver.New(t, lib, replayserver.Strict())
		get(t, srv.Client(), srv.URL+"/a")
	})
	t.Run("replay over TLS and HTTP/2", func(t *testing.T) {
		srv := replayserver.New(t, lib, replayserver.TLS())
		get(t, srv.Client(), srv.URL+"/a")
	})
	t.Run("in-process transport", func(t *testing.T) {
		get(t, &http.Client{Transport: replayserver.NewTransport(t, lib)}, "http://127.0.0.1:1/a")
	})
	t.Run("recording proxy", func(t *testing.T) {
		rec := recorder.New(t, up.URL, filepath.Join(dir, "rec.json"))
		get(t, rec.Client(), rec.URL+"/b")
	})
	t.Run("recording transport", func(t *testing.T) {
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		get(t, &http.Client{Transport: recorder.NewTransport(t, filepath.Join(dir, "rt.yaml"), recorder.Transport(tr))}, up.URL+"/c")
	})
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
}
