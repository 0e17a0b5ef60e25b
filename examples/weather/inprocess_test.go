package weather_test

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/cassette-go/cassette/examples/weather"
	"github.com/cassette-go/cassette/examples/weather/weatherapi"
	"github.com/cassette-go/cassette/recorder"
	"github.com/cassette-go/cassette/replayserver"
)

// inprocess is a single-file library recorded against the made-up host of
// inprocessBase: in process, the request's own URL names it, and no port
// changes between runs.
const (
	inprocess     = "testdata/inprocess.json"
	inprocessBase = "http://weather.test"
)

// TestClientInProcess replays without sockets: the client's transport is
// replayserver.NewTransport, and its base URL the recorded one. With
// CASSETTE_MODE=rerecord it records the library again instead, through
// recorder.NewTransport with a transport that sends the requests for
// weather.test to weatherapi on loopback.
func TestClientInProcess(t *testing.T) {
	var rt http.RoundTripper
	switch mode := os.Getenv(replayserver.EnvMode); mode {
	case "rerecord":
		up := httptest.NewServer(weatherapi.Handler())
		t.Cleanup(up.Close)
		if err := os.Remove(inprocess); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		rt = recorder.NewTransport(t, inprocess, recorder.Transport(dialOnly(up.Listener.Addr().String())))
	case "", "replay", "record":
		rt = replayserver.NewTransport(t, inprocess, replayserver.Strict())
	default:
		t.Skipf("%s=%s: %s cannot be reached", replayserver.EnvMode, mode, inprocessBase)
	}
	exercise(t, weather.NewClient(inprocessBase, weather.WithHTTPClient(&http.Client{Transport: rt})))
}

// TestInProcessMiss shows what a request with no cassette gets from the
// replaying transport: an error that unwraps to replayserver.ErrNoMatch
// (its report, logged to the test, names the nearest cassettes), and never
// the network.
func TestInProcessMiss(t *testing.T) {
	t.Setenv(replayserver.EnvMode, string(replayserver.ModeReplay))
	rt := replayserver.NewTransport(t, inprocess)
	c := weather.NewClient(inprocessBase, weather.WithHTTPClient(&http.Client{Transport: rt}))

	_, err := c.Forecast(context.Background(), "Paris", 3)
	if !errors.Is(err, replayserver.ErrNoMatch) {
		t.Errorf("Forecast(Paris, 3) with no cassette: error %v, want one wrapping replayserver.ErrNoMatch", err)
	}
}

// dialOnly returns a transport that connects to addr whatever the host of
// the request. It does not ask for gzip on its own, so what is recorded is
// what the client asked for and the server sent.
func dialOnly(addr string) http.RoundTripper {
	return &http.Transport{
		DisableCompression: true,
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
	}
}
