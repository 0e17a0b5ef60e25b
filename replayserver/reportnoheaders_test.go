package replayserver_test

import (
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// TestMissReportSaysWhenNoHeaders: a request without any header (as one
// sent in process through NewTransport, which Go's client gives no
// User-Agent or Accept-Encoding) is reported with "request headers: none",
// as a request without a body is with "request body: none", rather than
// with a heading followed by nothing.
func TestMissReportSaysWhenNoHeaders(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/x")
	rt := replayserver.NewTransport(t, path)
	req, err := http.NewRequest(http.MethodGet, "http://api.example.com/y", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = rt.RoundTrip(req)
	var miss *replayserver.MissError
	if !errors.As(err, &miss) {
		t.Fatalf("RoundTrip(GET /y) error = %v, want a *MissError", err)
	}
	if !strings.Contains(miss.Report, "\n  request headers: none\n") {
		t.Errorf("RoundTrip(GET /y) report does not say the request has no headers:\n%s", miss.Report)
	}
}

// TestMissReportSaysWhenNoHeaderValues: a request whose header holds keys
// without any value (req.Header["X-Trace"] = nil, which http.Transport
// sends as no field at all) has no header either: the report says
// "request headers: none", not the heading followed by nothing.
func TestMissReportSaysWhenNoHeaderValues(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api"), "api.example.com", "/x")
	rt := replayserver.NewTransport(t, path)
	req, err := http.NewRequest(http.MethodGet, "http://api.example.com/y", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header["X-Trace"] = nil
	req.Header["X-Span"] = []string{}
	_, err = rt.RoundTrip(req)
	var miss *replayserver.MissError
	if !errors.As(err, &miss) {
		t.Fatalf("RoundTrip(GET /y) error = %v, want a *MissError", err)
	}
	if !strings.Contains(miss.Report, "\n  request headers: none\n") {
		t.Errorf("RoundTrip(GET /y) with header keys without values: report does not say the request has no headers:\n%s", miss.Report)
	}
}
