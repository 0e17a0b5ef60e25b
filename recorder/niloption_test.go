package recorder_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

// A nil Option is ignored, as go-cmp ignores a nil Option: options built
// conditionally (var opt recorder.Option; if quiet { opt = Logf(...) })
// panicked New and NewTransport with a nil dereference.
func TestNilOptionIsIgnored(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	defer api.Close()
	path := filepath.Join(t.TempDir(), "api")
	var none recorder.Option
	t.Run("record", func(t *testing.T) {
		rec := recorder.New(t, api.URL, path, none)
		resp, err := http.Get(rec.URL + "/a")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		c := &http.Client{Transport: recorder.NewTransport(t, path, nil)}
		if resp, err = c.Get(api.URL + "/b"); err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	})
	lib, err := library.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if names, err := lib.Names(); err != nil || len(names) != 2 {
		t.Errorf("recorded %q (%v), want 2 cassettes", names, err)
	}
}
