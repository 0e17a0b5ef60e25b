package recorder_test

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/internal/secretbodies"
	"github.com/cassette-go/cassette/recorder"
)

// A response body that holds credentials (an OAuth token endpoint's
// answer) is stored as sent, and was stored without a word: the recorder
// now logs, to the test, the names of its secret fields, never their
// values, unless a BeforeSave hook redacted them.
func TestRecordingLogsTheSecretFieldsOfAResponseBody(t *testing.T) {
	t.Setenv("CI", "")
	t.Setenv("CASSETTE_MODE", "")
	api := secretbodies.Endpoint(t)
	for _, via := range []string{"NewTransport", "New"} {
		for i, c := range secretbodies.Cases {
			t.Run(via+"/"+c.Name, func(t *testing.T) {
				f := &fakeTB{TB: t}
				dir := t.TempDir()
				var get func() (*http.Response, error)
				switch via {
				case "NewTransport":
					client := &http.Client{Transport: recorder.NewTransport(f, dir, recorder.BeforeSave(secretbodies.Redact))}
					get = func() (*http.Response, error) { return client.Get(api.URL + "/" + strconv.Itoa(i)) }
				case "New":
					rec := recorder.New(f, api.URL, dir, recorder.BeforeSave(secretbodies.Redact))
					get = func() (*http.Response, error) { return http.Get(rec.URL + "/" + strconv.Itoa(i)) }
				}
				resp, err := get()
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != c.Body {
					t.Errorf("the client got %q, want the body as sent, %q", got, c.Body)
				}
				f.end()
				if len(f.errors) > 0 {
					t.Fatalf("errors: %q", f.errors)
				}
				secretbodies.CheckLog(t, c, f.logs)
			})
		}
	}
}

// A test that polls or refreshes a token endpoint stores its answer again
// and again: the line was logged for each exchange, the same each time.
// It is logged once for each cassette (and set of fields).
func TestRecordingLogsTheSecretFieldsOfACassetteOnce(t *testing.T) {
	t.Setenv("CI", "")
	t.Setenv("CASSETTE_MODE", "")
	api := secretbodies.Endpoint(t)
	for _, via := range []string{"NewTransport", "New"} {
		t.Run(via, func(t *testing.T) {
			f := &fakeTB{TB: t}
			dir := t.TempDir()
			base := api.URL
			client := http.DefaultClient
			switch via {
			case "NewTransport":
				client = &http.Client{Transport: recorder.NewTransport(f, dir)}
			case "New":
				base = recorder.New(f, api.URL, dir).URL
			}
			// Three answers of the token endpoint (/0), one of another
			// cassette with secret fields (/1).
			for _, p := range []string{"/0", "/0", "/1", "/0"} {
				resp, err := client.Get(base + p)
				if err != nil {
					t.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			f.end()
			var lines []string
			for _, l := range f.logs {
				if strings.Contains(l, "secret field") {
					lines = append(lines, l)
				}
			}
			if len(lines) != 2 || !strings.Contains(lines[0], "/0: ") || !strings.Contains(lines[1], "/1: ") {
				t.Errorf("logged %d lines on secret fields, want one for /0 and one for /1: %q", len(lines), lines)
			}
		})
	}
}
