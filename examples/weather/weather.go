package weather

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// maxBody is the most the client reads of a response body.
const maxBody = 10 << 20

// A Client calls the weather API. It is safe for concurrent use.
type Client struct {
	base string
	hc   *http.Client
}

// An Option configures a [Client].
type Option func(*Client)

// WithHTTPClient sets the HTTP client used for every call. Default:
// [http.DefaultClient].
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) { c.hc = hc }
}

// NewClient returns a client of the API at baseURL, such as
// "https://api.weather.example" or a test server's URL. The API's paths
// (/v2/...) are appended to it.
func NewClient(baseURL string, opts ...Option) *Client {
	c := &Client{base: strings.TrimRight(baseURL, "/"), hc: http.DefaultClient}
	for _, o := range opts {
		o(c)
	}
	if c.hc == nil {
		c.hc = http.DefaultClient
	}
	return c
}

// A City is a place the API has forecasts for.
type City struct {
	// ID identifies the city in other calls, such as [AlertRequest].
	ID int `json:"id"`
	// Name is the city's name, in UTF-8 ("Besançon").
	Name string `json:"name"`
}

// A Forecast is the weather expected in a city over the next days.
type Forecast struct {
	// CityID is the city's ID, as in [City].
	CityID int `json:"id"`
	// City is the city's name.
	City string `json:"name"`
	// Days holds one entry per day, the first being today.
	Days []Day `json:"days"`
}

// A Day is the forecast for one day.
type Day struct {
	// Date is the day, as YYYY-MM-DD.
	Date string `json:"date"`
	// Summary is one word: "sunny", "rain", "fog"...
	Summary string `json:"summary"`
	// MinC is the lowest temperature, in °C.
	MinC float64 `json:"min_c"`
	// MaxC is the highest temperature, in °C.
	MaxC float64 `json:"max_c"`
	// RainMM is the expected rain, in millimetres.
	RainMM float64 `json:"rain_mm"`
}

// An AlertRequest asks to be alerted about a city's weather. The field
// names on the wire are the API's: "item" and "qty".
type AlertRequest struct {
	// CityID is the city to watch.
	CityID int `json:"item"`
	// Level is the lowest severity to alert on, from 1 to 5.
	Level int `json:"qty"`
}

// An Alert is an alert the API created.
type Alert struct {
	// ID identifies the alert.
	ID int `json:"order"`
	// Request is the request as the API understood it.
	Request AlertRequest `json:"got"`
}

// Cities returns the cities the API knows.
func (c *Client) Cities(ctx context.Context) ([]City, error) {
	var out []City
	if err := c.getJSON(ctx, "/v2/cities", nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Forecast returns the forecast for the city called city (in any case) over
// days days, from 1 to 7. An unknown city is an [*APIError] with status
// 404.
func (c *Client) Forecast(ctx context.Context, city string, days int) (Forecast, error) {
	q := url.Values{"city": {city}, "days": {strconv.Itoa(days)}}
	var out Forecast
	if err := c.getJSON(ctx, "/v2/forecast", q, &out); err != nil {
		return Forecast{}, err
	}
	return out, nil
}

// CreateAlert creates an alert. The API answers 201 Created.
func (c *Client) CreateAlert(ctx context.Context, req AlertRequest) (Alert, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return Alert{}, fmt.Errorf("weather: create alert: %w", err)
	}
	resp, err := c.do(ctx, http.MethodPost, "/v2/alerts", nil, body, nil)
	if err != nil {
		return Alert{}, err
	}
	defer resp.Body.Close()
	var out Alert
	if err := decodeJSON(resp, &out); err != nil {
		return Alert{}, err
	}
	return out, nil
}

// Map returns the weather map, a PNG image.
func (c *Client) Map(ctx context.Context) ([]byte, error) {
	resp, err := c.do(ctx, http.MethodGet, "/v2/map.png", nil, nil, http.Header{"Accept": {"image/png"}})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := readBody(resp)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		return nil, fmt.Errorf("weather: GET /v2/map.png: not a PNG image (Content-Type %q)", resp.Header.Get("Content-Type"))
	}
	return b, nil
}

// Bulletin returns today's weather bulletin, a plain text. The client asks
// for it gzip-encoded and decodes it itself.
func (c *Client) Bulletin(ctx context.Context) (string, error) {
	// Setting Accept-Encoding turns off the transport's transparent
	// decompression, so the body is decoded here, as the server sent it.
	hdr := http.Header{"Accept": {"text/plain"}, "Accept-Encoding": {"gzip"}}
	resp, err := c.do(ctx, http.MethodGet, "/v2/bulletin", nil, nil, hdr)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := readBody(resp)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

func (c *Client) getJSON(ctx context.Context, path string, q url.Values, v any) error {
	resp, err := c.do(ctx, http.MethodGet, path, q, nil, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return decodeJSON(resp, v)
}

// do sends a request and returns the response when its status is 2xx,
// else an [*APIError]. A non-nil body is sent as JSON.
func (c *Client) do(ctx context.Context, method, path string, q url.Values, body []byte, hdr http.Header) (*http.Response, error) {
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, fmt.Errorf("weather: %s %s: %w", method, path, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "weather-go/2")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("weather: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer resp.Body.Close()
		return nil, newAPIError(method, path, resp)
	}
	return resp, nil
}

// decodeJSON decodes resp's body into v.
func decodeJSON(resp *http.Response, v any) error {
	b, err := readBody(resp)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("weather: %s %s: decode: %w", resp.Request.Method, resp.Request.URL.Path, err)
	}
	return nil
}
