package weather_test

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cassette-go/cassette/examples/weather"
	"github.com/cassette-go/cassette/examples/weather/weatherapi"
	"github.com/cassette-go/cassette/replayserver"
)

// library is the cassette library shipped at the root of the module, one
// JSON file per cassette, recorded from package weatherapi by TestClient.
const library = "../../testdata/weather"

// TestClient runs every method of the client against a replay server on the
// shipped library. It respects CASSETTE_MODE: by default it replays and
// never calls the upstream; to record the library again from weatherapi,
// run from the root of the module
//
//	CASSETTE_MODE=rerecord go test ./examples/weather -run TestClient -count=1
//
// and commit the new files in testdata/weather.
func TestClient(t *testing.T) {
	up := httptest.NewServer(weatherapi.Handler())
	t.Cleanup(up.Close)
	srv := replayserver.New(t, library, replayserver.Upstream(up.URL), replayserver.Strict())

	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := weather.NewClient(srv.URL, weather.WithHTTPClient(&http.Client{Jar: jar}))
	exercise(t, c)

	// Both cookies set by GET /v2/cities were replayed. Their values were
	// redacted when recorded (Set-Cookie is a secret by default), so only
	// their names are the upstream's.
	u, _ := url.Parse(srv.URL)
	var got []string
	for _, ck := range jar.Cookies(u) {
		got = append(got, ck.Name)
	}
	sort.Strings(got)
	if want := []string{"prefs", "session"}; !reflect.DeepEqual(got, want) {
		t.Errorf("cookies after Cities = %v, want %v", got, want)
	}
}

// TestReplayDoesNotTouchUpstream proves that replay mode answers from the
// library alone: the upstream counts its requests and gets none.
func TestReplayDoesNotTouchUpstream(t *testing.T) {
	t.Setenv(replayserver.EnvMode, string(replayserver.ModeReplay))
	var hits atomic.Int64
	api := weatherapi.Handler()
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		api.ServeHTTP(w, r)
	}))
	t.Cleanup(up.Close)
	srv := replayserver.New(t, library, replayserver.Upstream(up.URL), replayserver.Strict())

	exercise(t, weather.NewClient(srv.URL))

	if n := hits.Load(); n != 0 {
		t.Errorf("upstream got %d request(s) in replay mode, want 0", n)
	}
}

// TestAgainstUpstream runs the same checks against weatherapi itself, with
// no cassettes: the client and the API agree, so recording the library
// again gives a library the tests pass on.
func TestAgainstUpstream(t *testing.T) {
	up := httptest.NewServer(weatherapi.Handler())
	t.Cleanup(up.Close)
	exercise(t, weather.NewClient(up.URL, weather.WithHTTPClient(up.Client())))
}

// exercise calls every method of c once, in a fixed order, and checks the
// decoded answers against what weatherapi serves.
func exercise(t *testing.T, c *weather.Client) {
	t.Helper()
	ctx := context.Background()

	cities, err := c.Cities(ctx)
	if err != nil {
		t.Fatalf("Cities: %v", err)
	}
	wantCities := []weather.City{{ID: 1, Name: "Besançon"}, {ID: 2, Name: "Lyon"}, {ID: 3, Name: "Nantes"}}
	if !reflect.DeepEqual(cities, wantCities) {
		t.Errorf("Cities = %+v, want %+v", cities, wantCities)
	}

	f, err := c.Forecast(ctx, "Lyon", 3)
	if err != nil {
		t.Fatalf("Forecast(Lyon, 3): %v", err)
	}
	wantForecast := weather.Forecast{CityID: 2, City: "Lyon", Days: []weather.Day{
		{Date: "2026-11-25", Summary: "sunny", MinC: 2, MaxC: 11.5, RainMM: 0},
		{Date: "2026-11-26", Summary: "cloudy", MinC: 4, MaxC: 10, RainMM: 0.5},
		{Date: "2026-11-27", Summary: "rain", MinC: 6.5, MaxC: 9, RainMM: 12},
	}}
	if !reflect.DeepEqual(f, wantForecast) {
		t.Errorf("Forecast(Lyon, 3) = %+v, want %+v", f, wantForecast)
	}

	_, err = c.Forecast(ctx, "Atlantis", 3)
	var apiErr *weather.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("Forecast(Atlantis, 3): error %v, want an *APIError", err)
	}
	wantErr := weather.APIError{StatusCode: 404, Method: "GET", Path: "/v2/forecast",
		Code: "unknown_city", Message: `unknown city "Atlantis"`}
	if *apiErr != wantErr {
		t.Errorf("Forecast(Atlantis, 3): error %+v, want %+v", *apiErr, wantErr)
	}

	alert, err := c.CreateAlert(ctx, weather.AlertRequest{CityID: 2, Level: 3})
	if err != nil {
		t.Fatalf("CreateAlert({2 3}): %v", err)
	}
	if want := (weather.Alert{ID: 77, Request: weather.AlertRequest{CityID: 2, Level: 3}}); alert != want {
		t.Errorf("CreateAlert({2 3}) = %+v, want %+v", alert, want)
	}

	m, err := c.Map(ctx)
	if err != nil {
		t.Fatalf("Map: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(m))
	if err != nil {
		t.Fatalf("Map: %d bytes, not a valid PNG: %v", len(m), err)
	}
	if b := img.Bounds(); b.Dx() != 2 || b.Dy() != 2 {
		t.Errorf("Map: image %v, want 2x2", b)
	}

	text, err := c.Bulletin(ctx)
	if err != nil {
		t.Fatalf("Bulletin: %v", err)
	}
	if !strings.HasPrefix(text, "Weather bulletin, 25 November 2026\n") ||
		!strings.Contains(text, "\nLyon: sunny, 2 to 11.5 °C, no rain.\n") {
		t.Errorf("Bulletin = %q, want the bulletin of 25 November 2026", text)
	}
}
