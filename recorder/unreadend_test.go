package recorder_test

import (
	"net/http"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/recorder"
)

// A test that reads an endless stream through the recording server and
// never closes the body ends: the server cuts the request off when the
// test ends, and the stream is stored as far as it had come. Before, the
// end of the test waited for the request forever.
func TestTheEndOfATestCutsOffAStreamItNeverClosed(t *testing.T) {
	s := endlessStreams[0]
	api, read, _ := s.serve(t)
	path := filepath.Join(t.TempDir(), "api")
	ft := &fakeTB{TB: t}
	rec := recorder.New(ft, api.URL, path)
	resp, err := http.Get(rec.URL + "/watch")
	if err != nil {
		t.Fatal(err)
	}
	s.readEvents(t, resp.Body, read) // and the body is never closed
	ended := make(chan struct{})
	go func() {
		ft.end()
		close(ended)
	}()
	within(t, ended, "the end of the test")
	if len(ft.errors) > 0 {
		t.Errorf("the test failed: %q", ft.errors)
	}
	got := readLibrary(t, path)
	if len(got) != 1 {
		t.Fatalf("the library holds %d cassettes; want the stream's", len(got))
	}
	for name, exs := range got {
		if len(exs) != 1 || string(exs[0].Response.Body) != s.all() {
			t.Errorf("%s: stored %+v; want the stream as far as it had come, %q", name, exs, s.all())
		}
	}
}
