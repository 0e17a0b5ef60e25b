package replayserver_test

import (
	"net/http"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// A nil Option is ignored, as go-cmp ignores a nil Option: options built
// conditionally (var opt replayserver.Option; if strict { opt = Strict() })
// panicked New and NewTransport with a nil dereference.
func TestNilOptionIsIgnored(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/v1/a")
	var none replayserver.Option
	ft := newFakeTB(t)
	completed := ft.do(func() {
		srv := replayserver.New(ft, path, none, replayserver.Strict(), nil)
		resp, err := srv.Client().Get("http://api.example.com/v1/a")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		rt := replayserver.NewTransport(ft, path, nil)
		resp, err = (&http.Client{Transport: rt}).Get("http://api.example.com/v1/a")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	})
	ft.finish()
	if !completed || ft.Failed() {
		t.Errorf("New(t, path, nil, Strict(), nil): completed %v, failures: %s", completed, ft.errors())
	}
}
