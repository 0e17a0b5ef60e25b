// Package weather is a small client for a weather API, written as real
// client code would be, and tested against a cassette library rather than
// the network: it is the worked example of Cassette for Go.
//
//	c := weather.NewClient("https://api.weather.example")
//	cities, err := c.Cities(ctx)
//
// The API (served for real by package weatherapi) has five endpoints:
// GET /v2/cities, GET /v2/forecast?city=Lyon&days=3, POST /v2/alerts,
// GET /v2/map.png and GET /v2/bulletin (plain text, gzip-encoded on the
// wire). Answers that are not 2xx are returned as an [*APIError].
//
// # Testing with cassettes
//
// The tests point the client at a replay server on the library committed
// in testdata/weather at the root of the module, one JSON file per
// cassette:
//
//	up := httptest.NewServer(weatherapi.Handler())
//	srv := replayserver.New(t, "../../testdata/weather",
//		replayserver.Upstream(up.URL), replayserver.Strict())
//	c := weather.NewClient(srv.URL)
//
// By default they replay: the upstream is never called, and with Strict a
// cassette no test used fails the run. To record the library again from
// package weatherapi (after changing the API or the client), run, from the
// root of the module:
//
//	CASSETTE_MODE=rerecord go test ./examples/weather -run TestClient -count=1
//
// TestClient rewrites testdata/weather. Its file names carry the upstream's
// loopback port, which changes every run; that does not matter, since the
// replay server matches requests sent to its own address against
// cassettes from any loopback host. TestClientInProcess rewrites
// examples/weather/testdata/inprocess.json, a single-file library recorded
// against the made-up host weather.test and replayed in process by
// replayserver.NewTransport. Review the diff and commit it. (Without -run,
// the examples fail in that mode: they replay the library and have no
// upstream to record from.)
package weather
