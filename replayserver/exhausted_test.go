package replayserver_test

import (
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
)

// TestExhaustedCassetteIsNotItsOwnNearest: with NoRepeat, the miss report
// of a cassette whose exchanges were all served says so, and does not list
// the cassette again among the nearest with a reason that is not the
// reason (the host or port, or naming rules).
func TestExhaustedCassetteIsNotItsOwnNearest(t *testing.T) {
	for _, tc := range []struct {
		name     string
		paths    []string
		wantNear []string // the nearest the report lists
	}{
		{"alone in its library", []string{"/v1/a"}, nil},
		{"beside another cassette", []string{"/v1/a", "/v1/b"}, []string{"GET_api.example.com_80_v1_b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(replayserver.EnvMode, "")
			path := writeLibrary(t, filepath.Join(t.TempDir(), "api.json"), "api.example.com", tc.paths...)
			rt := replayserver.NewTransport(t, path, replayserver.NoRepeat())
			req, _ := http.NewRequest("GET", "http://api.example.com/v1/a", nil)
			resp, err := rt.RoundTrip(req)
			if err != nil {
				t.Fatalf("RoundTrip(GET /v1/a) #1: %v", err)
			}
			resp.Body.Close()
			_, err = rt.RoundTrip(req)
			var miss *replayserver.MissError
			if !errors.As(err, &miss) {
				t.Fatalf("RoundTrip(GET /v1/a) #2 error = %v, want a *MissError", err)
			}
			if !strings.Contains(miss.Report, "exchange(s) were all served and replayserver.NoRepeat is set") {
				t.Errorf("the report does not say the cassette was all served:\n%s", miss.Report)
			}
			if strings.Join(miss.Near, " ") != strings.Join(tc.wantNear, " ") {
				t.Errorf("nearest = %q, want %q", miss.Near, tc.wantNear)
			}
			for _, wrong := range []string{"nearest #1: GET_api.example.com_80_v1_a", "the host or port differs", "the library holds no cassettes"} {
				if strings.Contains(miss.Report, wrong) {
					t.Errorf("the report says %q:\n%s", wrong, miss.Report)
				}
			}
		})
	}
}
