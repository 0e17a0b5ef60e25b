package recorder_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

// A request built by hand without a header map (&http.Request{Method,
// URL}) made the recording transport panic where it asks for gzip. It
// is sent and stored as one with an empty header, as the replay
// server's transports take it; the caller's request is left as it is.
func TestTransportTakesARequestWithoutHeader(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}))
	defer api.Close()
	path := t.TempDir()
	rt := recorder.NewTransport(t, path)
	u, _ := url.Parse(api.URL + "/v1/items")
	req := &http.Request{Method: "GET", URL: u} // no Header
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatalf("GET %s without a header: %v", u, err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "ok" {
		t.Errorf("GET %s without a header = %d %q, want 200 \"ok\"", u, resp.StatusCode, b)
	}
	if req.Header != nil {
		t.Errorf("the caller's request was changed: header %v", req.Header)
	}
	if err := rt.(io.Closer).Close(); err != nil {
		t.Fatal(err)
	}
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if names, err := lib.Names(); err != nil || len(names) != 1 {
		t.Errorf("library holds %q (%v), want one cassette", names, err)
	}
}
