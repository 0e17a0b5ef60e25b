package replayserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// Recording through NewTransport, a request whose client gives up on a
// slow body (Request.Cancel, which http.Client with a Timeout closes) is
// not a body the upstream broke off: record mode does not fail the test,
// nor does a rerecord keep the old library for it (a review found both).
func TestAClientThatGivesUpDoesNotFailTheRecording(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		io.WriteString(w, "0123456789")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer api.Close()
	for _, mode := range []replayserver.Mode{replayserver.ModeRecord, replayserver.ModeRerecord} {
		t.Run(string(mode), func(t *testing.T) {
			t.Setenv("CASSETTE_MODE", "")
			t.Setenv("TMPDIR", t.TempDir())
			path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/a")
			ft := newFakeTB(t)
			ft.do(func() {
				client := &http.Client{Transport: replayserver.NewTransport(ft, path, replayserver.WithMode(mode))}
				cancel := make(chan struct{})
				req, _ := http.NewRequest("GET", api.URL+"/slow", nil)
				req.Cancel = cancel //lint:ignore SA1019 as http.Client with a Timeout does
				resp, err := client.Do(req)
				if err != nil {
					t.Errorf("GET /slow: %v; want the headers", err)
					return
				}
				if _, err := io.ReadFull(resp.Body, make([]byte, 10)); err != nil {
					t.Error(err)
				}
				close(cancel)
				if _, err := io.ReadAll(resp.Body); err == nil {
					t.Errorf("GET /slow read to its end; want it canceled")
				}
				resp.Body.Close()
			})
			ft.finish()
			if errs := ft.errors(); strings.Contains(errs, "broke off") || strings.Contains(errs, "left unchanged") {
				t.Errorf("the client gave up on a slow body, yet the test failed with:\n%s", errs)
			}
		})
	}
}
