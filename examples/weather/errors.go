package weather

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"
)

// An APIError is an answer of the API whose status is not 2xx.
type APIError struct {
	// StatusCode is the HTTP status, such as 404.
	StatusCode int
	// Method and Path are the request's, such as "GET" and "/v2/forecast".
	Method, Path string
	// Code is the API's error code, such as "unknown_city"; empty when the
	// body was not an API error.
	Code string
	// Message is the API's explanation, or the start of the body when it
	// was not an API error.
	Message string
}

// Error returns, for example,
// `weather: GET /v2/forecast: 404 Not Found: unknown_city: unknown city "Atlantis"`.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "weather: %s %s: %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Code != "" {
		b.WriteString(": " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	return b.String()
}

// newAPIError builds the error for resp, reading at most a few kilobytes of
// its body.
func newAPIError(method, path string, resp *http.Response) *APIError {
	e := &APIError{StatusCode: resp.StatusCode, Method: method, Path: path}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	var body struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(b, &body) == nil && (body.Code != "" || body.Message != "") {
		e.Code, e.Message = body.Code, body.Message
		return e
	}
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "..."
	}
	e.Message = s
	return e
}
