package replayserver_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

func TestTransportReplaysInProcess(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api.json"), "api.example.com", "/v1/a", "/v1/b")
	c := &http.Client{Transport: replayserver.NewTransport(t, path)}
	resp, err := c.Get("http://api.example.com/v1/a")
	if err != nil {
		t.Fatalf("GET /v1/a through the transport: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "answer for /v1/a" {
		t.Errorf("GET /v1/a = %d %q, want 200 %q", resp.StatusCode, b, "answer for /v1/a")
	}
	if got := resp.Header.Get("Content-Type"); got != "text/plain" {
		t.Errorf("Content-Type = %q, want text/plain", got)
	}
}

func TestTransportMissIsAnErrorWithTheReport(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api.json"), "api.example.com", "/v1/a")
	rt := replayserver.NewTransport(t, path)
	req, _ := http.NewRequest("GET", "http://api.example.com/v1/zzz", nil)
	_, err := rt.RoundTrip(req)
	if !errors.Is(err, replayserver.ErrNoMatch) {
		t.Fatalf("RoundTrip(GET /v1/zzz) error = %v, want ErrNoMatch", err)
	}
	var miss *replayserver.MissError
	if !errors.As(err, &miss) {
		t.Fatalf("error %T is not a *MissError", err)
	}
	for _, want := range []string{"GET http://api.example.com/v1/zzz", "GET_api.example.com_80_v1_zzz", "nearest #1: GET_api.example.com_80_v1_a"} {
		if !strings.Contains(miss.Report, want) {
			t.Errorf("report lacks %q:\n%s", want, miss.Report)
		}
	}
}

func TestTransportStrictFailsOnUnused(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path := writeLibrary(t, filepath.Join(t.TempDir(), "api.json"), "api.example.com", "/v1/a", "/v1/never")
	ft := newFakeTB(t)
	ft.do(func() {
		c := &http.Client{Transport: replayserver.NewTransport(ft, path, replayserver.Strict())}
		resp, err := c.Get("http://api.example.com/v1/a")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	})
	ft.finish()
	if got := ft.errors(); !strings.Contains(got, "GET_api.example.com_80_v1_never") || strings.Contains(got, "v1_a\n") {
		t.Errorf("strict transport failure = %q, want it to name only the unused cassette", got)
	}
}

// A HEAD answer replayed in process has the length of its Content-Length
// header, as http.Transport gives it, and no body.
func TestTransportHEADHasTheRecordedLength(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	path := filepath.Join(t.TempDir(), "api.json")
	lib, err := library.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("HEAD", "http://api.example.com/v1/object", nil)
	if err := lib.Append(nameOf(req, nil), library.Exchange{
		Request:  library.Request{Method: "HEAD", URL: "http://api.example.com/v1/object"},
		Response: library.Response{StatusCode: 200, Header: http.Header{"Content-Length": {"17"}}},
	}); err != nil {
		t.Fatal(err)
	}
	if err := lib.Save(); err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Transport: replayserver.NewTransport(t, path, replayserver.WithMode(replayserver.ModeReplay))}
	resp, err := c.Head("http://api.example.com/v1/object")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.ContentLength != 17 || len(b) != 0 {
		t.Errorf("HEAD: ContentLength %d, %d body bytes; want 17 and none", resp.ContentLength, len(b))
	}
}
