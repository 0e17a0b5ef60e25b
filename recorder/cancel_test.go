package recorder_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cassette-go/cassette/recorder"
)

// stallingUpstream answers with a Content-Length of 1000, sends 10 bytes,
// then stalls until the client goes away: a slow API the test's client
// gives up on.
func stallingUpstream(t *testing.T) *httptest.Server {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		io.WriteString(w, "0123456789")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	t.Cleanup(api.Close)
	return api
}

// A request its client cancels through Request.Cancel (what http.Client
// with a Timeout closes for a RoundTripper it does not know, such as the
// recorder's; http.Transport ends the request then, though its context
// has not ended) is the client stopping, not a body the upstream broke
// off: it does not fail the test (a review found it did, for each such
// request, once broken bodies failed it).
func TestARequestCanceledByItsClientIsNoBrokenBody(t *testing.T) {
	api := stallingUpstream(t)
	ft := &fakeTB{TB: t}
	client := &http.Client{Transport: recorder.NewTransport(ft, t.TempDir())}
	cancel := make(chan struct{})
	req, _ := http.NewRequest("GET", api.URL+"/slow", nil)
	req.Cancel = cancel //lint:ignore SA1019 what http.Client with a Timeout does too
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(resp.Body, make([]byte, 10)); err != nil {
		t.Fatal(err)
	}
	close(cancel) // the upstream sends nothing more: the client gives up
	if _, err := io.ReadAll(resp.Body); err == nil {
		t.Fatal("read to the end; want the request canceled")
	}
	resp.Body.Close()
	ft.end()
	ft.mu.Lock()
	defer ft.mu.Unlock()
	if len(ft.errors) != 0 {
		t.Errorf("the client canceled the request, yet the test failed with %q", ft.errors)
	}
}

// The same through http.Client's Timeout, which both ends the request's
// context and closes Request.Cancel: whichever reaches the transport
// first, the client stopped.
func TestAClientTimeoutIsNoBrokenBody(t *testing.T) {
	api := stallingUpstream(t)
	for range 5 {
		ft := &fakeTB{TB: t}
		client := &http.Client{Transport: recorder.NewTransport(ft, t.TempDir()), Timeout: 50 * time.Millisecond}
		resp, err := client.Get(api.URL + "/slow")
		if err == nil { // on a loaded machine the Timeout may come before the headers
			if _, err := io.ReadAll(resp.Body); err == nil {
				t.Fatal("read to the end; want the client's timeout")
			}
			resp.Body.Close()
		}
		ft.end()
		ft.mu.Lock()
		for _, e := range ft.errors {
			if strings.Contains(e, "broke off") {
				t.Errorf("the client's Timeout ended the request, yet the test failed with: %s", e)
			}
		}
		ft.mu.Unlock()
	}
}
