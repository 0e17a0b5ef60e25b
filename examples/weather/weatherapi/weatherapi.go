package weatherapi

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// A city as listed by GET /v2/cities.
type city struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

// cities are the cities the API knows, in the order it lists them.
var cities = []city{
	{ID: 1, Name: "Besançon"},
	{ID: 2, Name: "Lyon"},
	{ID: 3, Name: "Nantes"},
}

// A day of a forecast.
type day struct {
	Date    string  `json:"date"`
	Summary string  `json:"summary"`
	MinC    float64 `json:"min_c"`
	MaxC    float64 `json:"max_c"`
	RainMM  float64 `json:"rain_mm"`
}

// week is the forecast of every city, shifted by the city's offset.
var week = []day{
	{Date: "2026-11-25", Summary: "sunny", MinC: 2, MaxC: 11.5, RainMM: 0},
	{Date: "2026-11-26", Summary: "cloudy", MinC: 4, MaxC: 10, RainMM: 0.5},
	{Date: "2026-11-27", Summary: "rain", MinC: 6.5, MaxC: 9, RainMM: 12},
	{Date: "2026-11-28", Summary: "showers", MinC: 5, MaxC: 9.5, RainMM: 4},
	{Date: "2026-11-29", Summary: "sunny", MinC: 1, MaxC: 8, RainMM: 0},
	{Date: "2026-11-30", Summary: "fog", MinC: -1, MaxC: 6, RainMM: 0},
	{Date: "2026-12-01", Summary: "snow", MinC: -3, MaxC: 2, RainMM: 3},
}

// offsetC is how much warmer than week each city is.
var offsetC = map[int]float64{1: -1.5, 2: 0, 3: 2}

// MaxDays is the longest forecast the API gives.
const MaxDays = 7

// AlertID is the id of every alert the API creates.
const AlertID = 77

// mapPNG is a valid 2x2 PNG: blue, yellow / green, white.
var mapPNG = []byte{
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
	0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02,
	0x08, 0x02, 0x00, 0x00, 0x00, 0xfd, 0xd4, 0x9a, 0x73, 0x00, 0x00, 0x00,
	0x1b, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x62, 0xd2, 0xae, 0xbe, 0xf6,
	0xe9, 0xa0, 0x1e, 0x83, 0xcd, 0xd2, 0x98, 0xff, 0xff, 0xff, 0x03, 0x02,
	0x00, 0x00, 0xff, 0xff, 0x2f, 0x07, 0x07, 0x9a, 0xd5, 0xdb, 0x58, 0xb1,
	0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
}

// Bulletin is the text of the bulletin served at /v2/bulletin.
const Bulletin = `Weather bulletin, 25 November 2026

Besançon: sunny, 0.5 to 10 °C, no rain.
Lyon: sunny, 2 to 11.5 °C, no rain.
Nantes: sunny, 4 to 13.5 °C, no rain.

Outlook: rain on Friday, fog on Monday, snow on the hills by Tuesday.
`

// bulletinGzip is Bulletin compressed, computed once so that every
// response carries the same bytes.
var bulletinGzip = func() []byte {
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		panic(err)
	}
	io.WriteString(zw, Bulletin)
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}()

// Handler returns the API. It is safe for concurrent use.
func Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v2/cities", serveCities)
	mux.HandleFunc("GET /v2/forecast", serveForecast)
	mux.HandleFunc("POST /v2/alerts", serveAlert)
	mux.HandleFunc("GET /v2/map.png", serveMap)
	mux.HandleFunc("GET /v2/bulletin", serveBulletin)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", fmt.Sprintf("no route for %s %s", r.Method, r.URL.Path))
	})
	return mux
}

func serveCities(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: "session", Value: "s-4f2a9c", Path: "/", HttpOnly: true})
	http.SetCookie(w, &http.Cookie{Name: "prefs", Value: "units-metric", Path: "/", MaxAge: 31536000})
	writeJSON(w, http.StatusOK, cities)
}

func serveForecast(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	name := q.Get("city")
	if name == "" {
		writeError(w, http.StatusBadRequest, "bad_request", "missing parameter city")
		return
	}
	days, err := strconv.Atoi(q.Get("days"))
	if err != nil || days < 1 || days > MaxDays {
		writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("days must be a number from 1 to %d", MaxDays))
		return
	}
	var c *city
	for i := range cities {
		if strings.EqualFold(cities[i].Name, name) {
			c = &cities[i]
		}
	}
	if c == nil {
		writeError(w, http.StatusNotFound, "unknown_city", fmt.Sprintf("unknown city %q", name))
		return
	}
	f := struct {
		ID   int    `json:"id"`
		Name string `json:"name"`
		Days []day  `json:"days"`
	}{ID: c.ID, Name: c.Name}
	for _, d := range week[:days] {
		d.MinC += offsetC[c.ID]
		d.MaxC += offsetC[c.ID]
		f.Days = append(f.Days, d)
	}
	writeJSON(w, http.StatusOK, f)
}

// alertRequest is the body of POST /v2/alerts: item is a city id, qty a
// severity level from 1 to 5.
type alertRequest struct {
	Item int `json:"item"`
	Qty  int `json:"qty"`
}

func serveAlert(w http.ResponseWriter, r *http.Request) {
	var req alertRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "bad_request", "body: "+err.Error())
		return
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		writeError(w, http.StatusBadRequest, "bad_request", "body: more than one JSON value")
		return
	}
	known := false
	for _, c := range cities {
		known = known || c.ID == req.Item
	}
	if !known {
		writeError(w, http.StatusBadRequest, "unknown_city", fmt.Sprintf("no city with id %d", req.Item))
		return
	}
	if req.Qty < 1 || req.Qty > 5 {
		writeError(w, http.StatusBadRequest, "bad_request", "qty must be a level from 1 to 5")
		return
	}
	w.Header().Set("Location", "/v2/alerts/"+strconv.Itoa(AlertID))
	writeJSON(w, http.StatusCreated, struct {
		Order int          `json:"order"`
		Got   alertRequest `json:"got"`
	}{AlertID, req})
}

func serveMap(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Length", strconv.Itoa(len(mapPNG)))
	w.Write(mapPNG)
}

func serveBulletin(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Vary", "Accept-Encoding")
	body := []byte(Bulletin)
	if acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = bulletinGzip
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

// acceptsGzip reports whether r's Accept-Encoding lists gzip (or "*")
// with a quality above zero.
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for _, part := range strings.Split(v, ",") {
			coding, params, _ := strings.Cut(part, ";")
			coding = strings.ToLower(strings.TrimSpace(coding))
			if coding != "gzip" && coding != "*" {
				continue
			}
			q := 1.0
			if s, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
				if f, err := strconv.ParseFloat(s, 64); err == nil {
					q = f
				}
			}
			return q > 0
		}
	}
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}{code, msg})
}
