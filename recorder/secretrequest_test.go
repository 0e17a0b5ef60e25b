package recorder_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/internal/secretbodies"
	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

// A secretRequest is a request body sent to a login endpoint and what the
// recorder logs of it.
type secretRequest struct {
	name        string
	contentType string
	body        string
	redact      bool     // a BeforeSave hook replaces the body with {"password":"REDACTED"}
	fields      string   // the fields the line names; "" for no line
	values      []string // the secrets, never logged
}

// secretRequests are login requests, and others.
var secretRequests = []secretRequest{
	{name: "a Vault AppRole login names secret_id", contentType: "application/json",
		body:   `{"role_id":"db02de05-fa39-4855-059b-67221c5c2f63","secret_id":"6a174c20-f6de-a53c-74d2-6018fcceff64"}`,
		fields: "secret_id", values: []string{"6a174c20-f6de-a53c-74d2-6018fcceff64"}},
	{name: "a JSON password login names password", contentType: "application/json; charset=utf-8",
		body:   `{"username":"ada","password":"hunter2hunter2"}`,
		fields: "password", values: []string{"hunter2hunter2"}},
	{name: "a form field the recorder does not redact is named", contentType: "application/x-www-form-urlencoded",
		body:   "role_id=abc&secret_id=6a174c20f6dea53c74d26018fcceff64",
		fields: "secret_id", values: []string{"6a174c20f6dea53c74d26018fcceff64"}},
	{name: "a form the recorder redacted logs nothing", contentType: "application/x-www-form-urlencoded",
		body: "grant_type=password&username=ada&password=hunter2hunter2&client_secret=s3cr3tValue42", values: []string{"hunter2hunter2", "s3cr3tValue42"}},
	{name: "a body without credentials logs nothing", contentType: "application/json",
		body: `{"query":"cats","next_page_token":"CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA0"}`},
	{name: "a login a BeforeSave hook redacted logs nothing", contentType: "application/json",
		body: `{"username":"ada","password":"hunter2hunter2"}`, redact: true, values: []string{"hunter2hunter2"}},
}

// A JSON login's password (or Vault's AppRole secret_id) was stored in
// the request body as sent without a word, where a response's secret
// fields are logged: the recorder now logs, to the test, the names of
// the secret fields of a stored request body too, never their values,
// unless redaction (of a form) or a BeforeSave hook redacted them.
func TestRecordingLogsTheSecretFieldsOfARequestBody(t *testing.T) {
	t.Setenv("CI", "")
	t.Setenv("CASSETTE_MODE", "")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(api.Close)
	hook := recorder.BeforeSave(func(ex *library.Exchange) error {
		if strings.HasSuffix(ex.Request.URL, "/redact") {
			ex.Request.Body = []byte(`{"username":"ada","password":"REDACTED"}`)
		}
		return nil
	})
	for _, via := range []string{"NewTransport", "New", "NewRoundTripper"} {
		for _, c := range secretRequests {
			t.Run(via+"/"+c.name, func(t *testing.T) {
				f := &fakeTB{TB: t}
				dir := t.TempDir()
				path := "/login"
				if c.redact {
					path = "/redact"
				}
				var post func() (*http.Response, error)
				switch via {
				case "NewTransport":
					client := &http.Client{Transport: recorder.NewTransport(f, dir, hook)}
					post = func() (*http.Response, error) {
						return client.Post(api.URL+path, c.contentType, strings.NewReader(c.body))
					}
				case "New":
					rec := recorder.New(f, api.URL, dir, hook)
					post = func() (*http.Response, error) {
						return http.Post(rec.URL+path, c.contentType, strings.NewReader(c.body))
					}
				case "NewRoundTripper":
					lib, err := library.Open(dir)
					if err != nil {
						t.Fatal(err)
					}
					rt := recorder.NewRoundTripper(lib, hook, recorder.Logf(f.Logf))
					f.Cleanup(func() { rt.(io.Closer).Close() })
					client := &http.Client{Transport: rt}
					post = func() (*http.Response, error) {
						return client.Post(api.URL+path, c.contentType, strings.NewReader(c.body))
					}
				}
				// Twice: one line for the cassette and its fields.
				for range 2 {
					resp, err := post()
					if err != nil {
						t.Fatal(err)
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				f.end()
				if len(f.errors) > 0 {
					t.Fatalf("errors: %q", f.errors)
				}
				var want []string
				if c.fields != "" {
					want = []string{"POST " + api.URL + "/login: ", "the request body was stored with the secret field(s) " + c.fields + " as sent", "BeforeSave", "body rule", "Security", "cassette audit"}
				}
				secretbodies.CheckLines(t, f.logs, c.values, want)
			})
		}
	}
}
