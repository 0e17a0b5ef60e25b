package replayserver_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// A request that Server.Transport sent for another host, which no route
// matches, costs the server no more allocations than one sent to the
// server's own address: routes are set up in most tests that use
// srv.Client(), and each of its requests is looked at by them before the
// cassettes answer it. The copy made for the routes (forRoutes) used to
// cost five allocations and 880 bytes more per request, a header clone
// among them, whether or not a route matched.
func TestRoutesCostARequestForAnotherHostNoAllocation(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops what it is given at random under the race detector")
	}
	t.Setenv("CASSETTE_MODE", "")
	bl := newBenchLib(t, t.TempDir(), 1, 1<<10)
	h, err := replayserver.NewHandler(bl.path, replayOpts()...)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	h.Router().Path("/a/route/of/the/tests/own").HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	la := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}
	ctx := context.WithValue(context.Background(), http.LocalAddrContextKey, la)
	allocs := func(transport bool) float64 {
		r := httptest.NewRequest("GET", bl.paths[0], nil).WithContext(ctx)
		r.Host = "127.0.0.1:40000"
		if transport {
			// As Server.Transport sends it: the scheme it was meant for,
			// the caller's own Host header, and the server's secret.
			r.Header.Set("X-Cassette-Scheme", "http")
			r.Header.Set("X-Cassette-Host", "tenant.example.test")
			r.Header.Set("X-Cassette-Secret", replayserver.TransportSecret(h))
		}
		w := &nopWriter{h: http.Header{}}
		return testing.AllocsPerRun(100, func() {
			clear(w.h)
			h.ServeHTTP(w, r)
		})
	}
	own, other := allocs(false), allocs(true)
	if other > own {
		t.Errorf("a request sent through Server.Transport costs %v allocations, one sent to the server's own address %v; want no more", other, own)
	}
}
