package recorder_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

// A response body that holds credentials (an OAuth token endpoint's
// answer) is stored as sent, and was stored without a word: the recorder
// now logs, to the test, the names of its secret fields, never their
// values, unless a BeforeSave hook redacted them.
func TestRecordingLogsTheSecretFieldsOfAResponseBody(t *testing.T) {
	t.Setenv("CI", "")
	t.Setenv("CASSETTE_MODE", "")
	api := tokenEndpoint(t)
	for _, via := range []string{"NewTransport", "New"} {
		for i, c := range secretBodies {
			t.Run(via+"/"+c.name, func(t *testing.T) {
				f := &fakeTB{TB: t}
				dir := t.TempDir()
				var get func() (*http.Response, error)
				switch via {
				case "NewTransport":
					client := &http.Client{Transport: recorder.NewTransport(f, dir, recorder.BeforeSave(redactTokens))}
					get = func() (*http.Response, error) { return client.Get(api.URL + "/" + strconv.Itoa(i)) }
				case "New":
					rec := recorder.New(f, api.URL, dir, recorder.BeforeSave(redactTokens))
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
				if string(got) != c.body {
					t.Errorf("the client got %q, want the body as sent, %q", got, c.body)
				}
				f.end()
				if len(f.errors) > 0 {
					t.Fatalf("errors: %q", f.errors)
				}
				checkSecretLog(t, c, f.logs)
			})
		}
	}
}

// A secretBody is a response body and what the recorder logs of it.
type secretBody struct {
	name        string
	contentType string
	gzip        bool
	body        string
	redact      bool     // a BeforeSave hook replaces the body with {"access_token":"REDACTED"}
	fields      string   // the fields the line names; "" for no line
	values      []string // the secrets, never logged
}

// secretBodies are the answers of a token endpoint and of others.
var secretBodies = []secretBody{
	{name: "an OAuth token response names its fields", contentType: "application/json",
		body:   `{"access_token":"ya29.a0AfH6SMBx3kQ9","token_type":"Bearer","expires_in":3599,"refresh_token":"1//0gLrT8Zq2wXy","id_token":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"}`,
		fields: "access_token, id_token, refresh_token", values: []string{"ya29.a0AfH6SMBx3kQ9", "1//0gLrT8Zq2wXy", "eyJhbGciOiJSUzI1NiJ9"}},
	{name: "a gzip one is decoded", contentType: "application/json; charset=utf-8", gzip: true,
		body:   `{"data":{"client_secret":"s3cr3tValue42","accessToken":"at-9f8e7d6c"}}`,
		fields: "accessToken, client_secret", values: []string{"s3cr3tValue42", "at-9f8e7d6c"}},
	{name: "a form one names its fields", contentType: "application/x-www-form-urlencoded",
		body:   "access_token=gho_16C7e42F292c6912E7710c838347Ae178B4a&scope=repo&token_type=bearer",
		fields: "access_token", values: []string{"gho_16C7e42F292c6912E7710c838347Ae178B4a"}},
	{name: "JSON sent as text/plain is read as JSON", contentType: "text/plain",
		body:   `{"password":"hunter2hunter2"}`,
		fields: "password", values: []string{"hunter2hunter2"}},
	{name: "an answer without credentials logs nothing", contentType: "application/json",
		body: `{"id":1,"name":"octocat","next_page_token":"CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA0","token_type":"Bearer"}`},
	{name: "empty token fields log nothing", contentType: "application/json",
		body: `{"access_token":"","refresh_token":"","token_type":"Bearer"}`},
	{name: "redacted and masked token fields log nothing", contentType: "application/json",
		body: `{"access_token":"REDACTED","refresh_token":"REDACTED","client_secret":"********"}`},
	{name: "a form of redacted fields logs nothing", contentType: "application/x-www-form-urlencoded",
		body: "access_token=REDACTED&scope=repo"},
	{name: "a token response a BeforeSave hook redacted logs nothing", contentType: "application/json",
		body:   `{"access_token":"ya29.a0AfH6SMBx3kQ9","refresh_token":"1//0gLrT8Zq2wXy"}`,
		redact: true, values: []string{"ya29.a0AfH6SMBx3kQ9", "1//0gLrT8Zq2wXy"}},
}

// tokenEndpoint answers each request with the body of the secretBody
// named by its path (/0, /1, ...).
func tokenEndpoint(t *testing.T) *httptest.Server {
	t.Helper()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
		if err != nil || i < 0 || i >= len(secretBodies) {
			http.NotFound(w, r)
			return
		}
		c := secretBodies[i]
		w.Header().Set("Content-Type", c.contentType)
		if !c.gzip {
			io.WriteString(w, c.body)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		io.WriteString(zw, c.body)
		zw.Close()
	}))
	t.Cleanup(api.Close)
	return api
}

// redactTokens is a BeforeSave hook that redacts the body of the cases
// that ask for it, as a user's hook would.
func redactTokens(ex *library.Exchange) error {
	for i, c := range secretBodies {
		if c.redact && strings.HasSuffix(ex.Request.URL, "/"+strconv.Itoa(i)) {
			ex.Response.Body = []byte(`{"access_token":"REDACTED","refresh_token":"REDACTED"}`)
		}
	}
	return nil
}

// checkSecretLog checks that logged, what a recording of c logged, names
// c's secret fields in one line, or none, and never their values.
func checkSecretLog(t *testing.T, c secretBody, logged []string) {
	t.Helper()
	var lines []string
	for _, l := range logged {
		if strings.Contains(l, "secret field") {
			lines = append(lines, l)
		}
		for _, v := range c.values {
			if strings.Contains(l, v) {
				t.Errorf("a log line holds the secret %q: %s", v, l)
			}
		}
	}
	if c.fields == "" {
		if len(lines) > 0 {
			t.Errorf("logged %q, want no line on secret fields", lines)
		}
		return
	}
	if len(lines) != 1 {
		t.Fatalf("logged %d lines on secret fields, want 1: %q", len(lines), logged)
	}
	t.Logf("logged: %s", lines[0])
	for _, want := range []string{"GET ", "the secret field(s) " + c.fields + " as sent", "BeforeSave", "Security"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("logged %q, want it to say %q", lines[0], want)
		}
	}
}

// A test that polls or refreshes a token endpoint stores its answer again
// and again: the line was logged for each exchange, the same each time.
// It is logged once for each cassette (and set of fields).
func TestRecordingLogsTheSecretFieldsOfACassetteOnce(t *testing.T) {
	t.Setenv("CI", "")
	t.Setenv("CASSETTE_MODE", "")
	api := tokenEndpoint(t)
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
