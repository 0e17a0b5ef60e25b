package weather_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"log"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/cassette-go/cassette/examples/weather"
	"github.com/cassette-go/cassette/replayserver"
)

// Every example answers from the library recorded from the weather API and
// shipped in testdata/weather: no network, the same output every run. A
// test would use replayserver.New(t, ...) instead, which also reports
// misses and unused cassettes to the test.

// replayOnly clears CASSETTE_MODE until the function it returns is
// called: the examples only replay the shipped library, so a mode set for
// a whole run (CASSETTE_MODE=rerecord go test ./...) is not theirs; a test
// would clear it with t.Setenv.
func replayOnly() (restore func()) {
	old, had := os.LookupEnv(replayserver.EnvMode)
	os.Unsetenv(replayserver.EnvMode)
	return func() {
		if had {
			os.Setenv(replayserver.EnvMode, old)
		}
	}
}

func ExampleClient_Cities() {
	defer replayOnly()()
	h, err := replayserver.NewHandler("../../testdata/weather")
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	c := weather.NewClient(srv.URL)
	cities, err := c.Cities(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	for _, city := range cities {
		fmt.Println(city.ID, city.Name)
	}
	// Output:
	// 1 Besançon
	// 2 Lyon
	// 3 Nantes
}

func ExampleClient_Forecast() {
	defer replayOnly()()
	h, err := replayserver.NewHandler("../../testdata/weather")
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	c := weather.NewClient(srv.URL)
	f, err := c.Forecast(context.Background(), "Lyon", 3)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(f.City)
	for _, d := range f.Days {
		fmt.Printf("%s %-7s %4.1f..%4.1f °C %4.1f mm\n", d.Date, d.Summary, d.MinC, d.MaxC, d.RainMM)
	}
	// Output:
	// Lyon
	// 2026-11-25 sunny    2.0..11.5 °C  0.0 mm
	// 2026-11-26 cloudy   4.0..10.0 °C  0.5 mm
	// 2026-11-27 rain     6.5.. 9.0 °C 12.0 mm
}

// An unknown city is an *APIError carrying the API's status and message.
func ExampleAPIError() {
	defer replayOnly()()
	h, err := replayserver.NewHandler("../../testdata/weather")
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	c := weather.NewClient(srv.URL)
	_, err = c.Forecast(context.Background(), "Atlantis", 3)
	var apiErr *weather.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code)
	}
	fmt.Println(err)
	// Output:
	// 404 unknown_city
	// weather: GET /v2/forecast: 404 Not Found: unknown_city: unknown city "Atlantis"
}

func ExampleClient_CreateAlert() {
	defer replayOnly()()
	h, err := replayserver.NewHandler("../../testdata/weather")
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	c := weather.NewClient(srv.URL)
	alert, err := c.CreateAlert(context.Background(), weather.AlertRequest{CityID: 2, Level: 3})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("alert %d: city %d, level %d\n", alert.ID, alert.Request.CityID, alert.Request.Level)
	// Output:
	// alert 77: city 2, level 3
}

// The map is a PNG, replayed byte for byte.
func ExampleClient_Map() {
	defer replayOnly()()
	h, err := replayserver.NewHandler("../../testdata/weather")
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	c := weather.NewClient(srv.URL)
	b, err := c.Map(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d bytes, %dx%d\n", len(b), cfg.Width, cfg.Height)
	// Output:
	// 84 bytes, 2x2
}

// The bulletin is stored gzip-encoded, as the API sent it, and decoded by
// the client.
func ExampleClient_Bulletin() {
	defer replayOnly()()
	h, err := replayserver.NewHandler("../../testdata/weather")
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	c := weather.NewClient(srv.URL)
	text, err := c.Bulletin(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	first, _, _ := strings.Cut(text, "\n")
	fmt.Println(first)
	// Output:
	// Weather bulletin, 25 November 2026
}
