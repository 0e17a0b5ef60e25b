// Package fullduplex checks, for tests, that a RoundTripper answers a
// request whose body is a stream as long as its ContentLength says and
// whose writer waits for the answer before it closes the body (a
// full-duplex client, or one that closes its pipe once answered), as
// http.Transport answers it: the upstream gets the whole length and
// answers, and the body ends after.
package fullduplex

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// API starts an upstream, closed when the test ends, that reads each
// request body to its end and answers "read N", N its length.
func API(t testing.TB) *httptest.Server {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "read %d", len(b))
	}))
	t.Cleanup(api.Close)
	return api
}

// Check sends a POST of size bytes to url (on an API of API) through rt,
// its body such a stream, and fails the test unless rt answers before the
// body ends, with the API's answer to the whole length.
func Check(t testing.TB, rt http.RoundTripper, url string, size int) {
	t.Helper()
	pr, pw := io.Pipe()
	answered := make(chan struct{})
	waited := make(chan bool, 1) // whether the writer gave up waiting for the answer
	go func() {
		pw.Write(bytes.Repeat([]byte("x"), size))
		select {
		case <-answered:
			waited <- false
		case <-time.After(10 * time.Second): // not a timing check: a guard against waiting for ever
			waited <- true
		}
		pw.Close()
	}()
	req, err := http.NewRequest("POST", url, pr)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(size)
	resp, err := rt.RoundTrip(req)
	close(answered)
	if <-waited {
		t.Errorf("RoundTrip(POST, a stream of its ContentLength %d over the limit) did not return until the body ended; want the answer first, as from http.Transport", size)
	}
	if err != nil {
		t.Fatalf("RoundTrip(POST, a stream of its ContentLength %d over the limit) error = %v", size, err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if want := fmt.Sprintf("read %d", size); resp.StatusCode != 200 || string(got) != want {
		t.Errorf("RoundTrip(POST, a stream of its ContentLength %d over the limit) = %d %q, want 200 %q", size, resp.StatusCode, got, want)
	}
}
