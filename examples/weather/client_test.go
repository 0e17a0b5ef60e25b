package weather_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/cassette-go/cassette/examples/weather"
)

// These tests cover what the recorded API never does, with hand-written
// handlers.

func TestBulletinNotEncoded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Accept-Encoding"); got != "gzip" {
			t.Errorf("GET /v2/bulletin: Accept-Encoding %q, want gzip", got)
		}
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("plain bulletin\n"))
	}))
	t.Cleanup(srv.Close)
	got, err := weather.NewClient(srv.URL).Bulletin(context.Background())
	if err != nil || got != "plain bulletin\n" {
		t.Errorf("Bulletin() = %q, %v, want %q, nil", got, err, "plain bulletin\n")
	}
}

func TestBulletinUnsupportedEncoding(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "br")
		w.Write([]byte{0x0b, 0x01})
	}))
	t.Cleanup(srv.Close)
	_, err := weather.NewClient(srv.URL).Bulletin(context.Background())
	if err == nil || !strings.Contains(err.Error(), `unsupported Content-Encoding "br"`) {
		t.Errorf("Bulletin() with Content-Encoding br: error %v, want unsupported Content-Encoding", err)
	}
}

func TestBulletinBadGzip(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write([]byte("not gzip"))
	}))
	t.Cleanup(srv.Close)
	if _, err := weather.NewClient(srv.URL).Bulletin(context.Background()); err == nil {
		t.Errorf("Bulletin() with a body that is not gzip: no error")
	}
}

func TestMapNotPNG(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html>maintenance</html>"))
	}))
	t.Cleanup(srv.Close)
	if _, err := weather.NewClient(srv.URL).Map(context.Background()); err == nil || !strings.Contains(err.Error(), "not a PNG") {
		t.Errorf("Map() of an HTML page: error %v, want not a PNG", err)
	}
}

func TestAPIErrorNotJSON(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "upstream timed out", http.StatusBadGateway)
	}))
	t.Cleanup(srv.Close)
	_, err := weather.NewClient(srv.URL + "/").Cities(context.Background())
	var apiErr *weather.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("Cities() on a 502: error %v, want an *APIError", err)
	}
	want := weather.APIError{StatusCode: 502, Method: "GET", Path: "/v2/cities", Message: "upstream timed out"}
	if *apiErr != want {
		t.Errorf("Cities() on a 502: error %+v, want %+v", *apiErr, want)
	}
	if got, want := err.Error(), "weather: GET /v2/cities: 502 Bad Gateway: upstream timed out"; got != want {
		t.Errorf("Cities() on a 502: error %q, want %q", got, want)
	}
}

func TestBadJSON(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"id":`))
	}))
	t.Cleanup(srv.Close)
	if _, err := weather.NewClient(srv.URL).Forecast(context.Background(), "Lyon", 3); err == nil || !strings.Contains(err.Error(), "decode") {
		t.Errorf("Forecast() of truncated JSON: error %v, want a decode error", err)
	}
}

// TestRequests checks what the client sends: the query escaped, the alert
// as JSON.
func TestRequests(t *testing.T) {
	type seen struct{ method, uri, contentType, body string }
	var (
		mu  sync.Mutex // guards got
		got []seen
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			t.Error(err)
		}
		mu.Lock()
		got = append(got, seen{r.Method, r.URL.RequestURI(), r.Header.Get("Content-Type"), string(b)})
		mu.Unlock()
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{}`))
	}))
	t.Cleanup(srv.Close)
	c := weather.NewClient(srv.URL)
	ctx := context.Background()
	c.Forecast(ctx, "Saint-Étienne", 2)
	c.CreateAlert(ctx, weather.AlertRequest{CityID: 2, Level: 3})
	mu.Lock()
	defer mu.Unlock()
	want := []seen{
		{"GET", "/v2/forecast?city=Saint-%C3%89tienne&days=2", "", ""},
		{"POST", "/v2/alerts", "application/json", `{"item":2,"qty":3}`},
	}
	if len(got) != len(want) {
		t.Fatalf("requests %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("request %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
