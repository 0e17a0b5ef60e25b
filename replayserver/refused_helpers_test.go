package replayserver_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// A readingAPI is the real API of the tests of requests NewTransport
// refuses: it reads each request's body whole, answers "ok" and counts
// the requests, so that a test sees one that reached it (countingAPI
// reads no body).
type readingAPI struct {
	*httptest.Server
	hits atomic.Int32
}

// newReadingAPI starts a readingAPI, closed when t ends.
func newReadingAPI(t *testing.T) *readingAPI {
	t.Helper()
	api := new(readingAPI)
	api.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api.hits.Add(1)
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "ok")
	}))
	t.Cleanup(api.Close)
	return api
}

// recordRequests records reqs, in order, through NewTransport(t, path,
// opts...) in record mode (opts may set it again), in a subtest "record"
// that fails if one is not answered.
func recordRequests(t *testing.T, path string, opts []replayserver.Option, reqs ...*http.Request) {
	t.Helper()
	t.Run("record", func(t *testing.T) {
		all := append([]replayserver.Option{replayserver.WithMode(replayserver.ModeRecord)}, opts...)
		c := &http.Client{Transport: replayserver.NewTransport(t, path, all...)}
		for _, req := range reqs {
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
}

// newRequest returns http.NewRequest(method, url, body), failing t if it
// fails.
func newRequest(t *testing.T, method, url string, body io.Reader) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// wantRefused checks that rt refuses r with http.Transport's error want,
// not a miss, having closed body (nil: r has none), and that the API got
// no request meanwhile.
func (api *readingAPI) wantRefused(t *testing.T, rt http.RoundTripper, r *http.Request, body *closeCount, want string) {
	t.Helper()
	before := api.hits.Load()
	resp, err := rt.RoundTrip(r)
	if resp != nil {
		resp.Body.Close()
		t.Fatalf("NewTransport answered %d, want http.Transport's error %q", resp.StatusCode, want)
	}
	if err == nil || err.Error() != want {
		t.Errorf("NewTransport RoundTrip error = %v, want http.Transport's %q", err, want)
	}
	if errors.Is(err, replayserver.ErrNoMatch) {
		t.Errorf("NewTransport RoundTrip error is a miss: %v", err)
	}
	if body != nil && body.n.Load() == 0 {
		t.Errorf("the request body was not closed, as http.Transport closes it")
	}
	if n := api.hits.Load() - before; n != 0 {
		t.Errorf("the API got %d request(s), want none", n)
	}
}
