package recorder

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cassette-go/cassette/library"
)

// A body read to its end that the caller never closes leaves nothing
// registered on the caller's context: its detached request is released
// at the end, as Close would.
func TestABodyReadToItsEndReleasesItsRequest(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	defer api.Close()
	lib, err := library.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rt := newRoundTripper(lib, newConfig(nil), http.DefaultTransport)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", api.URL, nil)
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	c, ok := resp.Body.(*capture)
	if !ok {
		t.Fatalf("the body is a %T, want the recorder's", resp.Body)
	}
	if b, err := io.ReadAll(resp.Body); err != nil || string(b) != "ok" {
		t.Fatalf("read %q, %v", b, err)
	}
	if c.ctx.Err() == nil {
		t.Error("the request sent is still open once its body was read to its end")
	}
	if err := rt.Close(); err != nil {
		t.Fatal(err)
	}
}
