// Package secretbodies holds the response bodies with credentials (an
// OAuth token endpoint's answer, a form, a gzip one...) that the tests of
// each recording path (package recorder, and replayserver in its recording
// modes) record, the API that answers them, and the check of what a
// recording logs of them: the names of their secret fields in one line,
// never their values.
package secretbodies

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
)

// A Case is a response body and what a recording logs of it.
type Case struct {
	Name        string
	ContentType string
	Gzip        bool
	Body        string
	Redact      bool     // the hook Redact replaces the body with {"access_token":"REDACTED",...}
	Fields      string   // the fields the line names; "" for no line
	Values      []string // the secrets, never logged
}

// Cases are the answers of a token endpoint and of others.
var Cases = []Case{
	{Name: "an OAuth token response names its fields", ContentType: "application/json",
		Body:   `{"access_token":"ya29.a0AfH6SMBx3kQ9","token_type":"Bearer","expires_in":3599,"refresh_token":"1//0gLrT8Zq2wXy","id_token":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"}`,
		Fields: "access_token, id_token, refresh_token", Values: []string{"ya29.a0AfH6SMBx3kQ9", "1//0gLrT8Zq2wXy", "eyJhbGciOiJSUzI1NiJ9"}},
	{Name: "a gzip one is decoded", ContentType: "application/json; charset=utf-8", Gzip: true,
		Body:   `{"data":{"client_secret":"s3cr3tValue42","accessToken":"at-9f8e7d6c"}}`,
		Fields: "accessToken, client_secret", Values: []string{"s3cr3tValue42", "at-9f8e7d6c"}},
	{Name: "a form one names its fields", ContentType: "application/x-www-form-urlencoded",
		Body:   "access_token=gho_16C7e42F292c6912E7710c838347Ae178B4a&scope=repo&token_type=bearer",
		Fields: "access_token", Values: []string{"gho_16C7e42F292c6912E7710c838347Ae178B4a"}},
	{Name: "JSON sent as text/plain is read as JSON", ContentType: "text/plain",
		Body:   `{"password":"hunter2hunter2"}`,
		Fields: "password", Values: []string{"hunter2hunter2"}},
	{Name: "an answer without credentials logs nothing", ContentType: "application/json",
		Body: `{"id":1,"name":"octocat","next_page_token":"CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA0","token_type":"Bearer"}`},
	{Name: "empty token fields log nothing", ContentType: "application/json",
		Body: `{"access_token":"","refresh_token":"","token_type":"Bearer"}`},
	{Name: "redacted and masked token fields log nothing", ContentType: "application/json",
		Body: `{"access_token":"REDACTED","refresh_token":"REDACTED","client_secret":"********"}`},
	{Name: "a form of redacted fields logs nothing", ContentType: "application/x-www-form-urlencoded",
		Body: "access_token=REDACTED&scope=repo"},
	{Name: "a token response a BeforeSave hook redacted logs nothing", ContentType: "application/json",
		Body:   `{"access_token":"ya29.a0AfH6SMBx3kQ9","refresh_token":"1//0gLrT8Zq2wXy"}`,
		Redact: true, Values: []string{"ya29.a0AfH6SMBx3kQ9", "1//0gLrT8Zq2wXy"}},
}

// Endpoint starts an API, closed when the test ends, that answers each
// request with the body of the Case its path names (/0, /1, ...), gzip
// encoded for a Case that says so.
func Endpoint(t testing.TB) *httptest.Server {
	t.Helper()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
		if err != nil || i < 0 || i >= len(Cases) {
			http.NotFound(w, r)
			return
		}
		c := Cases[i]
		w.Header().Set("Content-Type", c.ContentType)
		if !c.Gzip {
			io.WriteString(w, c.Body)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		io.WriteString(zw, c.Body)
		zw.Close()
	}))
	t.Cleanup(api.Close)
	return api
}

// Redact is a BeforeSave hook that redacts the body of the Cases that ask
// for it, as a user's hook would.
func Redact(ex *library.Exchange) error {
	for i, c := range Cases {
		if c.Redact && strings.HasSuffix(ex.Request.URL, "/"+strconv.Itoa(i)) {
			ex.Response.Body = []byte(`{"access_token":"REDACTED","refresh_token":"REDACTED"}`)
		}
	}
	return nil
}

// CheckLog checks that logged, the lines a recording of c logged, name c's
// secret fields in one line, or none, and never their values.
func CheckLog(t testing.TB, c Case, logged []string) {
	t.Helper()
	var want []string
	if c.Fields != "" {
		want = []string{"GET ", "the secret field(s) " + c.Fields + " as sent", "BeforeSave", "Security"}
	}
	CheckLines(t, logged, c.Values, want)
}

// CheckLines checks that no line of logged holds any of values, and that
// one line is on secret fields and says each of want, or none when want
// is empty.
func CheckLines(t testing.TB, logged, values, want []string) {
	t.Helper()
	var lines []string
	for _, l := range logged {
		if strings.Contains(l, "secret field") {
			lines = append(lines, l)
		}
		for _, v := range values {
			if v != "" && strings.Contains(l, v) {
				t.Errorf("a log line holds the secret %q: %s", v, l)
			}
		}
	}
	if len(want) == 0 {
		if len(lines) > 0 {
			t.Errorf("logged %q, want no line on secret fields", lines)
		}
		return
	}
	if len(lines) != 1 {
		t.Fatalf("logged %d lines on secret fields, want 1: %q", len(lines), logged)
	}
	for _, w := range want {
		if !strings.Contains(lines[0], w) {
			t.Errorf("logged %q, want it to say %q", lines[0], w)
		}
	}
}
