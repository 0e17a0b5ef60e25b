package recorder_test

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

// An HTTP/2 upstream may send an empty body (Content-Length: 0), then hold
// its stream open before its trailers. A client that closes such a body
// has all of it: it is stored at once, without the trailers that had not
// come. Before, the recorder read on in the background until the stream
// ended, for as long as UpstreamTimeout (60 s by default; here none), and
// the end of the test (Close, here) waited for it: with no timeout this
// test hung, the upstream holding its trailers until Close returned.
func TestAnEmptyBodyClosedIsStoredWithoutWaitingForTrailersHeldBack(t *testing.T) {
	release := make(chan struct{})
	api := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", "X-Sum")
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
		w.Header().Set("X-Sum", "v")
	}))
	api.EnableHTTP2 = true
	api.StartTLS()
	defer api.Close()
	defer close(release)
	lib, err := library.Open(filepath.Join(t.TempDir(), "api"))
	if err != nil {
		t.Fatal(err)
	}
	rt := recorder.NewRoundTripper(lib, recorder.Transport(api.Client().Transport), recorder.UpstreamTimeout(-1))
	resp, err := (&http.Client{Transport: rt}).Get(api.URL + "/sum")
	if err != nil {
		t.Fatal(err)
	}
	if resp.ProtoMajor != 2 || resp.ContentLength != 0 {
		t.Fatalf("the answer came over %s with a ContentLength of %d, want HTTP/2 and 0", resp.Proto, resp.ContentLength)
	}
	resp.Body.Close()
	flush(t, rt) // hung here
	names, err := lib.Names()
	if err != nil || len(names) != 1 {
		t.Fatalf("stored %q (%v), want the answer", names, err)
	}
	c, _, err := lib.Get(names[0])
	if err != nil {
		t.Fatal(err)
	}
	if ex := c.Exchanges[0]; ex.Response.StatusCode != http.StatusOK || len(ex.Response.Body) != 0 {
		t.Errorf("stored %d %q, want 200 and an empty body", ex.Response.StatusCode, ex.Response.Body)
	}
}
