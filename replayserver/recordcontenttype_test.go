package replayserver_test

import (
	"io"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/internal/rawupstream"
	"github.com/cassette-go/cassette/replayserver"
)

// An answer the upstream sent without a Content-Type reaches the client
// without one while recording (over HTTP/1.1 and HTTP/2), as replay sends
// it: net/http's server would otherwise add one it sniffed from the body
// (text/html here), which the client would see while recording only. So
// too after an interim answer (103 Early Hints) the upstream sent first.
func TestRecordingAddsNoContentTypeTheUpstreamDidNotSend(t *testing.T) {
	const body = "<html><body>not labelled</body></html>"
	for _, tc := range []struct {
		name    string
		interim string // what the upstream sends before its answer
		opts    []replayserver.Option
	}{
		{"HTTP/1.1", "", nil},
		{"HTTP/2", "", []replayserver.Option{replayserver.TLS()}},
		// ReverseProxy clears the header it was given once it passed on
		// the 103.
		{"HTTP/1.1 after a 103", rawupstream.EarlyHints, nil},
		{"HTTP/2 after a 103", rawupstream.EarlyHints, []replayserver.Option{replayserver.TLS()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(replayserver.EnvMode, "")
			lib := filepath.Join(t.TempDir(), "api")
			up := rawupstream.CloseDelimited(t, tc.interim, body)
			see := func(phase string, srv *replayserver.Server) {
				t.Helper()
				resp, err := srv.Client().Get(srv.URL + "/page")
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil {
					t.Fatal(err)
				}
				if ct, ok := resp.Header["Content-Type"]; ok || string(got) != body {
					t.Errorf("%s GET /page: Content-Type %q (present %v), body %q; want no Content-Type, as the upstream sent, and %q", phase, ct, ok, got, body)
				}
			}
			rec := replayserver.New(t, lib, append(tc.opts, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(up))...)
			see("recording", rec)
			rec.Close()
			see("replaying", replayserver.New(t, lib, append(tc.opts, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict())...))
		})
	}
}
