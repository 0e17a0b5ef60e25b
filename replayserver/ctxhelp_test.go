package replayserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// countingAPI starts an API that answers "answered" and counts the
// requests it gets: the context tests check that none reaches it.
func countingAPI(t *testing.T) (url string, hits *atomic.Int32) {
	t.Helper()
	hits = new(atomic.Int32)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.WriteString(w, "answered")
	}))
	t.Cleanup(api.Close)
	return api.URL, hits
}

// roundTripEnded sends req through rt, ends its context with end once
// reading has begun (started is closed), and returns RoundTrip's error.
func roundTripEnded(rt http.RoundTripper, req *http.Request, started <-chan struct{}, end func()) error {
	done := make(chan error, 1)
	go func() {
		resp, err := rt.RoundTrip(req)
		if resp != nil {
			resp.Body.Close()
		}
		done <- err
	}()
	<-started
	end()
	return <-done
}
