package weatherapi_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/examples/weather/weatherapi"
)

// serve sends one request to the handler and returns the response.
func serve(t *testing.T, method, target, body string, header ...string) *http.Response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	weatherapi.Handler().ServeHTTP(w, req)
	return w.Result()
}

func readAll(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return b
}

func TestRoutes(t *testing.T) {
	tests := []struct {
		why          string
		method, path string
		body         string
		wantStatus   int
		wantType     string
		wantBody     string // exact, when not empty
		wantCode     string // the error code, when not empty
	}{
		{"cities list in order, UTF-8 kept", "GET", "/v2/cities", "", 200, "application/json",
			`[{"id":1,"name":"Besançon"},{"id":2,"name":"Lyon"},{"id":3,"name":"Nantes"}]`, ""},
		{"forecast is cut to the days asked for", "GET", "/v2/forecast?city=Lyon&days=1", "", 200, "application/json",
			`{"id":2,"name":"Lyon","days":[{"date":"2026-11-25","summary":"sunny","min_c":2,"max_c":11.5,"rain_mm":0}]}`, ""},
		{"city names match in any case, offset applied", "GET", "/v2/forecast?city=nantes&days=1", "", 200, "application/json",
			`{"id":3,"name":"Nantes","days":[{"date":"2026-11-25","summary":"sunny","min_c":4,"max_c":13.5,"rain_mm":0}]}`, ""},
		{"unknown city is a 404 the client can read", "GET", "/v2/forecast?city=Atlantis&days=3", "", 404, "application/json", "", "unknown_city"},
		{"days out of range", "GET", "/v2/forecast?city=Lyon&days=8", "", 400, "application/json", "", "bad_request"},
		{"days not a number", "GET", "/v2/forecast?city=Lyon&days=x", "", 400, "application/json", "", "bad_request"},
		{"city missing", "GET", "/v2/forecast?days=3", "", 400, "application/json", "", "bad_request"},
		{"alert created", "POST", "/v2/alerts", `{"item":2,"qty":3}`, 201, "application/json",
			`{"order":77,"got":{"item":2,"qty":3}}`, ""},
		{"alert for a city that does not exist", "POST", "/v2/alerts", `{"item":9,"qty":3}`, 400, "application/json", "", "unknown_city"},
		{"alert level out of range", "POST", "/v2/alerts", `{"item":2,"qty":6}`, 400, "application/json", "", "bad_request"},
		{"alert body with unknown field", "POST", "/v2/alerts", `{"item":2,"qty":3,"x":1}`, 400, "application/json", "", "bad_request"},
		{"alert body with trailing data", "POST", "/v2/alerts", `{"item":2,"qty":3}{}`, 400, "application/json", "", "bad_request"},
		{"unknown path", "GET", "/v2/nowhere", "", 404, "application/json", "", "not_found"},
		{"wrong method on a known path", "DELETE", "/v2/cities", "", 404, "application/json", "", "not_found"},
		{"bulletin in plain text without Accept-Encoding", "GET", "/v2/bulletin", "", 200, "text/plain; charset=utf-8", weatherapi.Bulletin, ""},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			resp := serve(t, tt.method, tt.path, tt.body)
			body := readAll(t, resp)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("%s %s: status %d, want %d; body %s", tt.method, tt.path, resp.StatusCode, tt.wantStatus, body)
			}
			if got := resp.Header.Get("Content-Type"); got != tt.wantType {
				t.Errorf("%s %s: Content-Type %q, want %q", tt.method, tt.path, got, tt.wantType)
			}
			if tt.wantBody != "" && string(body) != tt.wantBody {
				t.Errorf("%s %s: body\n%s\nwant\n%s", tt.method, tt.path, body, tt.wantBody)
			}
			if tt.wantCode != "" {
				var e struct{ Code, Message string }
				if err := json.Unmarshal(body, &e); err != nil {
					t.Fatalf("%s %s: error body %s: %v", tt.method, tt.path, body, err)
				}
				if e.Code != tt.wantCode || e.Message == "" {
					t.Errorf("%s %s: error %+v, want code %q and a message", tt.method, tt.path, e, tt.wantCode)
				}
			}
		})
	}
}

func TestCitiesSetsTwoCookies(t *testing.T) {
	resp := serve(t, "GET", "/v2/cities", "")
	got := resp.Header.Values("Set-Cookie")
	want := []string{"session=s-4f2a9c; Path=/; HttpOnly", "prefs=units-metric; Path=/; Max-Age=31536000"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("GET /v2/cities: Set-Cookie %q, want %q", got, want)
	}
}

func TestForecastDays(t *testing.T) {
	for days := 1; days <= weatherapi.MaxDays; days++ {
		resp := serve(t, "GET", "/v2/forecast?city=Lyon&days="+string(rune('0'+days)), "")
		var f struct{ Days []json.RawMessage }
		if err := json.Unmarshal(readAll(t, resp), &f); err != nil {
			t.Fatal(err)
		}
		if len(f.Days) != days {
			t.Errorf("GET /v2/forecast?city=Lyon&days=%d: %d days", days, len(f.Days))
		}
	}
}

func TestAlertLocation(t *testing.T) {
	resp := serve(t, "POST", "/v2/alerts", `{"item":1,"qty":1}`)
	if got, want := resp.Header.Get("Location"), "/v2/alerts/77"; got != want {
		t.Errorf("POST /v2/alerts: Location %q, want %q", got, want)
	}
}

func TestMapIsPNG(t *testing.T) {
	resp := serve(t, "GET", "/v2/map.png", "")
	if got := resp.Header.Get("Content-Type"); got != "image/png" {
		t.Errorf("GET /v2/map.png: Content-Type %q", got)
	}
	img, err := png.Decode(bytes.NewReader(readAll(t, resp)))
	if err != nil {
		t.Fatalf("GET /v2/map.png: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 2 || b.Dy() != 2 {
		t.Errorf("GET /v2/map.png: size %v, want 2x2", b)
	}
	if r, g, b, _ := img.At(0, 0).RGBA(); r>>8 != 0x2b || g>>8 != 0x7b || b>>8 != 0xd6 {
		t.Errorf("GET /v2/map.png: pixel (0,0) = %v, want #2b7bd6", img.At(0, 0))
	}
}

func TestBulletinGzip(t *testing.T) {
	tests := []struct {
		acceptEncoding string
		wantGzip       bool
	}{
		{"gzip", true},
		{"gzip, deflate, br, zstd", true},
		{"br;q=1.0, GZIP;q=0.5", true},
		{"*", true},
		{"gzip;q=0", false},
		{"identity", false},
		{"br", false},
	}
	for _, tt := range tests {
		resp := serve(t, "GET", "/v2/bulletin", "", "Accept-Encoding", tt.acceptEncoding)
		body := readAll(t, resp)
		isGzip := resp.Header.Get("Content-Encoding") == "gzip"
		if isGzip != tt.wantGzip {
			t.Errorf("GET /v2/bulletin with Accept-Encoding %q: gzip %v, want %v", tt.acceptEncoding, isGzip, tt.wantGzip)
			continue
		}
		if isGzip {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("gzip: %v", err)
			}
			if body, err = io.ReadAll(zr); err != nil {
				t.Fatalf("gzip: %v", err)
			}
		}
		if string(body) != weatherapi.Bulletin {
			t.Errorf("GET /v2/bulletin with Accept-Encoding %q: body %q", tt.acceptEncoding, body)
		}
	}
}

func TestBulletinBytesAreStable(t *testing.T) {
	a := readAll(t, serve(t, "GET", "/v2/bulletin", "", "Accept-Encoding", "gzip"))
	b := readAll(t, serve(t, "GET", "/v2/bulletin", "", "Accept-Encoding", "gzip"))
	if !bytes.Equal(a, b) {
		t.Errorf("GET /v2/bulletin twice: gzip bodies differ")
	}
}
