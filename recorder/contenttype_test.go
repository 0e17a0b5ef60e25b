package recorder_test

import (
	"io"
	"path/filepath"
	"testing"

	"github.com/cassette-go/cassette/internal/rawupstream"
	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

// An answer the upstream sent without a Content-Type reaches the client of
// the recording proxy without one, as replay sends it: net/http's server
// would otherwise add one it sniffed from the body (text/html here), which
// the client would see while recording and never again.
func TestProxyAddsNoContentTypeTheUpstreamDidNotSend(t *testing.T) {
	const body = "<html><body>not labelled</body></html>"
	path := filepath.Join(t.TempDir(), "api.json")
	rec := recorder.New(t, rawupstream.CloseDelimited(t, "", body), path)
	resp, err := rec.Client().Get(rec.URL + "/page")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if ct, ok := resp.Header["Content-Type"]; ok || string(got) != body {
		t.Errorf("GET /page through the recorder: Content-Type %q (present %v), body %q; want no Content-Type, as the upstream sent, and %q", ct, ok, got, body)
	}
	rec.Close()
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	names, err := lib.Names()
	if err != nil || len(names) != 1 {
		t.Fatalf("library holds %q (%v), want one cassette", names, err)
	}
	c, ok, err := lib.Get(names[0])
	if err != nil || !ok {
		t.Fatalf("Get(%q): %v, %v", names[0], ok, err)
	}
	if ct, ok := c.Exchanges[0].Response.Header["Content-Type"]; ok {
		t.Errorf("stored Content-Type %q, want none, as the upstream sent", ct)
	}
}

// So too when the upstream sends an interim answer first (103 Early
// Hints), which the proxy passes on: net/http's ReverseProxy then clears
// the header it was given, and the server sniffed a Content-Type for the
// answer after it.
func TestProxyAddsNoContentTypeAfterAnInterimAnswer(t *testing.T) {
	const body = "<html><body>not labelled</body></html>"
	rec := recorder.New(t, rawupstream.CloseDelimited(t, rawupstream.EarlyHints, body), filepath.Join(t.TempDir(), "api.json"))
	resp, err := rec.Client().Get(rec.URL + "/page")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if ct, ok := resp.Header["Content-Type"]; ok || string(got) != body {
		t.Errorf("GET /page through the recorder, answered 103 then 200: Content-Type %q (present %v), body %q; want no Content-Type, as the upstream sent, and %q", ct, ok, got, body)
	}
}
